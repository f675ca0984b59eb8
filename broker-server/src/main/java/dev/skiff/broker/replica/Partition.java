package dev.skiff.broker.replica;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.BatchHeader;
import dev.skiff.log.FlushPolicy;
import dev.skiff.log.LeaderEpochCache;
import dev.skiff.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One partition hosted by this broker: its log, its role (leader or follower at a leader epoch),
 * and, as leader, what it knows of each follower (DESIGN §6).
 *
 * <p>As leader: the high watermark is the smallest log end offset in the ISR, where the ISR counted
 * while a change is pending at the controller is the union of the old and the proposed one (KIP-497),
 * and never moves backwards while this broker leads. A follower that has not fetched since this
 * broker became leader has an unknown log end offset and holds the high watermark where it is.
 *
 * <p>Threads: appends (produce as leader, fetched batches as follower) hold the role lock's read
 * side, role changes its write side, so no append lands under a role it was not checked against.
 * Follower bookkeeping and the high watermark change under this object's monitor; listeners run
 * after the change, outside it.
 */
public final class Partition {
    /** A follower whose log end offset this leader does not know yet. */
    static final long UNKNOWN_OFFSET = -1L;

    static final long PROPOSAL_BACKOFF_MS = 250;

    private final Log log;
    private final int localNodeId;
    private final Clock clock;
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    private volatile PartitionAssignment assignment;
    /** False until the first {@link #update} takes the initial role; guarded by the role lock. */
    private boolean roleTaken;

    private volatile long highWatermark;
    /** Where this broker's current leadership began in the log: a follower below it cannot join the ISR. */
    private long leaderEpochStartOffset;
    /** Per follower, as leader; guarded by this. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    /** The ISR this leader asked the controller for and has not seen committed yet; guarded by this. */
    private List<Integer> pendingIsr;
    /** After a refused proposal, none before this time (the follower may still be fenced); guarded by this. */
    private long nextProposalMs;

    private final List<Runnable> hwListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();

    /** What the leader knows of one follower (Kafka's replica state). */
    private static final class FollowerState {
        /** The broker registration the offsets below were fetched by; null before the first fetch. */
        String incarnation;

        long logEndOffset = UNKNOWN_OFFSET;
        long lastCaughtUpMs;
        long lastFetchMs;
        long leaderEndAtLastFetch = UNKNOWN_OFFSET;
    }

    /** An ISR to ask the controller for, with the incarnation of each broker it adds. */
    record IsrProposal(List<Integer> isr, Map<Integer, String> joining) {}

    /** The outcome of a leader's append: where it landed and the leadership it landed under. */
    public record LeaderAppend(AppendInfo info, int leaderEpoch) {}

    /**
     * @param checkpointedHighWatermark the high watermark this replica knew before a restart, if
     *     any; it starts there (capped by its log), else at its log start
     */
    Partition(Log log, int localNodeId, PartitionAssignment assignment, Clock clock, long checkpointedHighWatermark) {
        this.log = log;
        this.localNodeId = localNodeId;
        this.clock = clock;
        this.assignment = assignment;
        this.highWatermark = Math.min(Math.max(log.logStartOffset(), checkpointedHighWatermark), log.logEndOffset());
    }

    public Log log() {
        return log;
    }

    public PartitionAssignment assignment() {
        return assignment;
    }

    public boolean isLeader() {
        return assignment.leader() == localNodeId;
    }

    public int leaderEpoch() {
        return assignment.leaderEpoch();
    }

    public long highWatermark() {
        return highWatermark;
    }

