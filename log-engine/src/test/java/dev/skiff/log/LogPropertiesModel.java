package dev.skiff.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The in-memory model of one partition log that {@link LogPropertiesTest} checks {@link Log}
 * against: the batches physically held by the segments (including those below the log start
 * offset, which retention has not deleted yet), the log start and end offsets, and the leader epoch
 * entries.
 *
 * <p>Where the outcome of an operation depends on how the log laid its segments out (rolls depend on
 * byte sizes and index fullness), the model takes the segment base offsets the log reports as an
 * input; everything else (which batches exist, which offsets they hold, what they contain) is the
 * model's own.
 */
final class LogPropertiesModel {

    /** A record as the model expects to read it back. */
    record Rec(long offset, byte[] key, byte[] value, long timestampMs) {
        boolean tombstone() {
            return value == null;
        }

        boolean sameAs(LogRecord r) {
            return offset == r.offset()
                    && timestampMs == r.timestampMs()
                    && Arrays.equals(key, r.key())
                    && Arrays.equals(value, r.value());
        }

        @Override
        public String toString() {
            return offset + ":" + (key == null ? "-" : LogTestSupport.str(key)) + "="
                    + (value == null ? "null" : value.length + "B") + "@" + timestampMs;
        }
    }

    /**
     * A batch as the model expects it in the segment files.
     *
     * @param sizeBytes encoded size, or -1 once compaction re-encoded it
     */
    record Batch(int epoch, List<Rec> records, int sizeBytes) {
        long base() {
            return records.get(0).offset();
        }

        long last() {
            return records.get(records.size() - 1).offset();
        }

        long maxTimestampMs() {
            long max = BatchHeader.NO_TIMESTAMP;
            for (Rec r : records) {
                max = Math.max(max, r.timestampMs());
            }
            return max;
        }
    }

    /** Mirror of {@link LeaderEpochCache.EpochEntry}, kept separately so the log's cache is checked. */
    record Epoch(int epoch, long startOffset) {}

    /** Physical batches by base offset. */
    final TreeMap<Long, Batch> batches = new TreeMap<>();

    final List<Epoch> epochs = new ArrayList<>();
    long logStartOffset;
    long logEndOffset;

    // ---------------------------------------------------------------- appends

    void append(int leaderEpoch, List<Batch> appended) {
        if (appended.isEmpty()) {
            return;
        }
        if (leaderEpoch > latestEpoch()) {
            long first = appended.get(0).base();
            epochs.removeIf(e -> e.epoch() >= leaderEpoch || e.startOffset() >= first);
            epochs.add(new Epoch(leaderEpoch, first));
        }
        for (Batch b : appended) {
            if (b.base() != logEndOffset) {
                throw new IllegalStateException("model append at " + b.base() + " but the end is " + logEndOffset);
            }
            batches.put(b.base(), b);
            logEndOffset = b.last() + 1;
        }
    }

    int latestEpoch() {
        return epochs.isEmpty()
                ? LeaderEpochCache.UNDEFINED_EPOCH
                : epochs.get(epochs.size() - 1).epoch();
    }

    // ---------------------------------------------------------------- queries

    /** Batches with at least one record at or after the log start offset, oldest first. */
    List<Batch> visibleBatches() {
        List<Batch> out = new ArrayList<>();
        for (Batch b : batches.values()) {
            if (b.last() >= logStartOffset) {
                out.add(b);
            }
        }
        return out;
    }

