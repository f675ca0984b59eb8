package dev.skiff.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A memory-mapped file of fixed-size entries sorted by offset (and, for the time index, by
 * timestamp), as Kafka lays out its {@code .index} and {@code .timeindex} files. The file is
 * preallocated to {@code segment.index.bytes} while its segment is active and trimmed to its
 * entries when the segment rolls or closes.
 *
 * <p>Threads: one appender (the log's owner) adds and truncates entries; readers search
 * concurrently using absolute reads only, up to the published {@link #entries()} count.
 */
abstract sealed class IndexFile implements Closeable permits OffsetIndex, TimeIndex {
    protected final long baseOffset;
    private final int entryBytes;
    private Path path;
    private volatile MappedByteBuffer map;
    private volatile int entries;
    private int maxEntries;

    IndexFile(Path path, long baseOffset, int maxIndexBytes, int entryBytes) throws IOException {
        this.path = path;
        this.baseOffset = baseOffset;
        this.entryBytes = entryBytes;
        boolean existed = Files.exists(path) && Files.size(path) > 0;
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            long length = existed ? raf.length() : roundDown(maxIndexBytes);
            if (length % entryBytes != 0) {
                throw new CorruptIndexException(path + " has " + length + " bytes, not a multiple of " + entryBytes);
            }
            this.entries = existed ? (int) (length / entryBytes) : 0;
            remap(raf, length);
        }
    }

    /** An index whose bytes cannot be trusted; the segment rebuilds it from the log. */
    static final class CorruptIndexException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptIndexException(String message) {
            super(message);
        }
    }

    final Path path() {
        return path;
    }

    final int entries() {
        return entries;
    }

    final boolean isFull() {
        return entries >= maxEntries;
    }

    final int entryBytes() {
        return entryBytes;
    }

    protected final MappedByteBuffer map() {
        return map;
    }

    /** Position in the file of entry {@code n}. */
    protected final int slot(int n) {
        return n * entryBytes;
    }

    /** Makes entry {@code n}, already written at {@link #slot}, visible to readers. */
    protected final void publish(int n) {
        entries = n + 1;
    }

    /** Drops entries from {@code n} on. */
    protected final void truncateToEntries(int n) {
        entries = Math.max(0, Math.min(n, entries));
    }

    /**
     * The index of the last entry whose key is at most {@code target}, or -1. Keys are
     * non-decreasing in entry order.
     */
    protected final int floorEntry(long target) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (key(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The sort key of entry {@code n}. */
    protected abstract long key(int n);

    /** Checks the entries against the segment they index; throws if the file cannot be trusted. */
    abstract void sanityCheck(long segmentNextOffset, int segmentSizeBytes) throws CorruptIndexException;

    void resetEntries() {
        entries = 0;
    }

    /** Grows or shrinks the file; used to preallocate the active segment's index and to trim it. */
    final void resize(int maxIndexBytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            remap(raf, Math.max(roundDown(maxIndexBytes), (long) entries * entryBytes));
        }
    }

    /** Trims the file to its entries, so a clean reopen knows the count from the length. */
    final void trimToEntries() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            remap(raf, (long) entries * entryBytes);
        }
    }

    final void flush() {
        map.force();
    }

    final void renameTo(Path target) throws IOException {
        Files.move(path, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        path = target;
    }

    @Override
    public void close() throws IOException {
        trimToEntries();
    }

    private void remap(RandomAccessFile raf, long length) throws IOException {
        raf.setLength(length);
        // The old mapping stays valid for readers that still hold it and is released by the GC; an
        // explicit unmap could crash a concurrent reader.
        map = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        maxEntries = (int) (length / entryBytes);
    }

    private long roundDown(int bytes) {
        return (long) (bytes / entryBytes) * entryBytes;
    }
}
