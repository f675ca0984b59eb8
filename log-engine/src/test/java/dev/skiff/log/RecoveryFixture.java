package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A log of {@link #BATCHES} batches of {@link #RECORDS_PER_BATCH} records over several small
 * segments, and tools to damage its files the way crashes and bad disks do. Batch {@code i} holds
 * offsets {@code 3i..3i+2}, the values {@code b<i>-r<j>}, and CreateTime {@link #timestampOf(int)}.
 */
final class RecoveryFixture {
    static final int BATCHES = 44;
    static final int RECORDS_PER_BATCH = 3;
    static final long END_OFFSET = (long) BATCHES * RECORDS_PER_BATCH;
    static final long T0_MS = 1_700_000_000_000L;

    /** ~9 batches of ~110 bytes per segment, an index entry every ~2 batches, small index files. */
    static final LogConfig CONFIG = LogConfig.defaults()
            .with(Map.of(
                    LogConfig.SEGMENT_BYTES, "1024",
                    LogConfig.INDEX_INTERVAL_BYTES, "128",
                    LogConfig.SEGMENT_INDEX_BYTES, "4096",
                    LogConfig.FLUSH_POLICY, "interval"));

    private RecoveryFixture() {}

    /** Where a batch lies in a segment file. */
    record BatchAt(int position, int sizeBytes, long baseOffset, long lastOffset) {}

    static long timestampOf(int batch) {
        return T0_MS + batch * 1000L;
    }

    static String valueAt(long offset) {
        return String.format(Locale.ROOT, "b%03d-r%d", offset / RECORDS_PER_BATCH, offset % RECORDS_PER_BATCH);
    }

    static ByteBuffer batchNumber(int i) {
        String[] values = new String[RECORDS_PER_BATCH];
        for (int j = 0; j < RECORDS_PER_BATCH; j++) {
            values[j] = valueAt((long) i * RECORDS_PER_BATCH + j);
        }
        return LogTestSupport.batch(timestampOf(i), values);
    }

    /** Opens a new log in {@code dir} and appends every batch; the log is left open. */
    static Log writeLog(Path dir, LogTestSupport.ManualClock clock) throws IOException {
        Log log = Log.open(dir, CONFIG, clock, LogLoader.Options.unclean());
        for (int i = 0; i < BATCHES; i++) {
            clock.setMs(timestampOf(i));
            AppendInfo info = log.appendAsLeader(batchNumber(i), 7);
            assertEquals((long) i * RECORDS_PER_BATCH, info.firstOffset());
        }
        log.flush();
        assertEquals(END_OFFSET, log.logEndOffset());
        assertTrue(log.segmentCount() >= 4, "the fixture spans several segments: " + log.segmentBaseOffsets());
        return log;
    }

    /** Asserts that the log holds exactly the fixture's records in {@code [from, to)}. */
    static void assertHolds(Log log, long from, long to) throws IOException {
        assertEquals(from, log.logStartOffset(), "log start offset");
        assertEquals(to, log.logEndOffset(), "log end offset");
        List<LogRecord> all = LogTestSupport.readAll(log);
        assertEquals(to - from, all.size(), "record count");
        for (int i = 0; i < all.size(); i++) {
            LogRecord r = all.get(i);
            assertEquals(from + i, r.offset());
            assertEquals(valueAt(r.offset()), LogTestSupport.str(r.value()), "value at offset " + r.offset());
            assertEquals(timestampOf((int) (r.offset() / RECORDS_PER_BATCH)), r.timestampMs());
        }
    }

    /** The batches of a segment file, read by their headers only. */
    static List<BatchAt> batchesIn(Path logFile) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(logFile));
        List<BatchAt> out = new ArrayList<>();
        for (int pos = 0; pos + BatchHeader.HEADER_BYTES <= bytes.limit(); ) {
            int size = BatchHeader.sizeBytes(bytes, pos);
            out.add(new BatchAt(pos, size, BatchHeader.baseOffset(bytes, pos), BatchHeader.lastOffset(bytes, pos)));
            pos += size;
        }
        return out;
    }

    /** Flips one bit of the byte at {@code position}. */
    static void flipBit(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, ch.read(one, position));
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            assertEquals(1, ch.write(one, position));
        }
    }

    /** Flips a bit inside the first record of {@code batch}, where only the CRC can notice it. */
    static void corruptRecords(Path logFile, BatchAt batch) throws IOException {
        flipBit(logFile, batch.position() + BatchHeader.HEADER_BYTES + 4L);
    }

    static void truncate(Path file, long sizeBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(sizeBytes);
        }
    }

    static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    static Path logFile(Path dir, long base) {
        return SegmentFiles.log(dir, base);
    }
}
