package dev.skiff.metadata;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.proto.metadata.v1.BrokerData;
import dev.skiff.proto.metadata.v1.ImageData;
import dev.skiff.proto.metadata.v1.MetadataSnapshot;
import dev.skiff.proto.metadata.v1.PartitionData;
import dev.skiff.proto.metadata.v1.ResourceConfigData;
import dev.skiff.proto.metadata.v1.TopicData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Converts between a {@link MetadataImage} and its {@code MetadataSnapshot}: the whole image as of
 * a Raft entry, in the snapshot format of {@link MetadataVersions#SNAPSHOT_FORMAT_VERSION}. Equal
 * images encode to equal bytes: lists are sorted and maps are filled in key order.
 */
public final class MetadataSnapshots {
    private MetadataSnapshots() {}

    /** The snapshot of {@code image}, which holds every entry up to Raft {@code term}/{@code index}. */
    public static MetadataSnapshot encode(MetadataImage image, long lastAppliedTerm, long lastAppliedIndex) {
        ImageData.Builder data =
                ImageData.newBuilder().setClusterId(image.rawClusterId()).setNextProducerId(image.nextProducerId());
        for (BrokerRegistration broker : image.brokers().values()) {
            BrokerData.Builder b = BrokerData.newBuilder()
                    .setNodeId(broker.nodeId())
                    .setIncarnationId(broker.incarnationId().toProto())
                    .setRack(broker.rack().orElse(""))
                    .setFenced(broker.fenced());
            broker.endpoints().forEach(e -> b.addEndpoints(e.toProto()));
            data.addBrokers(b);
        }
        boolean reassigning = false;
        for (TopicImage topic : image.topics()) {
            TopicData.Builder t = TopicData.newBuilder()
                    .setName(topic.name())
                    .setTopicId(topic.id().toProto())
                    .putAllConfigs(topic.configs());
            for (PartitionState p : topic.partitions()) {
                t.addPartitions(PartitionData.newBuilder()
                        .setIndex(p.index())
                        .addAllReplicas(p.replicas())
                        .addAllIsr(p.isr())
                        .setLeader(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .setPartitionEpoch(p.partitionEpoch())
                        .addAllAddingReplicas(p.addingReplicas())
                        .addAllRemovingReplicas(p.removingReplicas()));
                reassigning |= p.isReassigning();
            }
            data.addTopics(t);
        }
        image.brokerConfigs()
                .forEach((name, configs) -> data.addBrokerConfigs(
                        ResourceConfigData.newBuilder().setResourceName(name).putAllConfigs(configs)));
        return MetadataSnapshot.newBuilder()
                .setFormatVersion(
                        reassigning
                                ? MetadataVersions.SNAPSHOT_FORMAT_VERSION
                                : MetadataVersions.BASE_SNAPSHOT_FORMAT_VERSION)
                .setLastAppliedTerm(lastAppliedTerm)
                .setLastAppliedIndex(lastAppliedIndex)
                .setImage(data)
                .build();
    }

    /** Parses snapshot bytes; the result still has to go through {@link #restore}. */
    public static MetadataSnapshot parse(byte[] bytes) throws MetadataFormatException {
        try {
            return MetadataSnapshot.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MetadataFormatException("the metadata snapshot cannot be decoded: " + e.getMessage(), e);
        }
    }

    /**
     * The image a snapshot holds, after checking its format version and every invariant of the
     * image: a snapshot is data read from disk or the network, and a wrong image must not be served.
     */
    public static MetadataImage restore(MetadataSnapshot snapshot) throws MetadataFormatException {
        Optional<String> versionProblem = MetadataVersions.snapshotVersionProblem(snapshot.getFormatVersion());
        if (versionProblem.isPresent()) {
            throw new MetadataFormatException(versionProblem.get());
        }
        ImageData data = snapshot.getImage();
        SortedMap<Integer, BrokerRegistration> brokers = new TreeMap<>();
        for (BrokerData b : data.getBrokersList()) {
            List<Endpoint> endpoints =
                    b.getEndpointsList().stream().map(Endpoint::fromProto).toList();
            Optional<String> rack = b.getRack().isEmpty() ? Optional.empty() : Optional.of(b.getRack());
            BrokerRegistration broker = new BrokerRegistration(
                    b.getNodeId(), Uuid.fromProto(b.getIncarnationId()), endpoints, rack, b.getFenced());
            if (brokers.put(b.getNodeId(), broker) != null) {
                throw corrupt(snapshot, "broker " + b.getNodeId() + " appears twice");
            }
        }
        SortedMap<String, TopicImage> byName = new TreeMap<>();
        Map<Uuid, TopicImage> byId = new HashMap<>();
        for (TopicData t : data.getTopicsList()) {
            TopicImage topic = restoreTopic(t);
            if (byName.put(topic.name(), topic) != null) {
                throw corrupt(snapshot, "topic '" + topic.name() + "' appears twice");
            }
            if (byId.put(topic.id(), topic) != null) {
                throw corrupt(snapshot, "topic id " + topic.id() + " appears twice");
            }
        }
        SortedMap<String, SortedMap<String, String>> brokerConfigs = new TreeMap<>();
        for (ResourceConfigData c : data.getBrokerConfigsList()) {
            SortedMap<String, String> configs = Collections.unmodifiableSortedMap(new TreeMap<>(c.getConfigsMap()));
            if (brokerConfigs.put(c.getResourceName(), configs) != null) {
                throw corrupt(snapshot, "the broker configs of '" + c.getResourceName() + "' appear twice");
            }
        }
        MetadataImage image = new MetadataImage(
                data.getClusterId(),
                Collections.unmodifiableSortedMap(brokers),
                Collections.unmodifiableSortedMap(byName),
                Collections.unmodifiableMap(byId),
                Collections.unmodifiableSortedMap(brokerConfigs),
                data.getNextProducerId());
        List<String> violations = ImageInvariants.violations(image);
        if (!violations.isEmpty()) {
            throw corrupt(snapshot, String.join("; ", violations));
        }
        return image;
    }

    private static TopicImage restoreTopic(TopicData t) {
        List<PartitionState> partitions = new ArrayList<>(t.getPartitionsCount());
        for (PartitionData p : t.getPartitionsList()) {
            partitions.add(new PartitionState(
                    p.getIndex(),
                    p.getReplicasList(),
                    p.getIsrList(),
                    p.getLeader(),
                    p.getLeaderEpoch(),
                    p.getPartitionEpoch(),
                    p.getAddingReplicasList(),
                    p.getRemovingReplicasList()));
        }
        return new TopicImage(t.getName(), Uuid.fromProto(t.getTopicId()), t.getConfigsMap(), partitions);
    }

    private static MetadataFormatException corrupt(MetadataSnapshot snapshot, String problem) {
        return new MetadataFormatException("the metadata snapshot at Raft index " + snapshot.getLastAppliedIndex()
                + " (term " + snapshot.getLastAppliedTerm() + ") holds an invalid image: " + problem);
    }
}
