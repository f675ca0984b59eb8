package dev.skiff.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leader epoch → first offset of that epoch, for one partition, persisted to {@code
 * leader-epoch-checkpoint} (Kafka's format: version, count, then {@code epoch startOffset} lines) on
 * every change. Answers "end offset for epoch E" for follower truncation (KIP-101, KIP-279).
 *
 * <p>Invariant: epochs and start offsets are both strictly increasing. Threads: mutated by the log's
 * owner; reads are synchronized with it.
 */
public final class LeaderEpochCache {
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;

    /** An epoch and the offset at which it starts. */
    public record EpochEntry(int epoch, long startOffset) {}

    /** The answer to "end offset for epoch E": the largest known epoch ≤ E and where it ends. */
    public record EpochEndOffset(int epoch, long endOffset) {}

    private final Path file;
    private final List<EpochEntry> entries = new ArrayList<>();

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    static LeaderEpochCache load(Path dir) throws IOException {
        LeaderEpochCache cache = new LeaderEpochCache(dir.resolve(FILE_NAME));
        for (String line : CheckpointFile.read(cache.file)) {
            String[] parts = line.trim().split("\\s+");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException("expected 'epoch startOffset'");
                }
                cache.entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                throw new IOException(cache.file + " has a bad line '" + line + "'", e);
            }
        }
        for (int i = 1; i < cache.entries.size(); i++) {
            EpochEntry a = cache.entries.get(i - 1);
            EpochEntry b = cache.entries.get(i);
            if (b.epoch() <= a.epoch() || b.startOffset() < a.startOffset()) {
                throw new IOException(cache.file + " is not increasing at " + a + ", " + b);
            }
        }
        return cache;
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    public synchronized Optional<EpochEntry> latest() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    public synchronized int latestEpoch() {
        return entries.isEmpty()
                ? UNDEFINED_EPOCH
                : entries.get(entries.size() - 1).epoch();
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. A repeat of the latest epoch is
     * ignored; entries that the new one contradicts (same or larger epoch, same or larger start) are
     * dropped first.
     */
    public synchronized void assign(int epoch, long startOffset) throws IOException {
        if (epoch < 0) {
            return;
        }
        if (!entries.isEmpty() && entries.get(entries.size() - 1).epoch() == epoch) {
            return;
        }
        entries.removeIf(e -> e.epoch() >= epoch || e.startOffset() >= startOffset);
        entries.add(new EpochEntry(epoch, startOffset));
        flush();
    }

    /**
     * The end offset of {@code requestedEpoch}: for the latest epoch, the log end offset; for an
     * older one, the start offset of the next larger epoch, paired with the largest epoch ≤ the one
     * asked for. (UNDEFINED, UNDEFINED) if every known epoch is larger.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        EpochEntry floor = null;
        for (EpochEntry e : entries) {
            if (e.epoch() <= requestedEpoch) {
                floor = e;
            } else {
                return floor == null
                        ? new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET)
                        : new EpochEndOffset(floor.epoch(), e.startOffset());
            }
        }
        return floor == null
                ? new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET)
                : new EpochEndOffset(floor.epoch(), logEndOffset);
    }

    /** Drops the entries of epochs that start at or after {@code endOffset} (the log was truncated). */
    public synchronized void truncateFromEnd(long endOffset) throws IOException {
        if (entries.removeIf(e -> e.startOffset() >= endOffset)) {
            flush();
        }
    }

    /**
     * Drops entries wholly below the new log start offset; the epoch that contains it now starts
     * there.
     */
    public synchronized void truncateFromStart(long startOffset) throws IOException {
        int keepFrom = 0;
        while (keepFrom + 1 < entries.size() && entries.get(keepFrom + 1).startOffset() <= startOffset) {
            keepFrom++;
        }
        if (entries.isEmpty() || (keepFrom == 0 && entries.get(0).startOffset() >= startOffset)) {
            return;
        }
        EpochEntry first = entries.get(keepFrom);
        List<EpochEntry> kept = new ArrayList<>(entries.subList(keepFrom, entries.size()));
        kept.set(0, new EpochEntry(first.epoch(), Math.max(first.startOffset(), startOffset)));
        entries.clear();
        entries.addAll(kept);
        flush();
    }

    public synchronized void clear() throws IOException {
        entries.clear();
        flush();
    }

    private void flush() throws IOException {
        List<String> lines = new ArrayList<>(entries.size());
        for (EpochEntry e : entries) {
            lines.add(e.epoch() + " " + e.startOffset());
        }
        CheckpointFile.write(file, lines);
    }
}
