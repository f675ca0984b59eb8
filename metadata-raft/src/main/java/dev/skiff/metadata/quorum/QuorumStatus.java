package dev.skiff.metadata.quorum;

import java.util.Collections;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The quorum as this node sees it, for {@code DescribeCluster} and {@code skiff cluster describe}.
 *
 * @param leaderId the current leader, if this node knows one
 * @param term the current Raft term
 * @param appliedIndex the last Raft entry this node's image reflects
 * @param commitIndexByNode the commit index of each voter as this node last heard it; on the leader
 *     this is how far each voter has caught up (a voter's lag is the leader's commit index minus
 *     its own); other nodes know less
 */
public record QuorumStatus(
        OptionalInt leaderId, long term, long appliedIndex, SortedMap<Integer, Long> commitIndexByNode) {
    public QuorumStatus {
        commitIndexByNode = Collections.unmodifiableSortedMap(new TreeMap<>(commitIndexByNode));
    }

    /** How many entries each voter is behind the highest commit index known here. */
    public Map<Integer, Long> lagByNode() {
        long highest = commitIndexByNode.values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
        Map<Integer, Long> lag = new TreeMap<>();
        commitIndexByNode.forEach((node, index) -> lag.put(node, highest - index));
        return lag;
    }
}
