package dev.skiff.metadata;

import java.util.List;

/**
 * One partition of a topic as the image knows it.
 *
 * <p>Invariants (checked by {@link MetadataImage#apply}): replicas are distinct and not empty, the
 * first is the preferred leader; the ISR is a subset of the replicas; the leader is a member of the
 * ISR, or {@link #NO_LEADER}; the leader epoch and the partition epoch never go down. The leader
 * epoch rises with every leader change; the partition epoch with every change at all.
 *
 * <p>The ISR is empty only when its last members came back with new (empty) storage: then no
 * replica is known to hold every acknowledged write, the partition has no leader, and only an
 * unclean election gives it one.
 */
public record PartitionState(
        int index, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** The first replica: the broker that leads when everything is healthy. */
    public int preferredLeader() {
        return replicas.get(0);
    }
}
