/**
 * The controller quorum on Apache Ratis (DESIGN §4): {@link dev.skiff.metadata.quorum.MetadataQuorum}
 * runs this node's voter (a controller) or listener (a broker-only node, which follows the log
 * without voting, like a KRaft observer), submits batches to the leader (the active controller)
 * and keeps the node's metadata image, applied by {@code MetadataStateMachine} through the pure {@link
 * dev.skiff.metadata.MetadataImage#apply}. Only this package touches Ratis; its threads are Ratis'
 * own, started by {@code MetadataQuorum.start()} and stopped by {@code close()}.
 *
 * <p>Timing (three voters on loopback, two cores; {@code QuorumTimingsTest} measures it). A voter
 * restarted after 25 s away used to wait a median 8 s, up to 17 s, before it heard the leader:
 * Ratis' log appender backs off from a peer it cannot reach, after about 20 s of failures to one
 * attempt every 5 s (randomized), while the restarted voter's pre-votes were refused (correctly:
 * the others still had a leader). The leader now retries an unreachable peer at about the
 * heartbeat interval, and the restarted voter follows within a median 0.3 s, without a new term.
 * A lost leader is replaced, and the new one has committed a batch, within a median 0.95 s
 * (election timeouts 300-600 ms; submissions retried every 100 ms). A leader that hands its role
 * over ({@code transferLeadership}, for a controlled shutdown) has a successor that committed
 * within a median 0.1 s.
 */
package dev.skiff.metadata.quorum;
