package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.BrokerIds;
import dev.skiff.proto.metadata.v1.ClusterIdRecord;
import dev.skiff.proto.metadata.v1.ConfigRecord;
import dev.skiff.proto.metadata.v1.ConfigResourceType;
import dev.skiff.proto.metadata.v1.DeleteTopicRecord;
import dev.skiff.proto.metadata.v1.FenceBrokerRecord;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.metadata.v1.PartitionChangeRecord;
import dev.skiff.proto.metadata.v1.PartitionRecord;
import dev.skiff.proto.metadata.v1.ProducerIdsRecord;
import dev.skiff.proto.metadata.v1.RegisterBrokerRecord;
import dev.skiff.proto.metadata.v1.TopicRecord;
import dev.skiff.proto.metadata.v1.UnfenceBrokerRecord;
import dev.skiff.proto.metadata.v1.UnregisterBrokerRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds metadata records, each of the oldest version that holds it ({@link MetadataVersions}). The controller
 * decisions use it; so can tests and tools. Nothing here validates: {@link MetadataImage#apply}
 * does, against the image the records are applied to.
 */
public final class MetadataRecords {
    private MetadataRecords() {}

    public static MetadataBatch batch(MetadataRecord... records) {
        return MetadataBatch.newBuilder().addAllRecords(List.of(records)).build();
    }

    public static MetadataBatch batch(Collection<MetadataRecord> records) {
        return MetadataBatch.newBuilder().addAllRecords(records).build();
    }

    public static MetadataRecord clusterId(String clusterId) {
        return base().setClusterId(ClusterIdRecord.newBuilder().setClusterId(clusterId))
                .build();
    }

    public static MetadataRecord registerBroker(
            int nodeId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack) {
        return registerBroker(nodeId, incarnationId, endpoints, rack, false);
    }

    /**
     * A registration; {@code storageIsNew} says the broker's log directories were created empty at
     * this start, so it must be in no ISR once the record applies (see {@code
     * RegisterBrokerRecord.storage_is_new}).
     */
    public static MetadataRecord registerBroker(
            int nodeId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack, boolean storageIsNew) {
        RegisterBrokerRecord.Builder record = RegisterBrokerRecord.newBuilder()
                .setNodeId(nodeId)
                .setIncarnationId(incarnationId.toProto())
                .setRack(rack.orElse(""))
                .setStorageIsNew(storageIsNew);
        endpoints.forEach(e -> record.addEndpoints(e.toProto()));
        return base().setRegisterBroker(record).build();
    }

    public static MetadataRecord fenceBroker(int nodeId, Uuid incarnationId) {
        return base().setFenceBroker(
                        FenceBrokerRecord.newBuilder().setNodeId(nodeId).setIncarnationId(incarnationId.toProto()))
                .build();
    }

    public static MetadataRecord unfenceBroker(int nodeId, Uuid incarnationId) {
        return base().setUnfenceBroker(
                        UnfenceBrokerRecord.newBuilder().setNodeId(nodeId).setIncarnationId(incarnationId.toProto()))
                .build();
    }

    public static MetadataRecord unregisterBroker(int nodeId) {
        return base().setUnregisterBroker(UnregisterBrokerRecord.newBuilder().setNodeId(nodeId))
                .build();
    }

    public static MetadataRecord topic(String name, Uuid topicId, Map<String, String> configs) {
        return base().setTopic(TopicRecord.newBuilder()
                        .setName(name)
                        .setTopicId(topicId.toProto())
                        .putAllConfigs(configs))
                .build();
    }

    public static MetadataRecord partition(Uuid topicId, PartitionState partition) {
        return base().setVersion(
                        partition.isReassigning()
                                ? MetadataVersions.REASSIGNMENT_RECORD_VERSION
                                : MetadataVersions.BASE_RECORD_VERSION)
                .setPartition(PartitionRecord.newBuilder()
                        .setTopicId(topicId.toProto())
                        .setIndex(partition.index())
                        .addAllReplicas(partition.replicas())
                        .addAllIsr(partition.isr())
                        .setLeader(partition.leader())
                        .setLeaderEpoch(partition.leaderEpoch())
                        .setPartitionEpoch(partition.partitionEpoch())
                        .addAllAddingReplicas(partition.addingReplicas())
                        .addAllRemovingReplicas(partition.removingReplicas()))
                .build();
    }

    /**
     * A change to partition {@code index} of {@code topicId}, computed from the state at
     * {@code expectedPartitionEpoch}; set the fields that change on the returned builder and pass it
     * to {@link #partitionChange(PartitionChangeRecord.Builder)}.
     */
    public static PartitionChangeRecord.Builder partitionChangeOf(Uuid topicId, int index, int expectedPartitionEpoch) {
        return PartitionChangeRecord.newBuilder()
                .setTopicId(topicId.toProto())
                .setIndex(index)
                .setExpectedPartitionEpoch(expectedPartitionEpoch);
    }

    /** The change as a record: of version 2 if it touches reassignment state, else 1. */
    public static MetadataRecord partitionChange(PartitionChangeRecord.Builder change) {
        boolean reassignment = change.hasAddingReplicas() || change.hasRemovingReplicas();
        return base().setVersion(
                        reassignment
                                ? MetadataVersions.REASSIGNMENT_RECORD_VERSION
                                : MetadataVersions.BASE_RECORD_VERSION)
                .setPartitionChange(change)
                .build();
    }

    public static BrokerIds brokerIds(Collection<Integer> ids) {
        return BrokerIds.newBuilder().addAllIds(ids).build();
    }

    public static MetadataRecord deleteTopic(Uuid topicId) {
        return base().setDeleteTopic(DeleteTopicRecord.newBuilder().setTopicId(topicId.toProto()))
                .build();
    }

    public static MetadataRecord setConfig(ConfigResource resource, String key, String value) {
        return base().setConfig(configOf(resource, key).setValue(value)).build();
    }

    public static MetadataRecord deleteConfig(ConfigResource resource, String key) {
        return base().setConfig(configOf(resource, key).setDelete(true)).build();
    }

    static ConfigResourceType toProto(ConfigResource.Type type) {
        return type == ConfigResource.Type.TOPIC ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER;
    }

    private static ConfigRecord.Builder configOf(ConfigResource resource, String key) {
        return ConfigRecord.newBuilder()
                .setResourceType(toProto(resource.type()))
                .setResourceName(resource.name())
                .setKey(key);
    }

    /** Hands producer ids [first, next) to a broker. */
    public static MetadataRecord producerIds(int brokerId, long firstProducerId, long nextProducerId) {
        return base().setProducerIds(ProducerIdsRecord.newBuilder()
                        .setBrokerId(brokerId)
                        .setFirstProducerId(firstProducerId)
                        .setNextProducerId(nextProducerId))
                .build();
    }

    private static MetadataRecord.Builder base() {
        return MetadataRecord.newBuilder().setVersion(MetadataVersions.BASE_RECORD_VERSION);
    }
}
