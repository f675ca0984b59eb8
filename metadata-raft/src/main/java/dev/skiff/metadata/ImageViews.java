package dev.skiff.metadata;

import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.ConfigEntry;
import dev.skiff.proto.v1.ConfigSource;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeConfigsResult;
import dev.skiff.proto.v1.DescribeTopicsResponse;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionDescription;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.QuorumVoter;
import dev.skiff.proto.v1.RegisteredBroker;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.TopicDescription;
import dev.skiff.proto.v1.TopicMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The client API's read-only answers (skiff.v1 Metadata, DescribeTopics, DescribeCluster and the
 * dynamic part of DescribeConfigs) computed from an image: pure functions, so every broker
 * answers alike from the same image. Brokers are listed when registered and unfenced, with their
 * endpoint on the listener the client came in on (Kafka's rule); replicas and ISRs may still name
 * brokers that are not listed (offline replicas).
 */
public final class ImageViews {
    private ImageViews() {}

    /**
     * The Metadata answer for {@code topics} (all topics if empty), with the brokers' endpoints on
     * {@code listener} and {@code controllerId} (the Raft leader) if known.
     */
    public static MetadataResponse metadata(
            MetadataImage image, List<String> topics, String listener, OptionalInt controllerId) {
        MetadataResponse.Builder response = MetadataResponse.newBuilder()
                .setClusterId(image.clusterId().orElse(""))
                .setControllerId(controllerId.orElse(-1))
                .addAllBrokers(brokers(image, listener));
        for (String name : topics.isEmpty() ? image.topicsByName().keySet() : topics) {
            Optional<TopicImage> topic = image.topic(name);
            if (topic.isEmpty()) {
                response.addTopics(
                        TopicMetadata.newBuilder().setName(name).setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                continue;
            }
            TopicMetadata.Builder t = TopicMetadata.newBuilder()
                    .setName(name)
                    .setTopicId(topic.get().id().toString())
                    .setIsInternal(topic.get().isInternal());
            for (PartitionState p : topic.get().partitions()) {
                t.addPartitions(PartitionMetadata.newBuilder()
                        .setIndex(p.index())
                        .setError(p.hasLeader() ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE)
                        .setLeader(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .addAllReplicas(p.replicas())
                        .addAllIsr(p.isr()));
            }
            response.addTopics(t);
        }
        return response.build();
    }

    /**
     * The DescribeTopics answer for {@code names} (all topics if empty), configs as overrides only,
     * offline replicas (fenced or unregistered brokers) named; the broker adds the effective
     * min.insync.replicas, which depends on its own config.
     */
    public static DescribeTopicsResponse describeTopics(MetadataImage image, List<String> names) {
        DescribeTopicsResponse.Builder response = DescribeTopicsResponse.newBuilder();
        for (String name : names.isEmpty() ? image.topicsByName().keySet() : names) {
            Optional<TopicImage> topic = image.topic(name);
            if (topic.isEmpty()) {
                response.addTopics(TopicDescription.newBuilder()
                        .setName(name)
                        .setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                        .setErrorMessage("Topic '" + name + "' does not exist."));
                continue;
            }
            TopicDescription.Builder t = TopicDescription.newBuilder()
                    .setName(name)
                    .setTopicId(topic.get().id().toString())
                    .setIsInternal(topic.get().isInternal())
                    .putAllConfigs(topic.get().configs());
            for (PartitionState p : topic.get().partitions()) {
                t.addPartitions(PartitionDescription.newBuilder()
                        .setIndex(p.index())
                        .setLeader(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .addAllReplicas(p.replicas())
                        .addAllIsr(p.isr())
                        .addAllOfflineReplicas(p.replicas().stream()
                                .filter(r ->
                                        image.broker(r).filter(b -> !b.fenced()).isEmpty())
                                .toList()));
            }
            response.addTopics(t);
        }
        return response.build();
    }

    /**
     * The DescribeCluster answer: the unfenced brokers, every registered broker (fenced or not, with
     * its incarnation), and the {@code voters} (node id, host, port; lags as the caller knows them),
     * the one whose id is {@code controllerId} marked as leader.
     */
    public static DescribeClusterResponse describeCluster(
            MetadataImage image, String listener, OptionalInt controllerId, Collection<QuorumVoter> voters) {
        DescribeClusterResponse.Builder response = DescribeClusterResponse.newBuilder()
                .setClusterId(image.clusterId().orElse(""))
                .setControllerId(controllerId.orElse(-1))
                .addAllBrokers(brokers(image, listener));
        for (BrokerRegistration b : image.brokers().values()) {
            RegisteredBroker.Builder registered = RegisteredBroker.newBuilder()
                    .setNodeId(b.nodeId())
                    .setRack(b.rack().orElse(""))
                    .setFenced(b.fenced())
                    .setIncarnationId(b.incarnationId().toString());
            b.endpoint(listener).ifPresent(e -> registered.setHost(e.host()).setPort(e.port()));
            response.addRegisteredBrokers(registered);
        }
        for (QuorumVoter voter : voters) {
            response.addVoters(voter.toBuilder()
                    .setIsLeader(controllerId.isPresent() && controllerId.getAsInt() == voter.getNodeId()));
        }
        return response.build();
    }

    /**
     * The dynamic configs of a resource as DescribeConfigs entries (topic overrides, or a broker's
     * dynamic configs, falling back to the cluster-wide broker default); the broker adds its static
     * configs and defaults. An unknown topic is UNKNOWN_TOPIC_OR_PARTITION.
     */
    public static DescribeConfigsResult dynamicConfigs(MetadataImage image, ConfigResource resource) {
        DescribeConfigsResult.Builder result = DescribeConfigsResult.newBuilder()
                .setResource(dev.skiff.proto.v1.ConfigResource.newBuilder()
                        .setType(
                                resource.type() == ConfigResource.Type.TOPIC ? ResourceType.TOPIC : ResourceType.BROKER)
                        .setName(resource.name()));
        if (resource.type() == ConfigResource.Type.TOPIC) {
            if (image.topic(resource.name()).isEmpty()) {
                return result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                        .setErrorMessage("Topic '" + resource.name() + "' does not exist.")
                        .build();
            }
            entries(image.configs(resource), ConfigSource.DYNAMIC_TOPIC_CONFIG, result);
            return result.build();
        }
        Map<String, String> own = image.configs(resource);
        Map<String, String> defaults = image.configs(ConfigResource.brokerDefault());
        defaults.forEach((key, value) -> {
            if (!own.containsKey(key)) {
                result.addEntries(entry(key, value, ConfigSource.DYNAMIC_BROKER_CONFIG));
            }
        });
        entries(own, ConfigSource.DYNAMIC_BROKER_CONFIG, result);
        return result.build();
    }

    private static void entries(
            Map<String, String> configs, ConfigSource source, DescribeConfigsResult.Builder result) {
        configs.forEach((key, value) -> result.addEntries(entry(key, value, source)));
    }

    private static ConfigEntry entry(String key, String value, ConfigSource source) {
        return ConfigEntry.newBuilder()
                .setName(key)
                .setValue(value)
                .setSource(source)
                .build();
    }

    private static List<BrokerEndpoint> brokers(MetadataImage image, String listener) {
        return image.unfencedBrokers().stream()
                .flatMap(b -> b.endpoint(listener).stream().map(e -> BrokerEndpoint.newBuilder()
                        .setNodeId(b.nodeId())
                        .setHost(e.host())
                        .setPort(e.port())
                        .setRack(b.rack().orElse(""))
                        .build()))
                .toList();
    }
}
