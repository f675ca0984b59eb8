package dev.skiff.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The sparse {@code .timeindex} of a segment: 12-byte entries of (timestamp, int64; offset relative
 * to the segment's base offset, int32), both non-decreasing. An entry says "every record up to this
 * offset has a timestamp at most this one". Kafka's format.
 */
final class TimeIndex extends IndexFile {
    static final int ENTRY_BYTES = 12;

    record Entry(long timestampMs, long offset) {}

    TimeIndex(Path path, long baseOffset, int maxIndexBytes) throws IOException {
        super(path, baseOffset, maxIndexBytes, ENTRY_BYTES);
    }

    /** Appends (timestamp, offset) if the timestamp is larger than the last entry's; else ignores it. */
    void maybeAppend(long timestampMs, long offset) {
        int n = entries();
        if (n > 0 && (timestampMs <= key(n - 1) || offset <= offsetAt(n - 1))) {
            return;
        }
        map().putLong(slot(n), timestampMs);
        map().putInt(slot(n) + 8, (int) (offset - baseOffset));
        publish(n);
    }

    /** The last entry with timestamp at most {@code timestampMs}, or (-1, baseOffset) if there is none. */
    Entry lookup(long timestampMs) {
        int n = floorEntry(timestampMs);
        return n < 0 ? new Entry(BatchHeader.NO_TIMESTAMP, baseOffset) : new Entry(key(n), offsetAt(n));
    }

    Entry lastEntry() {
        int n = entries();
        return n == 0 ? new Entry(BatchHeader.NO_TIMESTAMP, baseOffset) : new Entry(key(n - 1), offsetAt(n - 1));
    }

    /** Removes every entry for offsets at or after {@code offset}. */
    void truncateTo(long offset) {
        int keep = 0;
        while (keep < entries() && offsetAt(keep) < offset) {
            keep++;
        }
        truncateToEntries(keep);
    }

    @Override
    protected long key(int n) {
        return map().getLong(slot(n));
    }

    private long offsetAt(int n) {
        return baseOffset + map().getInt(slot(n) + 8);
    }

    @Override
    void sanityCheck(long segmentNextOffset, int segmentSizeBytes) throws CorruptIndexException {
        long previousTs = Long.MIN_VALUE;
        long previousOffset = baseOffset - 1;
        for (int i = 0; i < entries(); i++) {
            long ts = key(i);
            long offset = offsetAt(i);
            if (ts < previousTs || offset < previousOffset || offset < baseOffset || offset >= segmentNextOffset) {
                throw new CorruptIndexException(path() + " entry " + i + " (timestamp " + ts + ", offset " + offset
                        + ") is out of order or past the end of its segment");
            }
            previousTs = ts;
            previousOffset = offset;
        }
    }
}
