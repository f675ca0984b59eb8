package dev.skiff.client;

import java.util.Collection;

/**
 * Told of partitions a group member gives up and receives, on the thread that calls {@link
 * Consumer#poll}. With an eager assignor every partition is revoked before each rebalance; with
 * {@code cooperative-sticky} only the partitions that move are. Commit in {@link
 * #onPartitionsRevoked} to hand the next owner an exact position.
 */
public interface ConsumerRebalanceListener {
    /** Partitions this member no longer owns; it may still commit their offsets here. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** Partitions this member now owns (with cooperative-sticky: only the newly added ones). */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * Partitions this member lost without a chance to commit (its session expired, or it was
     * fenced): another member may already own them. By default the same as revoked.
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** A listener that does nothing. */
    static ConsumerRebalanceListener noOp() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        };
    }
}
