package dev.skiff.client.internals;

import dev.skiff.client.Node;
import dev.skiff.client.TimeoutException;
import dev.skiff.client.TopicPartition;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Per-partition queues of {@link ProducerBatch}es between {@code send()} and the sender. A batch
 * becomes sendable when it is full ({@code batch.size}), when {@code linger.ms} has passed since its
 * first record, when it is a retry whose backoff is over, or while a flush or close is under way.
 * Memory for queued and in-flight records is bounded by {@code buffer.memory}; {@code send()} waits
 * for room up to {@code max.block.ms}. All methods are thread-safe (one monitor).
 */
public final class RecordAccumulator {
    /** What an append did. */
    public record AppendResult(boolean appended, boolean batchIsFull, boolean newBatchCreated) {
        static final AppendResult ABORTED_FOR_NEW_BATCH = new AppendResult(false, false, false);
    }

    /**
     * Partitions whose first batch can go now, grouped by leader; how long until the next one may
     * become sendable; and whether some partition has no known leader.
     */
    /**
     * @param unknownLeaders some partition waits for metadata: its leader is unknown, or a batch
     *     waits to retry under the leadership that failed it
     */
    public record ReadyResult(
            Map<Node, List<TopicPartition>> readyByLeader, long nextReadyCheckDelayMs, boolean unknownLeaders) {}

    private final int batchSizeBytes;
    private final long lingerMs;
    private final long bufferMemoryBytes;
    private final Clock clock;

    // Guarded by this.
    private final Map<TopicPartition, Deque<ProducerBatch>> queues = new LinkedHashMap<>();
    private final Set<ProducerBatch> incomplete = new LinkedHashSet<>();
    private long usedBytes;
    private int flushesInProgress;
    private boolean closing;
    private int waitingForMemory;

    public RecordAccumulator(int batchSizeBytes, long lingerMs, long bufferMemoryBytes, Clock clock) {
        this.batchSizeBytes = batchSizeBytes;
        this.lingerMs = lingerMs;
        this.bufferMemoryBytes = bufferMemoryBytes;
        this.clock = clock;
    }

    /**
     * Appends to the partition's open batch, or starts a new one. With {@code abortOnNewBatch}, an
     * append that would need a new batch does nothing, so that a sticky partitioner can move on.
     * Waits for buffer memory up to {@code deadlineMs}.
     *
     * @throws TimeoutException if memory did not free up in time
     */
    public synchronized AppendResult append(
            TopicPartition tp,
            RecordBatchCodec.RecordData record,
            ProducerBatch.Thunk thunk,
            int sizeBytes,
            long deadlineMs,
            boolean abortOnNewBatch) {
        Deque<ProducerBatch> queue = queues.computeIfAbsent(tp, k -> new ArrayDeque<>());
        ProducerBatch last = queue.peekLast();
        if (last != null && last.tryAppend(record, thunk, sizeBytes, batchSizeBytes)) {
            usedBytes += sizeBytes;
            return new AppendResult(true, queue.size() > 1 || last.isFull(batchSizeBytes), false);
        }
        if (abortOnNewBatch) {
            return AppendResult.ABORTED_FOR_NEW_BATCH;
        }
        awaitMemory(sizeBytes, deadlineMs);
        ProducerBatch batch = new ProducerBatch(tp, clock.millis());
        batch.tryAppend(record, thunk, sizeBytes, batchSizeBytes);
        usedBytes += sizeBytes;
        queue.addLast(batch);
        incomplete.add(batch);
        return new AppendResult(true, queue.size() > 1 || batch.isFull(batchSizeBytes), true);
    }