    /** Records at or after the log start offset, in offset order. */
    List<Rec> visibleRecords() {
        List<Rec> out = new ArrayList<>();
        for (Batch b : visibleBatches()) {
            for (Rec r : b.records()) {
                if (r.offset() >= logStartOffset) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The first batch whose last offset is at or after {@code offset}, or null. */
    Batch firstBatchEndingAtOrAfter(long offset) {
        Map.Entry<Long, Batch> floor = batches.floorEntry(offset);
        if (floor != null && floor.getValue().last() >= offset) {
            return floor.getValue();
        }
        Map.Entry<Long, Batch> higher = batches.higherEntry(offset);
        return higher == null ? null : higher.getValue();
    }

    Batch batchAfter(Batch b) {
        Map.Entry<Long, Batch> e = batches.higherEntry(b.base());
        return e == null ? null : e.getValue();
    }

    /** The batches of the segment starting at {@code base}, given all segment bases. */
    static List<Batch> inSegment(NavigableMap<Long, Batch> batches, List<Long> bases, int index) {
        long from = bases.get(index);
        long to = index + 1 < bases.size() ? bases.get(index + 1) : Long.MAX_VALUE;
        return new ArrayList<>(batches.subMap(from, true, to, false).values());
    }

    static long segmentOf(List<Long> bases, long offset) {
        long found = bases.get(0);
        for (long b : bases) {
            if (b <= offset) {
                found = b;
            }
        }
        return found;
    }

    static long maxTimestampMs(List<Batch> segment) {
        long max = BatchHeader.NO_TIMESTAMP;
        for (Batch b : segment) {
            max = Math.max(max, b.maxTimestampMs());
        }
        return max;
    }

    // ---------------------------------------------------------------- truncation

    /**
     * {@link Log#truncateTo}: every batch whose last offset is at or after {@code offset} goes, the
     * batch containing {@code offset} included. The new end is where the kept batches of the last
     * remaining segment end (its base if none), as a reopen would find it, so never above {@code
     * offset}; a log start offset past it comes back to it (the log is then empty there).
     */
    void truncateTo(long offset, List<Long> bases) {
        if (offset >= logEndOffset) {
            return;
        }
        if (offset < logStartOffset || offset <= bases.get(0)) {
            truncateFullyAndStartAt(Math.max(offset, 0));
            return;
        }
        int keep = 0;
        while (keep + 1 < bases.size() && bases.get(keep + 1) < offset) {
            keep++;
        }
        long newEnd = bases.get(keep);
        for (Batch b : inSegment(batches, bases, keep)) {
            if (b.last() >= offset) {
                break;
            }
            newEnd = b.last() + 1;
        }
        batches.tailMap(newEnd, true).clear();
        logEndOffset = newEnd;
        logStartOffset = Math.min(logStartOffset, logEndOffset);
        epochs.removeIf(e -> e.startOffset() >= logEndOffset);
    }

    void truncateFullyAndStartAt(long offset) {
        batches.clear();
        logStartOffset = offset;
        logEndOffset = offset;
        epochs.clear();
    }

    // ---------------------------------------------------------------- retention

    void deleteRecordsBefore(long offset) {
        if (offset > logStartOffset) {
            logStartOffset = offset;
            epochsTruncateFromStart(offset);
        }
    }

    private void epochsTruncateFromStart(long startOffset) {
        int keepFrom = 0;
        while (keepFrom + 1 < epochs.size() && epochs.get(keepFrom + 1).startOffset() <= startOffset) {
            keepFrom++;
        }
        if (epochs.isEmpty() || (keepFrom == 0 && epochs.get(0).startOffset() >= startOffset)) {
            return;
        }
        Epoch first = epochs.get(keepFrom);
        List<Epoch> kept = new ArrayList<>(epochs.subList(keepFrom, epochs.size()));
        kept.set(0, new Epoch(first.epoch(), Math.max(first.startOffset(), startOffset)));
        epochs.clear();
        epochs.addAll(kept);
    }

    /** A segment as retention judges it. */
    private record Seg(long base, long sizeBytes, long maxTimestampMs) {}

    /**
     * {@link Log#deleteOldSegments}, predicted from the segment bases and file sizes: segments wholly
     * below the log start offset; with delete, segments whose newest record is older than
     * retention.ms (rolling an expired active segment first), then the oldest while the rest stays at
     * or above retention.bytes. Never the last segment. Returns the expected segment bases.
     */
    List<Long> deleteOldSegments(List<Long> bases, List<Long> sizes, long nowMs, LogConfig cfg) {
        List<Seg> segs = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            segs.add(new Seg(bases.get(i), sizes.get(i), maxTimestampMs(inSegment(batches, bases, i))));
        }
        int deleted = 0;
        while (segs.size() > 1 && segs.get(1).base() <= logStartOffset) {
            segs.remove(0);
            deleted++;
        }
        if (cfg.delete() && cfg.retentionMs() >= 0) {
            Seg active = segs.get(segs.size() - 1);
            if (active.sizeBytes() > 0 && expired(active, nowMs, cfg)) {
                segs.add(new Seg(logEndOffset, 0, BatchHeader.NO_TIMESTAMP));
            }
            while (segs.size() > 1 && expired(segs.get(0), nowMs, cfg)) {
                segs.remove(0);
                deleted++;
            }
        }
        if (cfg.delete() && cfg.retentionBytes() >= 0) {
            long excess = -cfg.retentionBytes();
            for (Seg s : segs) {
                excess += s.sizeBytes();
            }
            while (segs.size() > 1 && excess - segs.get(0).sizeBytes() >= 0) {
                excess -= segs.get(0).sizeBytes();
                segs.remove(0);
                deleted++;
            }
        }
        List<Long> remaining = new ArrayList<>();
        for (Seg s : segs) {
            remaining.add(s.base());
        }
        if (deleted > 0) {
            batches.headMap(remaining.get(0), false).clear();
            logStartOffset = Math.max(logStartOffset, remaining.get(0));
            epochsTruncateFromStart(logStartOffset);
        }
        return remaining;
    }

    /**
     * A segment without records would be judged by its file's mtime; the tests' clock runs decades
     * behind the real one, so such a segment never expires.
     */
    private static boolean expired(Seg s, long nowMs, LogConfig cfg) {
        return s.maxTimestampMs() >= 0 && nowMs - s.maxTimestampMs() > cfg.retentionMs();
    }

    // ---------------------------------------------------------------- compaction

    /**
     * {@link LogCleaner#clean}: builds the newest offset per key over the non-active segments
     * (stopping at the first segment whose keys overflow {@code keysMax}, keeping what it read of
     * it), then rewrites each fully covered segment keeping the newest record per key, and dropping
     * tombstones once the segment's newest record is older than delete.retention.ms.
     */
    void clean(List<Long> bases, int keysMax, long nowMs, LogConfig cfg) {
        if (!cfg.compact()) {
            return;
        }
        Map<ByteBuffer, Long> newest = new HashMap<>();
        int covered = 0;
        outer:
        for (int i = 0; i < bases.size() - 1; i++) {
            for (Batch b : inSegment(batches, bases, i)) {
                for (Rec r : b.records()) {
                    if (r.key() != null) {
                        newest.put(ByteBuffer.wrap(r.key()), r.offset());
                    }
                }
                if (newest.size() > keysMax) {
                    break outer;
                }
            }
            covered++;
        }
        for (int i = 0; i < covered; i++) {
            List<Batch> segment = inSegment(batches, bases, i);
            long maxTs = maxTimestampMs(segment);
            boolean dropTombstones = maxTs >= 0 && nowMs - maxTs > cfg.deleteRetentionMs();
            for (Batch b : segment) {
                List<Rec> kept = new ArrayList<>();
                for (Rec r : b.records()) {
                    if (r.key() == null
                            || (Objects.equals(newest.get(ByteBuffer.wrap(r.key())), r.offset())
                                    && !(r.tombstone() && dropTombstones))) {
                        kept.add(r);
                    }
                }
                if (kept.size() == b.records().size()) {
                    continue;
                }
                batches.remove(b.base());
                if (!kept.isEmpty()) {
                    Batch rewritten = new Batch(b.epoch(), List.copyOf(kept), -1);
                    batches.put(rewritten.base(), rewritten);
                }
            }
        }
    }

    // ---------------------------------------------------------------- crashes and reopens

    /**
     * A crash cut the active segment (base {@code activeBase}) after its batches that end before
     * {@code firstLostOffset}; the log now ends where the segment does.
     */
    void loseFrom(long activeBase, long firstLostOffset) {
        batches.tailMap(firstLostOffset, true).clear();
        Map.Entry<Long, Batch> last = batches.lastEntry();
        logEndOffset = last == null || last.getKey() < activeBase
                ? activeBase
                : last.getValue().last() + 1;
    }

    /**
     * Reopening with a persisted log start offset: the log starts at the larger of it and the first
     * segment; a persisted start past the recovered end (records lost in the crash) restarts the log
     * empty there, as Kafka does, so offsets below it are never handed out again.
     */
    void reopen(long persistedLogStartOffset, long firstSegmentBase) {
        epochs.removeIf(e -> e.startOffset() >= logEndOffset);
        if (persistedLogStartOffset > logEndOffset) {
            truncateFullyAndStartAt(persistedLogStartOffset);
            return;
        }
        logStartOffset = Math.max(persistedLogStartOffset, firstSegmentBase);
        epochsTruncateFromStart(logStartOffset);
    }

    @Override
    public String toString() {
        return "Model(start " + logStartOffset + ", end " + logEndOffset + ", batches " + batches.values() + ", epochs "
                + epochs + ")";
    }
}
