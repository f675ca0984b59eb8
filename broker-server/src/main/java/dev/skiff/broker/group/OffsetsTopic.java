package dev.skiff.broker.group;

import dev.skiff.metadata.BrokerRegistration;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.PartitionState;
import dev.skiff.metadata.TopicImage;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * FindCoordinator, on any broker: the leader of the group's partition of __consumer_offsets,
 * creating the topic through the controller on first use (offsets.topic.num.partitions
 * partitions, replication factor min(offsets.topic.replication.factor, unfenced brokers),
 * compacted). Runs on the caller's (gRPC) thread; creating the topic blocks it on the quorum.
 */
public final class OffsetsTopic {
    /** Kafka's segment size for __consumer_offsets: small, so compaction gets segments to clean. */
    static final String SEGMENT_BYTES = "104857600";

    private final Supplier<MetadataImage> image;
    private final Function<NewTopic, Decision<?>> create;
    private final int partitions;
    private final int replicationFactor;
    private final String listener;

    public OffsetsTopic(
            Supplier<MetadataImage> image,
            Function<NewTopic, Decision<?>> create,
            int partitions,
            int replicationFactor,
            String listener) {
        this.image = image;
        this.create = create;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.listener = listener;
    }

    /** The topic to create now, as the image stands. */
    NewTopic newTopic(MetadataImage current) {
        int rf = Math.max(
                1, Math.min(replicationFactor, current.unfencedBrokers().size()));
        return new NewTopic(
                GroupCoordinator.TOPIC,
                partitions,
                rf,
                Map.of("cleanup.policy", "compact", "segment.bytes", SEGMENT_BYTES));
    }

    public FindCoordinatorResponse find(String groupId) {
        Optional<String> bad = GroupShard.groupIdProblem(groupId);
        if (bad.isPresent()) {
            return error(ErrorCode.INVALID_GROUP_ID, bad.get());
        }
        MetadataImage current = image.get();
        Optional<TopicImage> topic = current.topic(GroupCoordinator.TOPIC);
        if (topic.isEmpty()) {
            Decision<?> d = create.apply(newTopic(current));
            if (d instanceof Decision.Refused<?> no && no.error() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                return error(
                        ErrorCode.COORDINATOR_NOT_AVAILABLE,
                        "could not create " + GroupCoordinator.TOPIC + ": " + no.error() + ": " + no.message());
            }
            return error(
                    ErrorCode.COORDINATOR_NOT_AVAILABLE, GroupCoordinator.TOPIC + " is being created: retry shortly");
        }
        int partition = GroupRecords.partitionFor(groupId, topic.get().partitionCount());
        Optional<PartitionState> state = topic.get().partition(partition);
        int leader = state.map(PartitionState::leader).orElse(-1);
        Optional<dev.skiff.metadata.Endpoint> endpoint =
                leader < 0 ? Optional.empty() : current.broker(leader).flatMap(b -> endpointOf(b));
        if (endpoint.isEmpty()) {
            return error(
                    ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "partition " + partition + " of " + GroupCoordinator.TOPIC + " has no leader now: retry shortly");
        }
        return FindCoordinatorResponse.newBuilder()
                .setError(ErrorCode.NONE)
                .setNodeId(leader)
                .setHost(endpoint.get().host())
                .setPort(endpoint.get().port())
                .build();
    }

    private Optional<dev.skiff.metadata.Endpoint> endpointOf(BrokerRegistration b) {
        return b.endpoint(listener);
    }

    private static FindCoordinatorResponse error(ErrorCode e, String message) {
        return FindCoordinatorResponse.newBuilder()
                .setError(e)
                .setErrorMessage(message)
                .setNodeId(-1)
                .build();
    }
}
