package dev.skiff.client;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create. -1 partitions or replication factor means the broker's {@code num.partitions}
 * or {@code default.replication.factor}.
 */
public record NewTopic(String name, int numPartitions, int replicationFactor, Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int numPartitions, int replicationFactor) {
        this(name, numPartitions, replicationFactor, Map.of());
    }
}
