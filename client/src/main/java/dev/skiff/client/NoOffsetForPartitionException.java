package dev.skiff.client;

import java.util.Set;

/** A partition has no position and {@code auto.offset.reset=none}. */
public class NoOffsetForPartitionException extends SkiffException {
    private static final long serialVersionUID = 1L;

    private final transient Set<TopicPartition> partitions;

    public NoOffsetForPartitionException(Set<TopicPartition> partitions) {
        super("Undefined offset with no reset policy for partitions: " + partitions);
        this.partitions = Set.copyOf(partitions);
    }

    public Set<TopicPartition> partitions() {
        return partitions;
    }
}
