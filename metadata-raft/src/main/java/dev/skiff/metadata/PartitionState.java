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
 *
 * <p>While a reassignment moves the partition (KIP-455), {@code replicas} holds the target replicas
 * followed by the ones leaving, {@code addingReplicas} the target replicas that were not replicas
 * before (followers catching up), and {@code removingReplicas} the replicas that leave once every
 * target replica is in the ISR; both are subsets of the replicas and never overlap. Without a
 * reassignment both are empty.
 */
public record PartitionState(
        int index,
        List<Integer> replicas,
        List<Integer> isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> addingReplicas,
        List<Integer> removingReplicas) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition that no reassignment is moving. */
    public PartitionState(
            int index, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
        this(index, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    /** Whether a reassignment is moving this partition. */
    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition will have once its reassignment completes: all but the removing. */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** The replicas the partition had before its reassignment began: all but the adding. */
    public List<Integer> originalReplicas() {
        return replicas.stream().filter(r -> !addingReplicas.contains(r)).toList();
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** The first replica: the broker that leads when everything is healthy. */
    public int preferredLeader() {
        return replicas.get(0);
    }
}