    /**
     * Takes the role the image gives this broker. A new leadership (or a new epoch of it) starts
     * the epoch in the log and forgets what was known of followers; a follower forgets them too.
     *
     * @return true if this broker now follows a leader it did not follow before (the caller
     *     points a fetcher at it)
     */
    boolean update(PartitionAssignment next) throws IOException {
        boolean newFollower;
        roleLock.writeLock().lock();
        try {
            PartitionAssignment previous = assignment;
            boolean sameEpoch = previous.leader() == next.leader() && previous.leaderEpoch() == next.leaderEpoch();
            boolean newRole = !sameEpoch || !roleTaken;
            roleTaken = true;
            assignment = next;
            newFollower = next.leader() != localNodeId && newRole;
            synchronized (this) {
                if (next.partitionEpoch() != previous.partitionEpoch() || !sameEpoch) {
                    pendingIsr = null;
                }
                if (next.leader() == localNodeId && newRole) {
                    try {
                        becomeLeader(next);
                    } catch (IOException | RuntimeException e) {
                        roleTaken = false; // the next image tries again
                        throw e;
                    }
                } else if (next.leader() == localNodeId) {
                    followReplicas(next);
                } else {
                    followers.clear();
                    highWatermark = Math.min(highWatermark, log.logEndOffset());
                }
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        maybeAdvanceHighWatermark();
        fire(hwListeners);
        fire(appendListeners);
        return newFollower;
    }

    /**
     * The same leadership with other replicas (a reassignment adds or removes some): a new
     * replica is a follower to hear from, one that left is forgotten.
     */
    private void followReplicas(PartitionAssignment next) {
        followers.keySet().retainAll(next.replicas());
        for (int replica : next.replicas()) {
            if (replica != localNodeId && !followers.containsKey(replica)) {
                FollowerState f = new FollowerState();
                f.lastCaughtUpMs = next.isr().contains(replica) ? clock.millis() : 0;
                followers.put(replica, f);
            }
        }
    }

    private void becomeLeader(PartitionAssignment next) throws IOException {
        LeaderEpochCache cache = log.leaderEpochCache();
        if (next.leaderEpoch() > cache.latestEpoch()) {
            cache.assign(next.leaderEpoch(), log.logEndOffset());
        }
        leaderEpochStartOffset = log.logEndOffset();
        followers.clear();
        long now = clock.millis();
        for (int replica : next.replicas()) {
            if (replica != localNodeId) {
                FollowerState f = new FollowerState();
                // ISR members get a full lag window to show up before they can be dropped.
                f.lastCaughtUpMs = next.isr().contains(replica) ? now : 0;
                followers.put(replica, f);
            }
        }
        highWatermark = Math.min(highWatermark, log.logEndOffset());
    }

    /**
     * Appends producer batches as leader, checking the ISR first when acks=all. Under the fsync
     * policy the batches are written but not yet fsynced: the caller has them flushed (group
     * commit, {@link LogFlusher}), and the high watermark waits for that fsync.
     */
    LeaderAppend appendAsLeader(ByteBuffer records, int acks, int minInsyncReplicas) throws IOException {
        roleLock.readLock().lock();
        try {
            PartitionAssignment a = assignment;
            if (a.leader() != localNodeId) {
                throw new RoleException(a.leader());
            }
            if (acks == -1 && a.isr().size() < minInsyncReplicas) {
                throw new NotEnoughReplicasException(a.isr().size(), minInsyncReplicas);
            }
            AppendInfo info = log.appendAsLeaderWithoutFsync(records, a.leaderEpoch());
            fire(appendListeners);
            maybeAdvanceHighWatermark();
            return new LeaderAppend(info, a.leaderEpoch());
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /**
     * Appends batches fetched from the leader of {@code leaderEpoch}; nothing if this broker no
     * longer follows that leadership. The follower's high watermark follows the leader's, capped
     * by its own log end.
     *
     * @return false if the role changed and the batches were dropped
     */
    boolean appendAsFollower(ByteBuffer records, int leaderEpoch, long leaderHighWatermark) throws IOException {
        roleLock.readLock().lock();
        try {
            PartitionAssignment a = assignment;
            if (a.leader() == localNodeId || a.leaderEpoch() != leaderEpoch) {
                return false;
            }
            skipBatchesBelowLogEnd(records);
            if (records.hasRemaining()) {
                log.appendAsFollower(records);
            }
            synchronized (this) {
                highWatermark = Math.max(highWatermark, Math.min(leaderHighWatermark, log.logEndOffset()));
            }
            return true;
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /**
     * The leader answers from the batch containing the fetch offset: batches wholly below this
     * log's end are dropped, and a batch straddling it (this log ended inside a batch of the
     * leader's) first cuts this log back to where that batch starts.
     */
    private void skipBatchesBelowLogEnd(ByteBuffer records) throws IOException {
        int pos = records.position();
        while (pos < records.limit() && BatchHeader.lastOffset(records, pos) < log.logEndOffset()) {
            pos += BatchHeader.sizeBytes(records, pos);
        }
        records.position(pos);
        if (pos < records.limit() && BatchHeader.baseOffset(records, pos) < log.logEndOffset()) {
            log.truncateTo(BatchHeader.baseOffset(records, pos));
        }
    }

    /**
     * Truncates a follower's log where it diverges from the leader's (KIP-101/279): to the smaller
     * of the leader's end offset for {@code epoch} and this log's own end offset for it.
     *
     * @return the new log end offset, or -1 if the role changed and nothing was done
     */
    long truncateDiverging(int leaderEpoch, int epoch, long leaderEndOffset) throws IOException {
        roleLock.readLock().lock();
        try {
            PartitionAssignment a = assignment;
            if (a.leader() == localNodeId || a.leaderEpoch() != leaderEpoch) {
                return -1;
            }
            LeaderEpochCache.EpochEndOffset own = log.leaderEpochCache().endOffsetFor(epoch, log.logEndOffset());
            long target = own.endOffset() == LeaderEpochCache.UNDEFINED_OFFSET
                    ? leaderEndOffset
                    : Math.min(leaderEndOffset, own.endOffset());
            if (target < log.logEndOffset()) {
                log.truncateTo(Math.max(0, target));
            } else {
                // Nothing to cut from the log, but an epoch this replica started without writing
                // in it (a leadership that wrote nothing) must go, or the next fetch diverges again.
                log.leaderEpochCache().truncateFromEnd(target);
            }
            synchronized (this) {
                highWatermark = Math.min(highWatermark, log.logEndOffset());
            }
            return log.logEndOffset();
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /** A follower whose fetch offset fell below the leader's log start restarts its log there. */
    boolean restartFollowerLogAt(int leaderEpoch, long leaderLogStart) throws IOException {
        roleLock.readLock().lock();
        try {
            PartitionAssignment a = assignment;
            if (a.leader() == localNodeId || a.leaderEpoch() != leaderEpoch) {
                return false;
            }
            log.truncateFullyAndStartAt(leaderLogStart);
            synchronized (this) {
                highWatermark = leaderLogStart;
            }
            return true;
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /** The leader epoch of this log's last batch, or -1 if it has none. */
    int lastFetchedEpoch() {
        return log.leaderEpochCache().latestEpoch();
    }

    /**
     * As leader, records a follower's fetch at {@code fetchOffset} (its log end offset) and moves
     * the high watermark. Answers the ISR to propose if the follower has caught up and may join it.
     */
    Optional<IsrProposal> followerFetched(int replicaId, String incarnation, long fetchOffset) {
        Optional<IsrProposal> expand = Optional.empty();
        synchronized (this) {
            FollowerState f = followers.get(replicaId);
            if (f == null) {
                return Optional.empty();
            }
            if (f.incarnation != null && !f.incarnation.equals(incarnation)) {
                // The follower restarted: what its previous life fetched says nothing about its log now.
                FollowerState fresh = new FollowerState();
                fresh.lastCaughtUpMs = f.lastCaughtUpMs;
                followers.put(replicaId, fresh);
                f = fresh;
            }
            f.incarnation = incarnation;
            long now = clock.millis();
            long leaderEnd = log.logEndOffset();
            if (fetchOffset >= leaderEnd) {
                f.lastCaughtUpMs = now;
            } else if (f.leaderEndAtLastFetch != UNKNOWN_OFFSET && fetchOffset >= f.leaderEndAtLastFetch) {
                f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
            }
            f.logEndOffset = fetchOffset;
            f.leaderEndAtLastFetch = leaderEnd;
            f.lastFetchMs = now;
            PartitionAssignment a = assignment;
            if (pendingIsr == null
                    && now >= nextProposalMs
                    && !a.isr().contains(replicaId)
                    && fetchOffset >= highWatermark
                    && fetchOffset >= leaderEpochStartOffset) {
                List<Integer> proposed = new ArrayList<>(a.isr());
                proposed.add(replicaId);
                pendingIsr = List.copyOf(proposed);
                expand = Optional.of(new IsrProposal(pendingIsr, Map.of(replicaId, incarnation)));
            }
        }
        maybeAdvanceHighWatermark();
        return expand;
    }

    /**
     * As leader, the ISR to propose without the followers that have not caught up for {@code
     * lagMaxMs}; empty if none lags or a change is pending already.
     */
    synchronized Optional<List<Integer>> isrWithoutLaggards(long lagMaxMs) {
        PartitionAssignment a = assignment;
        if (a.leader() != localNodeId || pendingIsr != null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (now < nextProposalMs) {
            return Optional.empty();
        }
        long leaderEnd = log.logEndOffset();
        List<Integer> kept = new ArrayList<>();
        for (int member : a.isr()) {
            FollowerState f = followers.get(member);
            boolean outOfSync = f != null && f.logEndOffset != leaderEnd && now - f.lastCaughtUpMs > lagMaxMs;
            if (member == localNodeId || !outOfSync) {
                kept.add(member);
            }
        }
        if (kept.size() == a.isr().size()) {
            return Optional.empty();
        }
        pendingIsr = List.copyOf(kept);
        return Optional.of(pendingIsr);
    }

    synchronized boolean isPending(List<Integer> proposed) {
        return proposed.equals(pendingIsr);
    }

    /** The controller refused a proposal: a later fetch or check may propose again. */
    synchronized void clearPendingIsr(List<Integer> proposed) {
        if (proposed.equals(pendingIsr)) {
            pendingIsr = null;
            nextProposalMs = clock.millis() + PROPOSAL_BACKOFF_MS;
        }
    }

    /** The members counted for the high watermark: the ISR, joined by a pending proposal's. */
    private Set<Integer> maximalIsr() {
        Set<Integer> members = new LinkedHashSet<>(assignment.isr());
        if (pendingIsr != null) {
            members.addAll(pendingIsr);
        }
        return members;
    }

    /**
     * HW = the smallest log end offset in the (maximal) ISR, where the leader's own counts only as
     * far as it is fsynced under the fsync policy (followers fsync before they fetch on); only ever
     * forward, only as leader.
     */
    void maybeAdvanceHighWatermark() {
        boolean moved = false;
        synchronized (this) {
            if (!isLeader()) {
                return;
            }
            long candidate = log.config().flushPolicy() == FlushPolicy.FSYNC
                    ? Math.min(log.logEndOffset(), log.flushedOffset())
                    : log.logEndOffset();
            for (int member : maximalIsr()) {
                if (member == localNodeId) {
                    continue;
                }
                FollowerState f = followers.get(member);
                long end = f == null ? UNKNOWN_OFFSET : f.logEndOffset;
                if (end == UNKNOWN_OFFSET) {
                    return;
                }
                candidate = Math.min(candidate, end);
            }
            if (candidate > highWatermark) {
                highWatermark = candidate;
                moved = true;
            }
        }
        if (moved) {
            fire(hwListeners);
        }
    }

    /** The log end offsets this leader knows for its followers (-1: not fetched yet). */
    public synchronized Map<Integer, Long> followerEndOffsets() {
        Map<Integer, Long> out = new HashMap<>();
        followers.forEach((id, f) -> out.put(id, f.logEndOffset));
        return out;
    }

    private static void fire(List<Runnable> listeners) {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** The partition is no longer hosted here: whoever waits on it looks again (and finds it gone). */
    void removed() {
        fire(hwListeners);
        fire(appendListeners);
    }

    /** Runs {@code listener} whenever the high watermark advances or the role changes, until removed. */
    public void addHighWatermarkListener(Runnable listener) {
        hwListeners.add(listener);
    }

    public void removeHighWatermarkListener(Runnable listener) {
        hwListeners.remove(listener);
    }

    /** Runs {@code listener} after every leader append or role change, until removed. */
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(Runnable listener) {
        appendListeners.remove(listener);
    }

    /** This broker does not lead the partition (any more). */
    static final class RoleException extends RuntimeException {
        final int leader;

        RoleException(int leader) {
            super("not the leader (leader " + leader + ")", null, false, false);
            this.leader = leader;
        }
    }

    /** acks=all found the ISR below min.insync.replicas; nothing was written. */
    static final class NotEnoughReplicasException extends RuntimeException {
        final int isrSize;
        final int minInsyncReplicas;

        NotEnoughReplicasException(int isrSize, int minInsyncReplicas) {
            super("ISR " + isrSize + " < " + minInsyncReplicas, null, false, false);
            this.isrSize = isrSize;
            this.minInsyncReplicas = minInsyncReplicas;
        }
    }
}
