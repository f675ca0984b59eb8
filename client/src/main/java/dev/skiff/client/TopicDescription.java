package dev.skiff.client;

import java.util.List;
import java.util.Map;

/**
 * A topic's id, partitions and its topic-level config overrides.
 *
 * @param minInsyncReplicas the effective {@code min.insync.replicas} (the topic's override, else
 *     the broker's); 0 if the broker did not say
 */
public record TopicDescription(
        String name,
        String topicId,
        boolean internal,
        List<PartitionInfo> partitions,
        Map<String, String> configs,
        int minInsyncReplicas) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    /** A description without the effective min.insync.replicas. */
    public TopicDescription(
            String name,
            String topicId,
            boolean internal,
            List<PartitionInfo> partitions,
            Map<String, String> configs) {
        this(name, topicId, internal, partitions, configs, 0);
    }

    /** The replication factor as Kafka reports it: the replica count of partition 0. */
    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
    }

    /** Whether a partition's ISR is smaller than the topic's min.insync.replicas (false if unknown). */
    public boolean isUnderMinIsr(PartitionInfo p) {
        return p.isr().size() < minInsyncReplicas;
    }
}
