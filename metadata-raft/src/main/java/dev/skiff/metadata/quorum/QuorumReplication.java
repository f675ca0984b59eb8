package dev.skiff.metadata.quorum;

import java.util.List;
import java.util.OptionalLong;

/**
 * How far every member of the metadata quorum has replicated the log, as the active controller
 * (the Raft leader) sees it: the shape of {@code kafka-metadata-quorum describe}. Only the leader
 * hears from every voter and observer, so only it can tell.
 *
 * @param leaderId the active controller, this node
 * @param term the Raft term (KRaft's leader epoch)
 * @param highWatermark the leader's commit index: the last entry a majority of voters has
 * @param voters every voter, the leader among them
 * @param observers the broker-only nodes that follow the log as Ratis listeners
 */
public record QuorumReplication(
        int leaderId, long term, long highWatermark, List<Replica> voters, List<Replica> observers) {
    public QuorumReplication {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One member.
     *
     * @param logEndOffset the last entry the leader knows it has (its commit index as last heard)
     * @param lastFetchMs when the leader last heard from it (wall-clock ms), if ever
     * @param lastCaughtUpMs when it was last known to have every committed entry: its last fetch if
     *     it has every entry now, else unknown
     */
    public record Replica(int nodeId, long logEndOffset, OptionalLong lastFetchMs, OptionalLong lastCaughtUpMs) {}
}