    private void awaitMemory(int sizeBytes, long deadlineMs) {
        waitingForMemory++;
        try {
            while (usedBytes > 0 && usedBytes + sizeBytes > bufferMemoryBytes) {
                long remaining = deadlineMs - clock.millis();
                if (remaining <= 0) {
                    throw new TimeoutException("Failed to allocate " + sizeBytes
                            + " bytes within the configured max blocking time (buffer.memory=" + bufferMemoryBytes
                            + " bytes in use)");
                }
                wait(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.skiff.client.SkiffException("Interrupted while waiting for buffer memory", e);
        } finally {
            waitingForMemory--;
        }
    }

    /** Which partitions may send now; {@code muted} ones (a request in flight) are skipped. */
    public synchronized ReadyResult ready(ClusterSnapshot cluster, long nowMs, Set<TopicPartition> muted) {
        Map<Node, List<TopicPartition>> ready = new LinkedHashMap<>();
        long nextDelay = Long.MAX_VALUE;
        boolean unknownLeaders = false;
        boolean urgent = flushesInProgress > 0 || closing || waitingForMemory > 0;
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : queues.entrySet()) {
            ProducerBatch first = e.getValue().peekFirst();
            if (first == null || muted.contains(e.getKey())) {
                continue;
            }
            Optional<Node> leader = cluster.leader(e.getKey());
            if (leader.isEmpty()) {
                unknownLeaders = true;
                continue;
            }
            if (first.attempts() > 0 && first.retryAtMs() > nowMs) {
                if (first.failedLeaderEpoch() < 0 || cluster.leaderEpoch(e.getKey()) <= first.failedLeaderEpoch()) {
                    // Still the leadership that failed it: wait out the backoff, and keep asking
                    // for metadata (at most every retry.backoff.ms) to learn of a new leader.
                    nextDelay = Math.min(nextDelay, first.retryAtMs() - nowMs);
                    unknownLeaders = true;
                    continue;
                }
                // A new leader (higher epoch) is known: retry now, as KIP-951 does.
            }
            long waitedMs = nowMs - first.createdMs();
            boolean sendable = urgent
                    || first.attempts() > 0
                    || e.getValue().size() > 1
                    || first.isFull(batchSizeBytes)
                    || waitedMs >= lingerMs;
            if (sendable) {
                ready.computeIfAbsent(leader.get(), n -> new ArrayList<>()).add(e.getKey());
            } else {
                nextDelay = Math.min(nextDelay, lingerMs - waitedMs);
            }
        }
        return new ReadyResult(ready, nextDelay, unknownLeaders);
    }

    /** Removes and closes the partition's first batch. */
    public synchronized ProducerBatch drainFirst(TopicPartition tp) {
        Deque<ProducerBatch> queue = queues.get(tp);
        ProducerBatch batch = queue == null ? null : queue.pollFirst();
        if (batch == null) {
            throw new IllegalStateException("no batch to drain for " + tp);
        }
        batch.close();
        return batch;
    }

    /**
     * Removes and closes, in order, the partition's first batch (judged ready by {@link #ready})
     * and the sendable ones behind it: every full one, and the open last one if it too is ready, while
     * their estimated sizes fit {@code maxBytes} (the first always goes). They travel in one request,
     * which the leader appends whole or not at all, so order holds with one request in flight.
     */
    public synchronized List<ProducerBatch> drain(TopicPartition tp, long nowMs, long maxBytes) {
        Deque<ProducerBatch> queue = queues.get(tp);
        List<ProducerBatch> out = new ArrayList<>();
        boolean urgent = flushesInProgress > 0 || closing || waitingForMemory > 0;
        long bytes = 0;
        while (queue != null && !queue.isEmpty()) {
            ProducerBatch b = queue.peekFirst();
            if (!out.isEmpty()) {
                boolean ready = queue.size() > 1
                        || urgent
                        || b.attempts() > 0
                        || b.isFull(batchSizeBytes)
                        || nowMs - b.createdMs() >= lingerMs;
                if (!ready || bytes + b.estimatedSizeBytes() > maxBytes) {
                    break;
                }
            }
            queue.pollFirst();
            b.close();
            out.add(b);
            bytes += b.estimatedSizeBytes();
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no batch to drain for " + tp);
        }
        return out;
    }

    /** The partition's first batch without removing it, if any. */
    public synchronized Optional<ProducerBatch> peekFirst(TopicPartition tp) {
        Deque<ProducerBatch> queue = queues.get(tp);
        return Optional.ofNullable(queue == null ? null : queue.peekFirst());
    }

    /** Puts a batch back at the head of its queue to be retried at {@code retryAtMs}. */
    public synchronized void reenqueue(ProducerBatch batch, long retryAtMs) {
        reenqueue(List.of(batch), retryAtMs);
    }

    /** Puts batches of one partition back at the head of its queue, in their order, to be retried at {@code retryAtMs}. */
    public synchronized void reenqueue(List<ProducerBatch> batches, long retryAtMs) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            ProducerBatch b = batches.get(i);
            b.retryAt(retryAtMs);
            queues.computeIfAbsent(b.topicPartition(), k -> new ArrayDeque<>()).addFirst(b);
        }
    }

    /** Returns drained batches that did not fit in a request to the head of their queue, in order, unchanged. */
    public synchronized void putBack(List<ProducerBatch> batches) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            ProducerBatch b = batches.get(i);
            queues.computeIfAbsent(b.topicPartition(), k -> new ArrayDeque<>()).addFirst(b);
        }
    }

    /** Removes queued batches (of partitions not in flight) older than {@code deliveryTimeoutMs}. */
    public synchronized List<ProducerBatch> expire(long nowMs, long deliveryTimeoutMs, Set<TopicPartition> inFlight) {
        List<ProducerBatch> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : queues.entrySet()) {
            if (inFlight.contains(e.getKey())) {
                continue;
            }
            while (!e.getValue().isEmpty() && nowMs - e.getValue().peekFirst().createdMs() >= deliveryTimeoutMs) {
                ProducerBatch b = e.getValue().pollFirst();
                b.close();
                expired.add(b);
            }
        }
        return expired;
    }

    /** The earliest creation time of a queued batch, or Long.MAX_VALUE. */
    public synchronized long oldestQueuedCreatedMs() {
        long oldest = Long.MAX_VALUE;
        for (Deque<ProducerBatch> q : queues.values()) {
            ProducerBatch first = q.peekFirst();
            if (first != null) {
                oldest = Math.min(oldest, first.createdMs());
            }
        }
        return oldest;
    }

    /** Releases a completed batch's memory. */
    public synchronized void completed(ProducerBatch batch) {
        if (incomplete.remove(batch)) {
            usedBytes -= batch.reservedBytes();
            notifyAll();
        }
    }

    /** Every batch not yet completed: queued or in flight. */
    public synchronized List<CompletableFuture<Void>> incompleteFutures() {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (ProducerBatch b : incomplete) {
            out.add(b.done());
        }
        return out;
    }

    /** Every queued batch, in queue order per partition (for an epoch bump to reset their sequences). */
    public synchronized List<ProducerBatch> queuedBatches() {
        List<ProducerBatch> out = new ArrayList<>();
        queues.values().forEach(out::addAll);
        return out;
    }

    /** Removes every queued batch, for a forced close. In-flight batches are the sender's. */
    public synchronized List<ProducerBatch> drainAllQueued() {
        List<ProducerBatch> out = new ArrayList<>();
        for (Deque<ProducerBatch> q : queues.values()) {
            out.addAll(q);
            q.clear();
        }
        return out;
    }

    public synchronized void beginFlush() {
        flushesInProgress++;
    }

    public synchronized void endFlush() {
        flushesInProgress--;
    }

    public synchronized void beginClose() {
        closing = true;
    }

    public synchronized boolean hasQueued() {
        for (Deque<ProducerBatch> q : queues.values()) {
            if (!q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    synchronized Map<TopicPartition, Integer> queuedBatchCounts() {
        Map<TopicPartition, Integer> out = new HashMap<>();
        queues.forEach((tp, q) -> {
            if (!q.isEmpty()) {
                out.put(tp, q.size());
            }
        });
        return out;
    }
}
