package dev.skiff.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A topic to create. {@code partitions} and {@code replicationFactor} may be -1 for the broker's
 * {@code num.partitions} and {@code default.replication.factor}.
 */
public record NewTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    public static final int DEFAULT = -1;

    public NewTopic {
        Objects.requireNonNull(name, "name");
        configs = java.util.Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    public NewTopic(String name, int partitions, int replicationFactor) {
        this(name, partitions, replicationFactor, Map.of());
    }
}
