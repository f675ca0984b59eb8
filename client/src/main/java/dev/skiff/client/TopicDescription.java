package dev.skiff.client;

import java.util.List;
import java.util.Map;

/** A topic's id, partitions and its topic-level config overrides. */
public record TopicDescription(
        String name, String topicId, boolean internal, List<PartitionInfo> partitions, Map<String, String> configs) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    /** The replication factor as Kafka reports it: the replica count of partition 0. */
    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
    }
}
