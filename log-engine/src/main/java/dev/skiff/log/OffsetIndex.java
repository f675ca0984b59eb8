package dev.skiff.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The sparse {@code .index} of a segment: 8-byte entries of (offset relative to the segment's base
 * offset, int32; byte position of the batch in the {@code .log} file, int32). Each entry names the
 * last offset of a batch and that batch's position, so a floor lookup gives a position from which a
 * forward scan reaches any larger offset. Kafka's format.
 */
final class OffsetIndex extends IndexFile {
    static final int ENTRY_BYTES = 8;

    /** A floor lookup answer: scanning from {@code position} reaches every offset > {@code offset}. */
    record Entry(long offset, int position) {}

    OffsetIndex(Path path, long baseOffset, int maxIndexBytes) throws IOException {
        super(path, baseOffset, maxIndexBytes, ENTRY_BYTES);
    }

    /** Appends (offset, position); offsets and positions must grow. The caller checks {@link #isFull}. */
    void append(long offset, int position) {
        int n = entries();
        if (n > 0 && offset <= key(n - 1)) {
            throw new IllegalStateException("offset index entry " + offset + " is not larger than the last entry "
                    + key(n - 1) + " in " + path());
        }
        map().putInt(slot(n), relative(offset));
        map().putInt(slot(n) + 4, position);
        publish(n);
    }

    /** The last entry with offset at most {@code target}, or (baseOffset - 1, 0) if there is none. */
    Entry lookup(long target) {
        int n = floorEntry(target);
        return n < 0 ? new Entry(baseOffset - 1, 0) : new Entry(key(n), map().getInt(slot(n) + 4));
    }

    Entry lastEntry() {
        int n = entries();
        return n == 0 ? new Entry(baseOffset - 1, 0) : new Entry(key(n - 1), map().getInt(slot(n - 1) + 4));
    }

    /** Removes every entry for offsets at or after {@code offset}. */
    void truncateTo(long offset) {
        truncateToEntries(floorEntry(offset - 1) + 1);
    }

    @Override
    protected long key(int n) {
        return baseOffset + map().getInt(slot(n));
    }

    @Override
    void sanityCheck(long segmentNextOffset, int segmentSizeBytes) throws CorruptIndexException {
        long previousOffset = baseOffset - 1;
        int previousPosition = -1;
        for (int i = 0; i < entries(); i++) {
            long offset = key(i);
            int position = map().getInt(slot(i) + 4);
            if (offset <= previousOffset
                    || position <= previousPosition
                    || position >= segmentSizeBytes
                    || offset >= segmentNextOffset) {
                throw new CorruptIndexException(path() + " entry " + i + " (offset " + offset + ", position " + position
                        + ") is out of order or past the end of its segment");
            }
            previousOffset = offset;
            previousPosition = position;
        }
    }

    private int relative(long offset) {
        long delta = offset - baseOffset;
        if (delta < 0 || delta > Integer.MAX_VALUE) {
            throw new IllegalStateException("offset " + offset + " does not fit the index of segment " + baseOffset);
        }
        return (int) delta;
    }
}
