package dev.skiff.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compaction ({@code cleanup.policy=compact}): keeps the newest record of each key among the
 * non-active segments and drops the older ones; drops a tombstone (null value) once its segment's
 * newest record is older than {@code delete.retention.ms}. Offsets never change: cleaned batches
 * keep their records' offsets, leaving gaps. The active segment is never touched.
 *
 * <p>Crash safety: each segment is rewritten to {@code <base>.log.cleaned}, fsynced, then renamed
 * to {@code .swap} (the commit point) and swapped in under the log's lock. Recovery deletes {@code
 * .cleaned} files and completes {@code .swap} files, so a crash at any step leaves the log readable
 * and complete (every record that was there, or the newest per key).
 *
 * <p>No thread of its own: the caller's scheduler calls {@link #clean}. Memory is bounded: batches
 * are read one at a time, and the key map holds at most {@code keysMax} keys; past it, only the
 * oldest segments whose keys fit are cleaned in this pass, the rest in later passes.
 */
public final class LogCleaner {
    private final int keysMax;
    private final Clock clock;

    /** What one pass did. */
    public record CleanResult(int segmentsRewritten, long recordsRemoved, long bytesBefore, long bytesAfter) {}

    public LogCleaner(int keysMax, Clock clock) {
        if (keysMax < 1) {
            throw new IllegalArgumentException("keysMax " + keysMax + " must be at least 1");
        }
        this.keysMax = keysMax;
        this.clock = clock;
    }

    /** Compacts the non-active segments of {@code log} if its cleanup policy includes compact. */
    public CleanResult clean(Log log) throws IOException {
        if (!log.config().compact()) {
            return new CleanResult(0, 0, 0, 0);
        }
        List<LogSegment> candidates = log.inactiveSegments();
        Map<ByteBuffer, Long> newest = new HashMap<>();
        int covered = 0;
        // A key whose newest offset lies in a segment only partly scanned still points past every
        // covered segment, so dropping its older records there is right.
        for (LogSegment s : candidates) {
            if (!addKeys(s, newest)) {
                break;
            }
            covered++;
        }
        long now = clock.millis();
        int rewritten = 0;
        long removed = 0;
        long before = 0;
        long after = 0;
        for (LogSegment s : candidates.subList(0, covered)) {
            boolean dropTombstones = s.maxTimestampMs() >= 0
                    && now - s.maxTimestampMs() > log.config().deleteRetentionMs();
            Map<ByteBuffer, Long> map = newest;
            KafkaRecordFormat.RecordFilter filter =
                    (key, offset, tombstone) -> map.getOrDefault(key, -1L) == offset && !(tombstone && dropTombstones);
            Rewrite r = rewrite(log, s, filter);
            if (r != null && log.replaceSegment(s, r.oldSizeBytes, r.file)) {
                rewritten++;
                removed += r.removedRecords;
                before += r.oldSizeBytes;
                after += r.newSizeBytes;
            }
        }
        return new CleanResult(rewritten, removed, before, after);
    }

    private boolean addKeys(LogSegment s, Map<ByteBuffer, Long> newest) throws IOException {
        boolean[] fits = {true};
        s.forEachBatch(batch -> {
            if (!fits[0] || BatchHeader.isControl(batch, 0)) {
                return;
            }
            for (KafkaRecordFormat.KeyedOffset k : KafkaRecordFormat.keyedOffsets(batch, 0)) {
                newest.put(k.key(), k.offset());
            }
            fits[0] = newest.size() <= keysMax;
        });
        return fits[0];
    }

    private record Rewrite(Path file, int oldSizeBytes, int newSizeBytes, long removedRecords) {}

    /** Writes the kept records of {@code s} to its {@code .cleaned} file; null if nothing would go. */
    private Rewrite rewrite(Log log, LogSegment s, KafkaRecordFormat.RecordFilter filter) throws IOException {
        long[] dropped = {0};
        s.forEachBatch(batch -> {
            if (!BatchHeader.isControl(batch, 0)) {
                for (KafkaRecordFormat.KeyedOffset k : KafkaRecordFormat.keyedOffsets(batch, 0)) {
                    if (!filter.keep(k.key(), k.offset(), k.tombstone())) {
                        dropped[0]++;
                    }
                }
            }
        });
        if (dropped[0] == 0) {
            return null;
        }
        int oldSize = s.sizeBytes();
        Path out = LogLoader.cleanedFile(log.dir(), s.baseOffset());
        int[] newSize = {0};
        try (FileChannel ch = FileChannel.open(
                out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            s.forEachBatch(batch -> {
                ByteBuffer kept = BatchHeader.isControl(batch, 0) ? batch : KafkaRecordFormat.retain(batch, 0, filter);
                newSize[0] += kept.remaining();
                while (kept.hasRemaining()) {
                    ch.write(kept);
                }
            });
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
        return new Rewrite(out, oldSize, newSize[0], dropped[0]);
    }
}
