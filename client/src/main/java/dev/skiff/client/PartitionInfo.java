package dev.skiff.client;

import java.util.List;

/** A partition's leader (-1 if none), leader epoch, replicas and in-sync replicas, by node id. */
public record PartitionInfo(
        String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public boolean hasLeader() {
        return leader >= 0;
    }

    public boolean isUnderReplicated() {
        return isr.size() < replicas.size();
    }
}
