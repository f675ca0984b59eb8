package dev.skiff.client;

import java.util.OptionalLong;

/**
 * A voter of the controller quorum; {@code leader} marks the active controller. {@code lagEntries}
 * is how many Raft log entries the voter is behind the leader, known only from the active
 * controller.
 */
public record QuorumVoter(int nodeId, String host, int port, boolean leader, OptionalLong lagEntries) {
    public QuorumVoter(int nodeId, String host, int port, boolean leader) {
        this(nodeId, host, port, leader, OptionalLong.empty());
    }
}
