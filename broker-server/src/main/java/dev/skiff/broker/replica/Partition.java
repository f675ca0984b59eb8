package dev.skiff.broker.replica;

import dev.skiff.log.Log;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One partition hosted by this broker: its log, its role, and (as leader) its high watermark.
 *
 * <p>Invariant: the high watermark never moves backwards while this broker leads, and never passes
 * the log end offset. Threads: appends and HW updates come from request threads; the fields are
 * volatile and listeners are notified after the HW moves.
 */
public final class Partition {
    private final Log log;
    private final int localNodeId;
    private volatile PartitionAssignment assignment;
    private volatile long highWatermark;
    private final List<Runnable> hwListeners = new CopyOnWriteArrayList<>();

    Partition(Log log, int localNodeId, PartitionAssignment assignment) {
        this.log = log;
        this.localNodeId = localNodeId;
        this.assignment = assignment;
        // Until replication tracks followers, a single-replica log's flushed end is its HW; a
        // restarted leader restarts from what is durable.
        this.highWatermark = log.logEndOffset();
    }

    public Log log() {
        return log;
    }

    public PartitionAssignment assignment() {
        return assignment;
    }

    void update(PartitionAssignment newAssignment) {
        this.assignment = newAssignment;
        maybeAdvanceHighWatermark();
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
     * HW = the smallest log end offset among the ISR. Only the leader's own replica is tracked so far
     * (replication arrives with the cluster), so with an ISR of one the HW follows the log end.
     */
    void maybeAdvanceHighWatermark() {
        if (!isLeader()) {
            return;
        }
        PartitionAssignment a = assignment;
        if (a.isr().size() == 1 && a.isr().get(0) == localNodeId) {
            long leo = log.logEndOffset();
            if (leo > highWatermark) {
                highWatermark = leo;
                for (Runnable r : hwListeners) {
                    r.run();
                }
            }
        }
    }

    /** Runs {@code listener} whenever the high watermark advances, until removed. */
    public void addHighWatermarkListener(Runnable listener) {
        hwListeners.add(listener);
    }

    public void removeHighWatermarkListener(Runnable listener) {
        hwListeners.remove(listener);
    }
}
