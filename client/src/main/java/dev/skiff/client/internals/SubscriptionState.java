package dev.skiff.client.internals;

import dev.skiff.client.ConsumerConfig.OffsetResetStrategy;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the consumer reads: either partitions assigned by hand, or a group subscription (topics or
 * a pattern) whose partitions the group assigns; and for each assigned partition its position (the
 * offset of the next record to return), a pending reset, whether it waits for the group's committed
 * offset, and whether it is paused. Owned by the thread that calls the consumer.
 */
public final class SubscriptionState {
    /** How the assignment is decided. */
    public enum Mode {
        NONE,
        USER_ASSIGNED,
        AUTO_TOPICS,
        AUTO_PATTERN
    }

    private static final class PartitionState {
        private Long position;
        /** The leader epoch of the last record consumed, or of the committed offset started from. */
        private Optional<Integer> positionEpoch = Optional.empty();

        private OffsetResetStrategy pendingReset;
        private boolean awaitingCommitted;
        private boolean paused;
    }

    private final OffsetResetStrategy defaultReset;
    private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();
    private Mode mode = Mode.NONE;
    private Set<String> subscribedTopics = Set.of();
    private Pattern pattern;

    public SubscriptionState(OffsetResetStrategy defaultReset) {
        this.defaultReset = defaultReset;
    }

    public Mode mode() {
        return mode;
    }

    public boolean isGroupManaged() {
        return mode == Mode.AUTO_TOPICS || mode == Mode.AUTO_PATTERN;
    }

    /** Subscribes to exactly these topics (the assignment stays until the group changes it). */
    public void subscribe(Collection<String> topics) {
        checkMode(Mode.AUTO_TOPICS);
        mode = Mode.AUTO_TOPICS;
        pattern = null;
        subscribedTopics = Set.copyOf(new TreeSet<>(topics));
    }

    /** Subscribes to every topic whose whole name matches; {@link #matchPattern} resolves it. */
    public void subscribe(Pattern newPattern) {
        checkMode(Mode.AUTO_PATTERN);
        mode = Mode.AUTO_PATTERN;
        pattern = newPattern;
        subscribedTopics = Set.of();
    }

    /**
     * Resolves the pattern subscription against the cluster's topics.
     *
     * @return true if the set of subscribed topics changed
     */
    public boolean matchPattern(Collection<String> allTopics) {
        if (mode != Mode.AUTO_PATTERN) {
            return false;
        }
        Set<String> matched = new TreeSet<>();
        for (String t : allTopics) {
            if (pattern.matcher(t).matches()) {
                matched.add(t);
            }
        }
        if (matched.equals(subscribedTopics)) {
            return false;
        }
        subscribedTopics = Set.copyOf(matched);
        return true;
    }

    public Optional<Pattern> pattern() {
        return Optional.ofNullable(pattern);
    }

    /** The subscribed topics (a pattern's current matches); empty when partitions were assigned by hand. */
    public Set<String> subscription() {
        return new TreeSet<>(subscribedTopics);
    }

    /** Drops the subscription or the manual assignment, and every partition with it. */
    public void unsubscribe() {
        mode = Mode.NONE;
        pattern = null;
        subscribedTopics = Set.of();
        assignment.clear();
    }

    private void checkMode(Mode wanted) {
        if (mode != Mode.NONE && mode != wanted) {
            throw new IllegalStateException(
                    "Subscription to topics, partitions and pattern are mutually exclusive (call unsubscribe() first)");
        }
    }

    /** Assigns partitions by hand; partitions that stay keep their positions. */
    public void assign(Collection<TopicPartition> partitions, boolean lookupCommitted) {
        checkMode(Mode.USER_ASSIGNED);
        mode = partitions.isEmpty() ? Mode.NONE : Mode.USER_ASSIGNED;
        replaceAssignment(partitions, lookupCommitted);
    }

    /**
     * The group's assignment for this member; partitions that stay keep their positions, new ones
     * wait for the group's committed offset.
     */
    public void assignFromGroup(Collection<TopicPartition> partitions) {
        replaceAssignment(partitions, true);
    }

