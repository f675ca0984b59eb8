package dev.skiff.client;

import java.util.List;
import java.util.OptionalLong;

/**
 * The metadata quorum as the active controller sees it, in the shape of Kafka's {@code
 * Admin.describeMetadataQuorum}: the leader, its Raft term (the quorum's leader epoch), the high
 * watermark (last entry a majority of voters has), and every voter's and observer's replication.
 */
public record QuorumInfo(
        String clusterId,
        int leaderId,
        long leaderEpoch,
        long highWatermark,
        List<ReplicaState> voters,
        List<ReplicaState> observers) {
    public QuorumInfo {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One replica of the metadata log: the last entry the leader knows it has, when the leader last
     * heard from it and when it last had every committed entry (empty if unknown).
     */
    public record ReplicaState(
            int nodeId, long logEndOffset, OptionalLong lastFetchTimestampMs, OptionalLong lastCaughtUpTimestampMs) {}
}
