package dev.skiff.broker.replica;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.LeaderEpochCache;
import dev.skiff.log.Log;
import dev.skiff.log.LogConfig;
import dev.skiff.log.LogError;
import dev.skiff.log.LogException;
import dev.skiff.log.LogManager;
import dev.skiff.log.LogReadInfo;
import dev.skiff.log.TimestampOffset;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: creates a log when the
 * broker becomes a replica, deletes it when the topic goes, and serves produce, fetch and list
 * offsets for the partitions it leads. Translates log outcomes into protocol error codes.
 *
 * <p>Threads: {@link #applyAssignments} runs on the metadata listener's thread (synchronized);
 * produce, fetch and list offsets run on request threads against the concurrent partition map.
 */
public final class ReplicaManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);
    public static final long EARLIEST_TIMESTAMP = -2L;
    public static final long LATEST_TIMESTAMP = -1L;
    static final long ISR_RETRY_MS = 500;

    private final LogFlusher flusher;
    private final int nodeId;
    private final List<LogManager> logDirs;
    private final LogConfig logDefaults;
    private final int minInsyncReplicasDefault;
    private final Clock clock;
    private final ReplicaFetchers fetchers;
    private final IsrChannel isrChannel;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** The leader of every partition in the image, hosted here or not; replaced whole on each image. */
    private volatile Map<TopicPartition, Integer> leaders = Map.of();

    private final ReplicationThrottle throttle;

    /** The answer to one partition of a produce request. */
    /**
     * The answer to one partition of a produce. {@code durable} completes once the write is
     * fsynced under the fsync policy (at once otherwise, or when nothing was written), or
     * exceptionally with the I/O error that took the log offline.
     */
    public record ProduceOutcome(
            ErrorCode error,
            String message,
            long baseOffset,
            long logAppendTimeMs,
            long logStartOffset,
            long requiredOffset,
            int leaderEpoch,
            CompletableFuture<Void> durable) {
        static ProduceOutcome failed(ErrorCode error, String message) {
            return new ProduceOutcome(error, message, -1, -1, -1, -1, -1, CompletableFuture.completedFuture(null));
        }
    }

    /** The answer to one partition of a fetch request; {@code records} may be empty. */
    public record FetchOutcome(
            ErrorCode error, String message, long highWatermark, long logStartOffset, ByteBuffer records) {
        static FetchOutcome failed(ErrorCode error, String message) {
            return new FetchOutcome(error, message, -1, -1, ByteBuffer.allocate(0));
        }
    }

    /** The answer to one partition of a list-offsets request. */
    public record OffsetOutcome(ErrorCode error, String message, long offset, long timestampMs, int leaderEpoch) {}

    /**
     * The answer to one partition of a follower's fetch; {@code divergingEpoch} is -1 unless the
     * follower's log diverges from this leader's, then it and {@code divergingEndOffset} say where.
     */
    public record ReplicaFetchOutcome(
            ErrorCode error,
            String message,
            long highWatermark,
            long logStartOffset,
            int divergingEpoch,
            long divergingEndOffset,
            ByteBuffer records) {
        static ReplicaFetchOutcome failed(ErrorCode error, String message) {
            return new ReplicaFetchOutcome(error, message, -1, -1, -1, -1, ByteBuffer.allocate(0));
        }
    }

    public ReplicaManager(
            int nodeId,
            List<LogManager> logDirs,
            LogConfig logDefaults,
            int minInsyncReplicasDefault,
            Clock clock,
            ReplicaFetchers fetchers,
            IsrChannel isrChannel,
            LogFlusher flusher) {
        this.nodeId = nodeId;
        this.flusher = flusher;
        this.logDirs = List.copyOf(logDirs);
        this.logDefaults = logDefaults;
        this.minInsyncReplicasDefault = minInsyncReplicasDefault;
        this.clock = clock;
        this.fetchers = fetchers;
        this.isrChannel = isrChannel;
        this.throttle = new ReplicationThrottle(clock);
    }

    /** Sets {@code leader.replication.throttled.rate}, as the metadata image gives it for this broker. */
    public void setReplicationThrottle(long bytesPerS) {
        throttle.setRate(bytesPerS);
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return List.copyOf(partitions.values());
    }

    /**
     * Brings the hosted partitions in line with the image: every assignment naming this broker as a
     * replica gets a log (created empty if new); partitions no longer assigned here are deleted.
     */
    public synchronized void applyAssignments(Collection<PartitionAssignment> assignments) throws IOException {
        Set<TopicPartition> wanted = new HashSet<>();
        Map<TopicPartition, Integer> allLeaders = new java.util.HashMap<>();
        for (PartitionAssignment a : assignments) {
            allLeaders.put(a.topicPartition(), a.leader());
        }
        leaders = Map.copyOf(allLeaders);
        for (PartitionAssignment a : assignments) {
            if (!a.replicas().contains(nodeId)) {
                continue;
            }
            wanted.add(a.topicPartition());
            Partition p = partitions.get(a.topicPartition());
            if (p == null) {
                LogManager dir = logDirFor(a.topicPartition());
                Log log = dir.getOrCreate(a.topicPartition(), a.topicId());
                log.updateConfig(configFor(a));
                long hw = dir.checkpointedHighWatermark(a.topicPartition()).orElse(0L);
                p = new Partition(log, nodeId, a, clock, hw);
                partitions.put(a.topicPartition(), p);
                LOG.info("hosting {} (leader {}, epoch {})", a.topicPartition(), a.leader(), a.leaderEpoch());
            } else {
                p.log().updateConfig(configFor(a));
            }
            try {
                takeRole(p, a);
            } catch (IOException | RuntimeException e) {
                LOG.error(
                        "{}: could not take the role the metadata gives it; retried with the next image",
                        a.topicPartition(),
                        e);
            }
        }
        for (TopicPartition tp : List.copyOf(partitions.keySet())) {
            if (!wanted.contains(tp)) {
                fetchers.unfollow(tp);
                Partition gone = partitions.remove(tp);
                gone.removed();
                for (LogManager m : logDirs) {
                    if (m.get(tp).isPresent()) {
                        m.deleteLog(tp);
                    }
                }
                LOG.info("deleted {}: no longer assigned to this broker", tp);
            }
        }
    }

    private void takeRole(Partition p, PartitionAssignment a) throws IOException {
        boolean newFollower = p.update(a);
        if (a.leader() == nodeId || a.leader() < 0) {
            fetchers.unfollow(a.topicPartition());
        } else if (newFollower) {
            fetchers.follow(p, a.leader(), a.leaderEpoch());
            LOG.debug("{} follows broker {} at epoch {}", a.topicPartition(), a.leader(), a.leaderEpoch());
        }
    }

    /** Why a partition this broker does not host cannot be served here. */
    private String notHosted(TopicPartition tp) {
        Integer leader = leaders.get(tp);
        return leader == null
                ? "this broker does not host " + tp
                : "broker " + nodeId + " is not the leader of " + tp + " (leader " + leader + ")";
    }

    private ErrorCode notHostedCode(TopicPartition tp) {
        return leaders.containsKey(tp) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }

    int minInsyncReplicas(PartitionAssignment a) {
        String override = a.topicConfigs().get(dev.skiff.broker.controller.TopicConfigs.MIN_INSYNC_REPLICAS);
        try {
            return override == null ? minInsyncReplicasDefault : Integer.parseInt(override.trim());
        } catch (NumberFormatException e) {
            return minInsyncReplicasDefault;
        }
    }

    private LogConfig configFor(PartitionAssignment a) {
        try {
            return dev.skiff.broker.controller.TopicConfigs.logConfig(logDefaults, a.topicConfigs());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "topic {} has an invalid config ({}); using the broker defaults",
                    a.topicPartition().topic(),
                    e.getMessage());
            return logDefaults;
        }
    }

    private LogManager logDirFor(TopicPartition tp) {
        for (LogManager m : logDirs) {
            if (m.get(tp).isPresent()) {
                return m;
            }
        }
        return logDirs.stream()
                .min(Comparator.comparingInt(m -> m.logs().size()))
                .orElseThrow();
    }

    /**
     * Why this broker cannot take a produce to {@code tp} right now (it does not host it, or is not
     * its leader), known without writing; empty if it leads it.
     */
    public Optional<ProduceOutcome> leadershipProblem(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return Optional.of(ProduceOutcome.failed(notHostedCode(tp), notHosted(tp)));
        }
        if (!p.isLeader()) {
            return Optional.of(ProduceOutcome.failed(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    "broker " + nodeId + " is not the leader of " + tp + " (leader "
                            + p.assignment().leader() + ")"));
        }
        return Optional.empty();
    }

    /**
     * Appends as leader; the caller has checked that acks is 0, 1 or -1. With acks=-1 the ISR must
     * have at least min.insync.replicas members before anything is written. The buffer is written
     * as is.
     */
    public ProduceOutcome produce(TopicPartition tp, ByteBuffer records, int acks) {
        Optional<ProduceOutcome> notLeader = leadershipProblem(tp);
        if (notLeader.isPresent()) {
            return notLeader.get();
        }
        Partition p = partitions.get(tp);
        int minIsr = minInsyncReplicas(p.assignment());
        try {
            Partition.LeaderAppend appended = p.appendAsLeader(records, acks, minIsr);
            AppendInfo info = appended.info();
            // Group commit: the fsync runs on the flusher; the high watermark follows it.
            CompletableFuture<Void> durable = flusher.flushUpTo(p.log(), info.lastOffset() + 1);
            durable.thenRun(p::maybeAdvanceHighWatermark);
            // A retried batch of an idempotent producer is answered with its original offsets; with
            // acks=all it still waits until the high watermark passes the original.
            return new ProduceOutcome(
                    ErrorCode.NONE,
                    "",
                    info.firstOffset(),
                    info.logAppendTimeMs(),
                    p.log().logStartOffset(),
                    info.lastOffset() + 1,
                    appended.leaderEpoch(),
                    durable);
        } catch (Partition.RoleException e) {
            return ProduceOutcome.failed(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    "broker " + nodeId + " is not the leader of " + tp + " (leader " + e.leader + ")");
        } catch (Partition.NotEnoughReplicasException e) {
            return ProduceOutcome.failed(
                    ErrorCode.NOT_ENOUGH_REPLICAS,
                    "the ISR of " + tp + " has " + e.isrSize + " member(s), fewer than min.insync.replicas="
                            + e.minInsyncReplicas + "; nothing was written. Retry when replicas catch up, or use"
                            + " acks=1");
        } catch (LogException e) {
            return ProduceOutcome.failed(errorCode(e.error()), e.getMessage());
        } catch (IOException e) {
            LOG.error("append to {} failed", tp, e);
            return ProduceOutcome.failed(ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage());
        }
    }

    /**
     * Where an acks=all write that this broker appended at {@code leaderEpoch} stands: empty while
     * it waits for the ISR; NONE once the high watermark passed it with the ISR at
     * min.insync.replicas or more; NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below that;
     * NOT_LEADER_OR_FOLLOWER if leadership moved meanwhile (the write may or may not survive).
     */
    public Optional<ErrorCode> replicationOutcome(TopicPartition tp, long requiredOffset, int leaderEpoch) {
        Partition p = partitions.get(tp);
        if (p == null || !p.isLeader() || p.leaderEpoch() != leaderEpoch) {
            return Optional.of(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        long hw = p.highWatermark();
        if (!p.isLeader() || p.leaderEpoch() != leaderEpoch) {
            // Leadership moved between the two reads: that HW may be a follower's.
            return Optional.of(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        if (hw < requiredOffset) {
            return Optional.empty();
        }
        return Optional.of(
                p.assignment().isr().size() < minInsyncReplicas(p.assignment())
                        ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                        : ErrorCode.NONE);
    }

    /** Reads below the high watermark from a partition this broker leads. */
    public FetchOutcome fetch(TopicPartition tp, long offset, int maxBytes, boolean minOneBatch, int leaderEpoch) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return FetchOutcome.failed(notHostedCode(tp), notHosted(tp));
        }
        if (!p.isLeader()) {
            return FetchOutcome.failed(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + nodeId + " is not the leader of " + tp);
        }
        if (leaderEpoch >= 0 && leaderEpoch < p.leaderEpoch()) {
            return FetchOutcome.failed(
                    ErrorCode.FENCED_LEADER_EPOCH,
                    "leader epoch " + leaderEpoch + " of " + tp + " is stale; the current epoch is " + p.leaderEpoch()
                            + ": refresh metadata");
        }
        long hw = p.highWatermark();
        try {
            if (offset > p.log().logEndOffset()) {
                throw new LogException(
                        LogError.OFFSET_OUT_OF_RANGE,
                        "offset " + offset + " is beyond the log end offset "
                                + p.log().logEndOffset() + " of " + tp);
            }
            if (offset >= hw) {
                // Written but not yet replicated (or a new leader whose HW is still catching up).
                return new FetchOutcome(ErrorCode.NONE, "", hw, p.log().logStartOffset(), ByteBuffer.allocate(0));
            }
            LogReadInfo read = p.log().read(offset, maxBytes, hw, minOneBatch);
            ByteBuffer bytes = read.slice().isPresent() ? read.slice().get().readAll() : ByteBuffer.allocate(0);
            return new FetchOutcome(ErrorCode.NONE, "", hw, read.logStartOffset(), bytes);
        } catch (LogException e) {
            return new FetchOutcome(
                    errorCode(e.error()), e.getMessage(), hw, p.log().logStartOffset(), ByteBuffer.allocate(0));
        } catch (IOException e) {
            LOG.error("read of {} failed", tp, e);
            return FetchOutcome.failed(ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage());
        }
    }

    /** Earliest (-2), latest (-1, the high watermark), or the first record at or after a timestamp. */
    public OffsetOutcome listOffset(TopicPartition tp, long timestamp) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return new OffsetOutcome(notHostedCode(tp), notHosted(tp), -1, -1, -1);
        }
        if (!p.isLeader()) {
            return new OffsetOutcome(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + nodeId + " is not the leader of " + tp, -1, -1, -1);
        }
        if (timestamp == EARLIEST_TIMESTAMP) {
            return new OffsetOutcome(ErrorCode.NONE, "", p.log().logStartOffset(), -1, p.leaderEpoch());
        }
        if (timestamp == LATEST_TIMESTAMP) {
            return new OffsetOutcome(ErrorCode.NONE, "", p.highWatermark(), -1, p.leaderEpoch());
        }
        if (timestamp < 0) {
            return new OffsetOutcome(
                    ErrorCode.INVALID_REQUEST,
                    "timestamp " + timestamp + " is neither -2 (earliest), -1 (latest) nor a time in ms",
                    -1,
                    -1,
                    -1);
        }
        try {
            Optional<TimestampOffset> hit = p.log().offsetForTimestamp(timestamp);
            if (hit.isEmpty() || hit.get().offset() >= p.highWatermark()) {
                return new OffsetOutcome(ErrorCode.NONE, "", -1, -1, p.leaderEpoch());
            }
            return new OffsetOutcome(
                    ErrorCode.NONE, "", hit.get().offset(), hit.get().timestampMs(), p.leaderEpoch());
        } catch (IOException e) {
            return new OffsetOutcome(ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage(), -1, -1, -1);
        }
    }

    /**
     * Serves a follower's fetch of one partition this broker leads: checks the follower's epoch
     * and its log against this leader's epoch history, records its log end offset (which may move
     * the high watermark and let it join the ISR), and reads from its offset up to the log end.
     */
    public ReplicaFetchOutcome replicaFetch(
            int replicaId,
            String incarnation,
            TopicPartition tp,
            int currentLeaderEpoch,
            long fetchOffset,
            int lastFetchedEpoch,
            int maxBytes,
            boolean minOneBatch) {
        Partition p = partitions.get(tp);
        if (p == null || !p.isLeader()) {
            return ReplicaFetchOutcome.failed(notHostedCode(tp), notHosted(tp));
        }
        PartitionAssignment a = p.assignment();
        if (currentLeaderEpoch != a.leaderEpoch()) {
            return ReplicaFetchOutcome.failed(
                    currentLeaderEpoch < a.leaderEpoch()
                            ? ErrorCode.FENCED_LEADER_EPOCH
                            : ErrorCode.UNKNOWN_LEADER_EPOCH,
                    "follower " + replicaId + " follows epoch " + currentLeaderEpoch + " of " + tp + " but this leader"
                            + " is at epoch " + a.leaderEpoch());
        }
        if (!a.replicas().contains(replicaId)) {
            return ReplicaFetchOutcome.failed(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + replicaId + " is not a replica of " + tp);
        }
        Log log = p.log();
        if (lastFetchedEpoch >= 0) {
            LeaderEpochCache.EpochEndOffset end =
                    log.leaderEpochCache().endOffsetFor(lastFetchedEpoch, log.logEndOffset());
            if (end.epoch() == LeaderEpochCache.UNDEFINED_EPOCH) {
                // The follower's last epoch is older than anything this leader still has: it
                // starts over at this log's start.
                return new ReplicaFetchOutcome(
                        ErrorCode.OFFSET_OUT_OF_RANGE,
                        "epoch " + lastFetchedEpoch + " is older than every epoch " + tp + " still holds",
                        p.highWatermark(),
                        log.logStartOffset(),
                        -1,
                        -1,
                        ByteBuffer.allocate(0));
            }
            if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
                return new ReplicaFetchOutcome(
                        ErrorCode.NONE,
                        "",
                        p.highWatermark(),
                        log.logStartOffset(),
                        end.epoch(),
                        end.endOffset(),
                        ByteBuffer.allocate(0));
            }
        }
        if (fetchOffset < log.logStartOffset() || fetchOffset > log.logEndOffset()) {
            return new ReplicaFetchOutcome(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "offset " + fetchOffset + " is outside [" + log.logStartOffset() + ", " + log.logEndOffset()
                            + "] of " + tp,
                    p.highWatermark(),
                    log.logStartOffset(),
                    -1,
                    -1,
                    ByteBuffer.allocate(0));
        }
        p.followerFetched(replicaId, incarnation, fetchOffset)
                .ifPresent(proposal -> proposeIsr(p, a, proposal.isr(), proposal.joining(), "expand"));
        // A replica being added by a reassignment copies at the throttled rate (it is not in the
        // ISR, so nothing waits for it); the bucket lets through at least one batch once it refills.
        boolean throttled = a.addingReplicas().contains(replicaId) && !a.isr().contains(replicaId) && throttle.isOn();
        if (throttled) {
            int allowed = throttle.allowance(maxBytes);
            maxBytes = allowed;
            minOneBatch = allowed > 0;
        }
        try {
            if (maxBytes <= 0 && !minOneBatch) {
                return new ReplicaFetchOutcome(
                        ErrorCode.NONE, "", p.highWatermark(), log.logStartOffset(), -1, -1, ByteBuffer.allocate(0));
            }
            LogReadInfo read = log.read(fetchOffset, maxBytes, log.logEndOffset(), minOneBatch);
            ByteBuffer bytes = read.slice().isPresent() ? read.slice().get().readAll() : ByteBuffer.allocate(0);
            if (throttled) {
                throttle.consumed(bytes.remaining());
            }
            return new ReplicaFetchOutcome(ErrorCode.NONE, "", p.highWatermark(), read.logStartOffset(), -1, -1, bytes);
        } catch (LogException e) {
            return ReplicaFetchOutcome.failed(errorCode(e.error()), e.getMessage());
        } catch (IOException e) {
            LOG.error("read of {} for follower {} failed", tp, replicaId, e);
            return ReplicaFetchOutcome.failed(ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage());
        }
    }

    /**
     * Drops from the ISR of every partition this broker leads the followers that have not caught
     * up for {@code lagMaxMs} (replica.lag.time.max.ms); run every half of that.
     */
    public void shrinkLaggingIsrs(long lagMaxMs) {
        for (Partition p : partitions.values()) {
            PartitionAssignment seen = p.assignment();
            p.isrWithoutLaggards(lagMaxMs).ifPresent(isr -> proposeIsr(p, seen, isr, Map.of(), "shrink"));
        }
    }

    private void proposeIsr(
            Partition p, PartitionAssignment seen, List<Integer> isr, Map<Integer, String> joining, String why) {
        LOG.info("{}: asking the controller to {} the ISR {} to {}", seen.topicPartition(), why, seen.isr(), isr);
        isrChannel.alterIsr(seen, isr, joining).whenComplete((committed, error) -> {
            if (error != null) {
                // The outcome is unknown (a timeout, no controller): the change may still commit,
                // so the ISR counted for the HW keeps the proposal (KIP-497) and it is sent again.
                CompletableFuture.delayedExecutor(ISR_RETRY_MS, TimeUnit.MILLISECONDS)
                        .execute(() -> {
                            if (p.isPending(isr) && p.assignment().partitionEpoch() == seen.partitionEpoch()) {
                                proposeIsr(p, seen, isr, joining, why + " (again)");
                            }
                        });
            } else if (!committed) {
                p.clearPendingIsr(isr);
            }
        });
    }

    /**
     * Persists every hosted partition's high watermark in its log directory
     * (replication-offset-checkpoint); run every 5 s and at shutdown, as Kafka does.
     */
    public void checkpointHighWatermarks() {
        Map<TopicPartition, Long> hws = new java.util.HashMap<>();
        partitions.forEach((tp, p) -> hws.put(tp, p.highWatermark()));
        for (LogManager m : logDirs) {
            try {
                m.checkpointHighWatermarks(hws);
            } catch (IOException | IllegalStateException e) {
                LOG.warn("could not checkpoint high watermarks in {}: {}", m.logDir(), e.getMessage());
            }
        }
    }

    /** Retention for every hosted log; run by the node's scheduler every log.retention.check.interval.ms. */
    public void runRetention() {
        for (LogManager m : logDirs) {
            try {
                m.deleteOldSegments();
            } catch (IOException e) {
                LOG.error("retention in {} failed", m.logDir(), e);
            }
        }
    }

    /** Forgets idempotent producers idle for producer.id.expiration.ms; runs with retention. */
    public void expireProducers(long expirationMs) {
        for (LogManager m : logDirs) {
            for (Log log : m.logs()) {
                if (!log.isOffline()) {
                    log.removeExpiredProducers(expirationMs);
                }
            }
        }
    }

    /** Flushes of logs with the interval policy whose flush.ms has passed; run every second. */
    public void runIntervalFlushes() {
        for (LogManager m : logDirs) {
            for (Log log : m.logs()) {
                try {
                    if (!log.isOffline()) {
                        log.maybeFlush();
                    }
                } catch (IOException e) {
                    LOG.error("flush of {} failed; the log is offline", log.topicPartition(), e);
                }
            }
        }
    }

    static ErrorCode errorCode(LogError error) {
        return switch (error) {
            case CORRUPT_MESSAGE -> ErrorCode.CORRUPT_MESSAGE;
            case MESSAGE_TOO_LARGE -> ErrorCode.MESSAGE_TOO_LARGE;
            case RECORD_LIST_TOO_LARGE -> ErrorCode.RECORD_LIST_TOO_LARGE;
            case INVALID_RECORD -> ErrorCode.INVALID_RECORD;
            case INVALID_TIMESTAMP -> ErrorCode.INVALID_TIMESTAMP;
            case OFFSET_OUT_OF_RANGE -> ErrorCode.OFFSET_OUT_OF_RANGE;
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
            case UNKNOWN_PRODUCER_ID -> ErrorCode.UNKNOWN_PRODUCER_ID;
        };
    }
}
