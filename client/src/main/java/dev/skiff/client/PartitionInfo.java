package dev.skiff.client;

import java.util.List;

/**
 * A partition's leader (-1 if none), leader epoch, replicas, in-sync replicas and offline replicas
 * (on fenced or unregistered brokers), by node id.
 */
public record PartitionInfo(
        String topic,
        int partition,
        int leader,
        int leaderEpoch,
        List<Integer> replicas,
        List<Integer> isr,
        List<Integer> offlineReplicas) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        offlineReplicas = List.copyOf(offlineReplicas);
    }

    /** A partition whose offline replicas are not known (none listed). */
    public PartitionInfo(
            String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
        this(topic, partition, leader, leaderEpoch, replicas, isr, List.of());
    }

    public boolean hasLeader() {
        return leader >= 0;
    }

    /** Its ISR is smaller than its replica set. */
    public boolean isUnderReplicated() {
        return isr.size() < replicas.size();
    }

    /** No leader, or a leader whose broker is offline (fenced): clients cannot use it. */
    public boolean isUnavailable() {
        return !hasLeader() || offlineReplicas.contains(leader);
    }
}
