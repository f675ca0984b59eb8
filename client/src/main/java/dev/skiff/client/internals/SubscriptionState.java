package dev.skiff.client.internals;

import dev.skiff.client.ConsumerConfig.OffsetResetStrategy;
import dev.skiff.client.TopicPartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The consumer's assigned partitions and, for each, its position (the offset of the next record to
 * return) or a pending reset. Owned by the thread that calls the consumer.
 */
public final class SubscriptionState {
    private static final class PartitionState {
        private Long position;
        private OffsetResetStrategy pendingReset;
    }

    private final OffsetResetStrategy defaultReset;
    private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();

    public SubscriptionState(OffsetResetStrategy defaultReset) {
        this.defaultReset = defaultReset;
    }

    /** Replaces the assignment; partitions that stay keep their positions. */
    public void assign(Collection<TopicPartition> partitions) {
        Map<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            next.put(tp, assignment.getOrDefault(tp, new PartitionState()));
        }
        assignment.clear();
        assignment.putAll(next);
    }

    public Set<TopicPartition> assigned() {
        return new LinkedHashSet<>(assignment.keySet());
    }

    public Set<String> topics() {
        Set<String> out = new LinkedHashSet<>();
        assignment.keySet().forEach(tp -> out.add(tp.topic()));
        return out;
    }

    public boolean isAssigned(TopicPartition tp) {
        return assignment.containsKey(tp);
    }

    public void seek(TopicPartition tp, long offset) {
        PartitionState s = state(tp);
        s.position = offset;
        s.pendingReset = null;
    }

    public void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
        state(tp).pendingReset = strategy;
    }

    public OptionalLong position(TopicPartition tp) {
        PartitionState s = state(tp);
        return s.position == null || s.pendingReset != null ? OptionalLong.empty() : OptionalLong.of(s.position);
    }

    /** Advances the position (records were returned, or skipped batches passed it). */
    public void advance(TopicPartition tp, long nextOffset) {
        PartitionState s = assignment.get(tp);
        if (s != null && s.position != null && nextOffset > s.position) {
            s.position = nextOffset;
        }
    }

    /** Fetchable: assigned, with a position and no reset pending. */
    public boolean isFetchable(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        return s != null && s.position != null && s.pendingReset == null;
    }

    /** The strategy to reset {@code tp} with, if it needs one: a pending seekToX, or no position yet (the default policy). */
    public OffsetResetStrategy resetStrategy(TopicPartition tp) {
        PartitionState s = state(tp);
        if (s.pendingReset != null) {
            return s.pendingReset;
        }
        return s.position == null ? defaultReset : null;
    }

    /** Completes a reset, unless a seek replaced it meanwhile. */
    public void completeReset(TopicPartition tp, OffsetResetStrategy strategy, long offset) {
        PartitionState s = assignment.get(tp);
        if (s != null && resetStrategy(tp) == strategy) {
            s.position = offset;
            s.pendingReset = null;
        }
    }

    public OffsetResetStrategy defaultReset() {
        return defaultReset;
    }

    private PartitionState state(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        if (s == null) {
            throw new IllegalStateException("No current assignment for partition " + tp);
        }
        return s;
    }
}
