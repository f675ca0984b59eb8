package dev.skiff.broker.replica;

import dev.skiff.log.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * What the metadata image says about one partition, as the broker needs it.
 *
 * @param partitionEpoch the version of the partition's state, named in ISR change requests
 * @param topicConfigs the topic's config overrides (topic-level keys)
 * @param addingReplicas the replicas a reassignment is adding: their catch-up fetches are
 *     throttled by {@code leader.replication.throttled.rate}
 */
public record PartitionAssignment(
        TopicPartition topicPartition,
        String topicId,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> replicas,
        List<Integer> isr,
        Map<String, String> topicConfigs,
        List<Integer> addingReplicas) {
    public PartitionAssignment {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        topicConfigs = Map.copyOf(topicConfigs);
        addingReplicas = List.copyOf(addingReplicas);
    }
}
