package dev.skiff.broker.replica;

import dev.skiff.log.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * What the metadata image says about one partition, as the broker needs it.
 *
 * @param partitionEpoch the version of the partition's state, named in ISR change requests
 * @param topicConfigs the topic's config overrides (topic-level keys)
 */
public record PartitionAssignment(
        TopicPartition topicPartition,
        String topicId,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> replicas,
        List<Integer> isr,
        Map<String, String> topicConfigs) {}