    private void replaceAssignment(Collection<TopicPartition> partitions, boolean lookupCommitted) {
        Map<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionState s = assignment.get(tp);
            if (s == null) {
                s = new PartitionState();
                s.awaitingCommitted = lookupCommitted;
            }
            next.put(tp, s);
        }
        assignment.clear();
        assignment.putAll(next);
    }

    public Set<TopicPartition> assigned() {
        return new LinkedHashSet<>(assignment.keySet());
    }

    /** The topics of the assigned partitions. */
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
        s.positionEpoch = Optional.empty();
        s.pendingReset = null;
        s.awaitingCommitted = false;
    }

    public void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
        PartitionState s = state(tp);
        s.pendingReset = strategy;
        s.awaitingCommitted = false;
    }

    public OptionalLong position(TopicPartition tp) {
        PartitionState s = state(tp);
        return s.position == null || s.pendingReset != null ? OptionalLong.empty() : OptionalLong.of(s.position);
    }

    /**
     * What a commit of "everything consumed" sends: every position, with the leader epoch of the
     * last record consumed when known (Kafka's committed leader epoch, KIP-320).
     */
    public Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        assignment.forEach((tp, s) -> {
            if (s.position != null && s.pendingReset == null) {
                out.put(tp, new OffsetAndMetadata(s.position, s.positionEpoch, ""));
            }
        });
        return out;
    }

    /**
     * Advances the position (records were returned, or skipped batches passed it); {@code epoch}
     * is the leader epoch of what was passed, kept with the position.
     */
    public void advance(TopicPartition tp, long nextOffset, int epoch) {
        PartitionState s = assignment.get(tp);
        if (s != null && s.position != null && nextOffset > s.position) {
            s.position = nextOffset;
            if (epoch >= 0) {
                s.positionEpoch = Optional.of(epoch);
            }
        }
    }

    /** Fetchable: assigned, with a position, no reset or committed-offset lookup pending, not paused. */
    public boolean isFetchable(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        return s != null && s.position != null && s.pendingReset == null && !s.awaitingCommitted && !s.paused;
    }

    /**
     * The strategy to reset {@code tp} with, if it needs one: a pending seekToX, or no position yet
     * (the default policy) once the group has said it has no committed offset.
     */
    public OffsetResetStrategy resetStrategy(TopicPartition tp) {
        PartitionState s = state(tp);
        if (s.pendingReset != null) {
            return s.pendingReset;
        }
        return s.position == null && !s.awaitingCommitted ? defaultReset : null;
    }

    /** Completes a reset, unless a seek replaced it meanwhile. */
    public void completeReset(TopicPartition tp, OffsetResetStrategy strategy, long offset) {
        PartitionState s = assignment.get(tp);
        if (s != null && resetStrategy(tp) == strategy) {
            s.position = offset;
            s.positionEpoch = Optional.empty();
            s.pendingReset = null;
        }
    }

    /** Partitions that wait for the group's committed offset before they have a position. */
    public Set<TopicPartition> awaitingCommitted() {
        Set<TopicPartition> out = new LinkedHashSet<>();
        assignment.forEach((tp, s) -> {
            if (s.awaitingCommitted) {
                out.add(tp);
            }
        });
        return out;
    }

    /** The group's committed offset arrived: start there, or (none committed) at the reset policy. */
    public void completeCommittedLookup(TopicPartition tp, Optional<OffsetAndMetadata> committed) {
        PartitionState s = assignment.get(tp);
        if (s == null || !s.awaitingCommitted) {
            return;
        }
        s.awaitingCommitted = false;
        if (committed.isPresent()) {
            s.position = committed.get().offset();
            s.positionEpoch = committed.get().leaderEpoch();
        }
    }

    public void pause(TopicPartition tp) {
        state(tp).paused = true;
    }

    public void resume(TopicPartition tp) {
        state(tp).paused = false;
    }

    public boolean isPaused(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        return s != null && s.paused;
    }

    public Set<TopicPartition> paused() {
        Set<TopicPartition> out = new LinkedHashSet<>();
        assignment.forEach((tp, s) -> {
            if (s.paused) {
                out.add(tp);
            }
        });
        return out;
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
