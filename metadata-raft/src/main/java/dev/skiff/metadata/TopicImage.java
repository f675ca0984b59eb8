package dev.skiff.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A topic as the image knows it: its stable id, its config overrides, and its partitions, dense
 * from index 0 (the list position is the partition index).
 */
public record TopicImage(String name, Uuid id, Map<String, String> configs, List<PartitionState> partitions) {
    /** Kafka's internal topics: hidden from `--list` unless asked for. */
    public static final Set<String> INTERNAL_TOPICS = Set.of("__consumer_offsets", "__transaction_state");

    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
        partitions = List.copyOf(partitions);
    }

    public Optional<PartitionState> partition(int index) {
        return index >= 0 && index < partitions.size() ? Optional.of(partitions.get(index)) : Optional.empty();
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** The replica count of partition 0 (what {@code --describe} shows); 0 for a topic without partitions. */
    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
    }

    public boolean isInternal() {
        return INTERNAL_TOPICS.contains(name);
    }
}
