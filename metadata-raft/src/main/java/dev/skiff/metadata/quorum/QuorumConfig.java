package dev.skiff.metadata.quorum;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How a node joins the controller quorum: as one of its voters (a controller), or as a listener
 * that follows the metadata log without voting (a broker-only node, like a KRaft observer).
 *
 * @param nodeId this node's {@code node.id}; one of the voters, or for a listener none of them
 * @param voters {@code controller.quorum.voters}, see {@link QuorumVoter#parseVoters}; a voter
 *     binds the Raft server to its own entry's host and port
 * @param listenAddress present for a listener: where its Raft server binds and the leader sends it
 *     the log; it must stay the same across restarts (Ratis keeps the first address it saw for a
 *     peer id). Empty for a voter
 * @param storageDir {@code metadata.log.dir}: the Raft log and snapshots live below it
 * @param clusterId the cluster id of {@code meta.properties}; the Raft group id is derived from it,
 *     so nodes of different clusters can never form one group
 * @param snapshotThresholdEntries take a snapshot every this many applied entries; 0 turns
 *     automatic snapshots off (then {@link MetadataQuorum#takeSnapshot} still works)
 * @param electionTimeoutMin a follower that hears no leader for a random time between the
 *     minimum and the maximum starts an election
 * @param electionTimeoutMax see {@code electionTimeoutMin}
 * @param requestTimeout how long one attempt to reach the leader may take
 * @param submitAttemptsMax attempts per submitted batch (the leader may change between them), a
 *     third of the minimum election timeout apart: a batch submitted while the leader is lost is
 *     retried for about {@code submitAttemptsMax * electionTimeoutMin / 3} (plus the attempts'
 *     own time), and reaches the new leader within about a third of an election timeout
 *     after it is ready
 * @param logSegmentBytes {@code metadata.log.segment.bytes}: the Raft log rolls to a new segment
 *     file past this size; only whole segments behind a snapshot are deleted
 */
public record QuorumConfig(
        int nodeId,
        List<QuorumVoter> voters,
        Optional<InetSocketAddress> listenAddress,
        Path storageDir,
        String clusterId,
        long snapshotThresholdEntries,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        Duration requestTimeout,
        int submitAttemptsMax,
        long logSegmentBytes) {
    public static final long DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L * 1024 * 1024;
    /**
     * A follower that hears no leader for 300-600 ms starts a (pre-)election: with heartbeats every
     * 150 ms that tolerates a pause of about two heartbeats on a loaded two-core machine, and a
     * killed leader is replaced, and the new one has committed, within about a second.
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);
    /** See {@link #DEFAULT_ELECTION_TIMEOUT_MIN}. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /** With 300 ms election timeouts: retried for 3 s, every 100 ms. */
    public static final int DEFAULT_SUBMIT_ATTEMPTS_MAX = 30;
    /** Ratis needs room for at least one entry per segment: the largest batch. */
    public static final long LOG_SEGMENT_BYTES_MIN = 1024;

    public QuorumConfig {
        voters = List.copyOf(voters);
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isEmpty()) {
            throw new IllegalArgumentException("the cluster id must not be empty");
        }
        checkMembership(nodeId, voters, listenAddress);
        if (snapshotThresholdEntries < 0) {
            throw new IllegalArgumentException("the snapshot threshold must be 0 (off) or more");
        }
        if (electionTimeoutMin.isNegative()
                || electionTimeoutMin.isZero()
                || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("election timeouts must satisfy 0 < min < max, not "
                    + electionTimeoutMin.toMillis() + " ms and " + electionTimeoutMax.toMillis() + " ms");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || submitAttemptsMax < 1) {
            throw new IllegalArgumentException("the request timeout and the submit attempts must be positive");
        }
        if (logSegmentBytes < LOG_SEGMENT_BYTES_MIN) {
            throw new IllegalArgumentException("metadata.log.segment.bytes must be at least " + LOG_SEGMENT_BYTES_MIN
                    + ", not " + logSegmentBytes);
        }
    }

    /**
     * A config with defaults tuned for quick local elections: elections after 300-600 ms without a
     * leader (a single voter leads well within a second of starting), 3 s per request, 30 attempts,
     * a snapshot every {@value #DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES} entries, 8 MiB log segments.
     */
    public static QuorumConfig of(int nodeId, List<QuorumVoter> voters, Path storageDir, String clusterId) {
        return new QuorumConfig(
                nodeId,
                voters,
                Optional.empty(),
                storageDir,
                clusterId,
                DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
                DEFAULT_ELECTION_TIMEOUT_MIN,
                DEFAULT_ELECTION_TIMEOUT_MAX,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_SUBMIT_ATTEMPTS_MAX,
                DEFAULT_LOG_SEGMENT_BYTES);
    }

    public QuorumConfig withSnapshotThresholdEntries(long entries) {
        return new QuorumConfig(
                nodeId,
                voters,
                listenAddress,
                storageDir,
                clusterId,
                entries,
                electionTimeoutMin,
                electionTimeoutMax,
                requestTimeout,
                submitAttemptsMax,
                logSegmentBytes);
    }

    public QuorumConfig withElectionTimeout(Duration min, Duration max) {
        return new QuorumConfig(
                nodeId,
                voters,
                listenAddress,
                storageDir,
                clusterId,
                snapshotThresholdEntries,
                min,
                max,
                requestTimeout,
                submitAttemptsMax,
                logSegmentBytes);
    }

    public QuorumConfig withRequestTimeout(Duration timeout, int attemptsMax) {
        return new QuorumConfig(
                nodeId,
                voters,
                listenAddress,
                storageDir,
                clusterId,
                snapshotThresholdEntries,
                electionTimeoutMin,
                electionTimeoutMax,
                timeout,
                attemptsMax,
                logSegmentBytes);
    }

    public QuorumConfig withLogSegmentBytes(long bytes) {
        return new QuorumConfig(
                nodeId,
                voters,
                listenAddress,
                storageDir,
                clusterId,
                snapshotThresholdEntries,
                electionTimeoutMin,
                electionTimeoutMax,
                requestTimeout,
                submitAttemptsMax,
                bytes);
    }

    /**
     * A config for a broker-only node: it follows the voters' metadata log as a Ratis listener at
     * {@code listenAddress} (the same at every start), never votes and never leads, and submits
     * batches through the leader like any node. Defaults as in {@link #of}.
     */
    public static QuorumConfig listener(
            int nodeId, List<QuorumVoter> voters, InetSocketAddress listenAddress, Path storageDir, String clusterId) {
        return new QuorumConfig(
                nodeId,
                voters,
                Optional.of(listenAddress),
                storageDir,
                clusterId,
                DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
                DEFAULT_ELECTION_TIMEOUT_MIN,
                DEFAULT_ELECTION_TIMEOUT_MAX,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_SUBMIT_ATTEMPTS_MAX,
                DEFAULT_LOG_SEGMENT_BYTES);
    }

    /** Whether this node follows the log without voting (a broker-only node). */
    public boolean isListener() {
        return listenAddress.isPresent();
    }

    /** This node's own voter entry; a listener has none. */
    public QuorumVoter self() {
        return voters.stream()
                .filter(v -> v.nodeId() == nodeId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("node " + nodeId + " is a listener, not a voter"));
    }

    /** The host this node's Raft server binds: its voter entry's, or its listen address'. */
    public String raftHost() {
        return listenAddress.map(InetSocketAddress::getHostString).orElseGet(() -> self().host());
    }

    /** The port this node's Raft server binds. */
    public int raftPort() {
        return listenAddress.map(InetSocketAddress::getPort).orElseGet(() -> self().port());
    }

    private static void checkMembership(
            int nodeId, List<QuorumVoter> voters, Optional<InetSocketAddress> listenAddress) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException(QuorumVoter.VOTERS_KEY + " names no voter");
        }
        boolean voter = voters.stream().anyMatch(v -> v.nodeId() == nodeId);
        if (listenAddress.isEmpty() && !voter) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the voters of "
                    + QuorumVoter.VOTERS_KEY + " (" + voters + "): add it, or run it with process.roles=broker"
                    + " to follow the quorum as a listener");
        }
        if (listenAddress.isPresent() && voter) {
            throw new IllegalArgumentException("node " + nodeId + " is one of the voters of " + QuorumVoter.VOTERS_KEY
                    + " (" + voters + ") and cannot also follow the quorum as a listener");
        }
        if (listenAddress.isPresent()
                && (listenAddress.get().getHostString().isEmpty()
                        || listenAddress.get().getPort() == 0)) {
            throw new IllegalArgumentException("listener " + nodeId + " needs a host and a fixed port to receive the"
                    + " metadata log at, not " + listenAddress.get());
        }
    }

    /** The Raft group id: a name-based UUID of the cluster id, the same on every node of the cluster. */
    public UUID groupUuid() {
        return UUID.nameUUIDFromBytes(("skiff-metadata:" + clusterId).getBytes(StandardCharsets.UTF_8));
    }
}
