package dev.skiff.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * One partition's idempotent-producer state: per producer id, its epoch and the metadata of its
 * last {@value #BATCHES_RETAINED} batches, so that a leader can tell a retried batch (answered with
 * its original offsets, not written again) from the next one (appended) and from a gap (refused).
 *
 * <p>The state is a function of the batches appended, rebuilt on open from the latest usable
 * snapshot ({@code <20-digit offset>.snapshot}, the state of every batch below that offset; written
 * at a clean close and on every roll) plus a scan of the batch headers after it. Truncation drops
 * the snapshots above the new end and rebuilds; a rising log start offset drops the snapshots below
 * it but keeps the producers (as Kafka does since KIP-360), which leave only by {@link
 * #removeExpired expiry}.
 *
 * <p>Threads: every method runs under the owning {@link Log}'s write lock.
 */
final class ProducerStateManager {
    /** Batches remembered per producer: as many as a producer may have in flight per partition. */
    static final int BATCHES_RETAINED = 5;
    /** Snapshot files kept; older ones only speed up truncations far back. */
    static final int SNAPSHOTS_RETAINED = 3;

    /** What the log remembers of one batch of an idempotent producer. */
    record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long maxTimestampMs) {}

    /** One producer id's state; {@code batches} is oldest first, never empty. */
    static final class ProducerEntry {
        final long producerId;
        short epoch;
        long lastTimestampMs;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_RETAINED);

        ProducerEntry(long producerId, short epoch) {
            this.producerId = producerId;
            this.epoch = epoch;
        }

        int lastSequence() {
            return batches.getLast().lastSequence();
        }

        long lastOffset() {
            return batches.getLast().lastOffset();
        }
    }

    /** Visits the header bytes of every batch at or after an offset, oldest first. */
    interface HeaderScanner {
        void scan(long fromOffset, LogSegment.BatchVisitor visitor) throws IOException;
    }

    private final Path dir;
    private final TopicPartition partition;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    ProducerStateManager(Path dir, TopicPartition partition) {
        this.dir = dir;
        this.partition = partition;
    }

    /** Sequence arithmetic as Kafka's: after Integer.MAX_VALUE comes 0. */
    static int addSequence(int sequence, int increment) {
        long sum = (long) sequence + increment;
        return sum > Integer.MAX_VALUE ? (int) (sum - Integer.MAX_VALUE - 1) : (int) sum;
    }

    int producerCount() {
        return producers.size();
    }

    Optional<ProducerEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    Map<Long, ProducerEntry> entries() {
        return Collections.unmodifiableMap(producers);
    }

    /**
     * The leader's check of a producer's batch before it is written: the original batch if this one
     * is a retry of one of the last {@value #BATCHES_RETAINED}, empty if it may be appended.
     *
     * @throws LogException with INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER or
     *     UNKNOWN_PRODUCER_ID; the state is unchanged
     */
    Optional<BatchMetadata> checkLeaderBatch(long producerId, short epoch, int firstSequence, int lastSequence) {
        ProducerEntry e = producers.get(producerId);
        if (e == null) {
            if (firstSequence != 0) {
                throw new LogException(
                        LogError.UNKNOWN_PRODUCER_ID,
                        "no state for producer id " + producerId + " on " + partition + " (it expired or its "
                                + "batches were truncated) and its batch starts at sequence " + firstSequence
                                + ", not 0; bump the epoch with InitProducerId and start the partition at 0");
            }
            return Optional.empty();
        }
        if (epoch < e.epoch) {
            throw new LogException(
                    LogError.INVALID_PRODUCER_EPOCH,
                    "producer id " + producerId + " sent epoch " + epoch + " but " + partition + " has seen epoch "
                            + e.epoch + "; a newer producer with this id fenced this one");
        }
        if (epoch > e.epoch) {
            if (firstSequence != 0) {
                throw outOfOrder(producerId, epoch, firstSequence, "a new epoch must start at sequence 0");
            }
            return Optional.empty();
        }
        for (BatchMetadata b : e.batches) {
            if (b.firstSequence() == firstSequence && b.lastSequence() == lastSequence) {
                return Optional.of(b);
            }
        }
        int expected = addSequence(e.lastSequence(), 1);
        if (firstSequence != expected) {
            throw outOfOrder(producerId, epoch, firstSequence, "expected sequence " + expected);
        }
        return Optional.empty();
    }

    private LogException outOfOrder(long producerId, short epoch, int sequence, String expected) {
        return new LogException(
                LogError.OUT_OF_ORDER_SEQUENCE_NUMBER,
                "producer id " + producerId + " epoch " + epoch + " sent sequence " + sequence + " to " + partition
                        + ": " + expected + "; an earlier batch is missing, retry it first");
    }

    /** Records a batch written (leader), replicated (follower) or found in the log (load). */
    void update(
            long producerId,
            short epoch,
            int firstSequence,
            int lastSequence,
            long firstOffset,
            long lastOffset,
            long maxTimestampMs) {
        ProducerEntry e = producers.computeIfAbsent(producerId, id -> new ProducerEntry(id, epoch));
        if (e.epoch != epoch) {
            e.epoch = epoch;
            e.batches.clear();
        }
        if (e.batches.size() == BATCHES_RETAINED) {
            e.batches.removeFirst();
        }
        e.batches.addLast(new BatchMetadata(firstSequence, lastSequence, firstOffset, lastOffset, maxTimestampMs));
        e.lastTimestampMs = Math.max(e.lastTimestampMs, maxTimestampMs);
    }

    /** Records the batch at {@code pos} of {@code b} if an idempotent producer wrote it. */
    void updateFromBatch(ByteBuffer b, int pos) {
        long producerId = BatchHeader.producerId(b, pos);
        if (producerId < 0 || BatchHeader.isControl(b, pos)) {
            return;
        }
        update(
                producerId,
                BatchHeader.producerEpoch(b, pos),
                BatchHeader.baseSequence(b, pos),
                BatchHeader.lastSequence(b, pos),
                BatchHeader.baseOffset(b, pos),
                BatchHeader.lastOffset(b, pos),
                BatchHeader.maxTimestamp(b, pos));
    }

    /**
     * Removes producers whose newest batch is older than {@code expirationMs} (Kafka's
     * producer.id.expiration.ms, judged by batch timestamps as Kafka does).
     *
     * @return how many were removed
     */
    int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> nowMs - e.lastTimestampMs >= expirationMs);
        return before - producers.size();
    }

    /**
     * Rebuilds the state: loads the newest readable snapshot at or below {@code trustedUpToOffset}
     * (deleting those past {@code logEndOffset} and unreadable ones), then scans the batches after
     * it, from no earlier than {@code logStartOffset}.
     */
    void load(long logStartOffset, long logEndOffset, long trustedUpToOffset, HeaderScanner scanner)
            throws IOException {
        producers.clear();
        NavigableSet<Long> offsets = ProducerSnapshotFile.list(dir);
        for (long offset : offsets.tailSet(logEndOffset, false)) {
            ProducerSnapshotFile.delete(dir, offset);
        }
        long scanFrom = logStartOffset;
        for (long offset :
                offsets.headSet(Math.min(trustedUpToOffset, logEndOffset), true).descendingSet()) {
            Optional<List<ProducerEntry>> read = ProducerSnapshotFile.read(dir, offset);
            if (read.isPresent()) {
                read.get().forEach(e -> producers.put(e.producerId, e));
                scanFrom = Math.max(offset, logStartOffset);
                break;
            }
            ProducerSnapshotFile.delete(dir, offset);
        }
        long from = scanFrom;
        scanner.scan(from, batch -> {
            if (BatchHeader.baseOffset(batch, 0) >= from) {
                updateFromBatch(batch, 0);
            }
        });
    }

    /** Writes the state of every batch below {@code offset}, keeping the newest few snapshots. */
    void takeSnapshot(long offset) throws IOException {
        ProducerSnapshotFile.write(dir, offset, producers.values());
        NavigableSet<Long> offsets = ProducerSnapshotFile.list(dir);
        while (offsets.size() > SNAPSHOTS_RETAINED) {
            ProducerSnapshotFile.delete(dir, offsets.pollFirst());
        }
    }

    /** Truncation: drops snapshots past the new end and rebuilds from the log. */
    void truncateAndReload(long logStartOffset, long logEndOffset, HeaderScanner scanner) throws IOException {
        boolean deleted = false;
        for (long offset : ProducerSnapshotFile.list(dir).tailSet(logEndOffset, false)) {
            ProducerSnapshotFile.delete(dir, offset);
            deleted = true;
        }
        if (deleted) {
            SegmentFiles.fsyncDirectory(dir);
        }
        load(logStartOffset, logEndOffset, logEndOffset, scanner);
    }

    /** The log restarts empty: forgets every producer and snapshot. */
    void clear() throws IOException {
        producers.clear();
        for (long offset : ProducerSnapshotFile.list(dir)) {
            ProducerSnapshotFile.delete(dir, offset);
        }
    }

    /** The log start offset rose: drops snapshots below it, always keeping the newest. */
    void onLogStartOffsetIncremented(long logStartOffset) throws IOException {
        NavigableSet<Long> offsets = ProducerSnapshotFile.list(dir);
        if (offsets.isEmpty()) {
            return;
        }
        long newest = offsets.last();
        for (long offset : offsets.headSet(logStartOffset, false)) {
            if (offset != newest) {
                ProducerSnapshotFile.delete(dir, offset);
            }
        }
    }
}
