package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one member tells the assignor: the topics it subscribes to, the partitions it owns now and
 * the generation in which it got them ({@code -1} if none), and its static instance id, if any
 * (the range assignor orders static members by it, so a restarted member gets the same share).
 */
public record Subscription(
        List<String> topics, List<TopicPartition> ownedPartitions, int generation, Optional<String> groupInstanceId) {
    public Subscription {
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        ownedPartitions = List.copyOf(Objects.requireNonNull(ownedPartitions, "ownedPartitions"));
        Objects.requireNonNull(groupInstanceId, "groupInstanceId");
    }

    /** A member that owns nothing yet. */
    public static Subscription of(List<String> topics) {
        return new Subscription(topics, List.of(), -1, Optional.empty());
    }
}
