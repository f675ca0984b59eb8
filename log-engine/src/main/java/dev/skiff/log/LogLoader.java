package dev.skiff.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * Opens a partition directory and makes it consistent before anyone appends: finishes or discards
 * interrupted compactions, then trusts or recovers each segment.
 *
 * <p>After a clean shutdown the files are trusted (index sanity checks and a scan of the batch
 * headers after the last index entry). Otherwise every segment from the one holding the recovery
 * point onwards, and any segment whose index is missing or corrupt, is scanned batch by batch
 * (sizes, magic, CRC, increasing offsets); the first torn or invalid batch and everything after it,
 * including later segments, is removed, and the indexes are rebuilt. Last, the producer state is
 * rebuilt from its newest trusted snapshot and the batches after it ({@link ProducerStateManager}).
 */
public final class LogLoader {
    /**
     * How to open a log.
     *
     * @param cleanShutdown the log was closed cleanly, so its files can be trusted
     * @param recoveryPoint offsets below this were fsynced; segments from here on are scanned after an
     *     unclean shutdown
     * @param logStartOffset the persisted log start offset (0 if unknown)
     */
    public record Options(boolean cleanShutdown, long recoveryPoint, long logStartOffset) {
        /** Nothing known: recover every segment. */
        public static Options unclean() {
            return new Options(false, 0, 0);
        }
    }

    private LogLoader() {}

    static Log load(Path dir, LogConfig config, Clock clock, Options options) throws IOException {
        Files.createDirectories(dir);
        cleanUpInterruptedWork(dir, config);
        TreeSet<Long> bases = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                SegmentFiles.baseOffsetOf(p, SegmentFiles.LOG).ifPresent(bases::add);
            }
        }
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        try {
            if (bases.isEmpty()) {
                long start = Math.max(0, options.logStartOffset());
                segments.put(start, LogSegment.create(dir, start, config));
                SegmentFiles.fsyncDirectory(dir);
            } else {
                // Every scanned segment is fsynced as it is recovered (LogSegment.onRolled).
                loadSegments(dir, config, options, bases, segments);
            }
            boolean restarted = restartEmptyIfStartPastEnd(dir, config, options.logStartOffset(), segments);
            LogSegment active = segments.lastEntry().getValue();
            active.makeActive(config.segmentIndexBytes());
            LeaderEpochCache epochs = LeaderEpochCache.load(dir);
            if (restarted) {
                epochs.clear();
            }
            epochs.truncateFromEnd(active.nextOffset());
            Log log = new Log(dir, config, clock, segments, epochs, options.logStartOffset());
            epochs.truncateFromStart(log.logStartOffset());
            // After a crash only snapshots of fsynced offsets are trusted; the rest is scanned.
            log.loadProducerState(options.cleanShutdown() && !restarted ? Long.MAX_VALUE : options.recoveryPoint());
            return log;
        } catch (IOException | RuntimeException e) {
            for (LogSegment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Returns true if any segment was scanned (its bytes may not have been fsynced yet). */
    private static boolean loadSegments(
            Path dir,
            LogConfig config,
            Options options,
            TreeSet<Long> bases,
            ConcurrentSkipListMap<Long, LogSegment> segments)
            throws IOException {
        Long recoverFrom = options.cleanShutdown() ? null : bases.floor(options.recoveryPoint());
        if (!options.cleanShutdown() && recoverFrom == null) {
            recoverFrom = bases.first();
        }
        boolean scanned = false;
        List<Long> ordered = new ArrayList<>(bases);
        for (int i = 0; i < ordered.size(); i++) {
            long base = ordered.get(i);
            LogSegment s = LogSegment.open(dir, base, config);
            boolean mustRecover = recoverFrom != null && base >= recoverFrom;
            int truncated = 0;
            try {
                if (!mustRecover) {
                    try {
                        s.loadTrustingIndexes();
                    } catch (IndexFile.CorruptIndexException e) {
                        mustRecover = true;
                    }
                }
                if (mustRecover) {
                    truncated = s.recover(config.maxMessageBytes(), config.segmentIndexBytes());
                    s.onRolled();
                    scanned = true;
                }
            } catch (IOException | RuntimeException e) {
                // Not yet in segments, whose members the caller closes: close this one here.
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            if (!segments.isEmpty() && segments.lastEntry().getValue().nextOffset() > base) {
                s.close();
                throw new IOException("segment " + SegmentFiles.log(dir, base) + " starts at offset " + base
                        + " but the previous segment ends at "
                        + (segments.lastEntry().getValue().nextOffset() - 1)
                        + "; the partition directory was modified by hand");
            }
            segments.put(base, s);
            if (truncated > 0 && i + 1 < ordered.size()) {
                // Nothing after a torn or corrupt batch can be trusted to follow it.
                for (long later : ordered.subList(i + 1, ordered.size())) {
                    LogSegment doomed = LogSegment.open(dir, later, config);
                    doomed.delete();
                }
                break;
            }
        }
        return scanned;
    }

    /**
     * A persisted log start offset past the recovered end means a crash lost unflushed records that
     * delete-records had already moved the start past (the start is checkpointed at once, the
     * records only at the next flush). As Kafka does, the log restarts empty at that start, so that
     * offsets below it are never handed out again.
     */
    private static boolean restartEmptyIfStartPastEnd(
            Path dir, LogConfig config, long logStartOffset, ConcurrentSkipListMap<Long, LogSegment> segments)
            throws IOException {
        if (logStartOffset <= segments.lastEntry().getValue().nextOffset()) {
            return false;
        }
        for (LogSegment s : new ArrayList<>(segments.values())) {
            segments.remove(s.baseOffset());
            s.delete();
        }
        segments.put(logStartOffset, LogSegment.create(dir, logStartOffset, config));
        SegmentFiles.fsyncDirectory(dir);
        return true;
    }

    static Path swapFile(Path dir, long baseOffset) {
        return dir.resolve(SegmentFiles.base(baseOffset) + SegmentFiles.LOG + SegmentFiles.SWAP);
    }

    static Path cleanedFile(Path dir, long baseOffset) {
        return dir.resolve(SegmentFiles.base(baseOffset) + SegmentFiles.LOG + SegmentFiles.CLEANED);
    }

    /**
     * Deletes compaction outputs that never reached their commit point ({@code .cleaned}) and temp
     * files, and completes those that did ({@code .swap}).
     */
    private static void cleanUpInterruptedWork(Path dir, LogConfig config) throws IOException {
        List<Long> swaps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(SegmentFiles.CLEANED) || name.endsWith(".tmp")) {
                    Files.delete(p);
                }
                OptionalLong swap = SegmentFiles.baseOffsetOf(p, SegmentFiles.LOG + SegmentFiles.SWAP);
                swap.ifPresent(swaps::add);
            }
        }
        for (long base : swaps) {
            completeSwap(dir, base, config).close();
        }
    }

    /**
     * Replaces segment {@code base} by its compacted copy in {@code .swap}: deletes the old files,
     * renames the copy into place, rebuilds its indexes. Safe to repeat after a crash at any step.
     */
    static LogSegment completeSwap(Path dir, long base, LogConfig config) throws IOException {
        Files.deleteIfExists(SegmentFiles.index(dir, base));
        Files.deleteIfExists(SegmentFiles.timeIndex(dir, base));
        Files.move(
                swapFile(dir, base),
                SegmentFiles.log(dir, base),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.fsyncDirectory(dir);
        LogSegment s = LogSegment.open(dir, base, config);
        s.recover(config.maxMessageBytes(), config.segmentIndexBytes());
        s.onRolled();
        return s;
    }
}
