package dev.skiff.log;

import static dev.skiff.log.LogTestSupport.batch;
import static dev.skiff.log.LogTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {
    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);

    private LogConfig config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("segment.bytes", "200"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return LogConfig.defaults().with(m);
    }

    @Test
    void rollsBySegmentBytes() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config(), clock)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch(clock.millis(), "value-" + i), 0);
            }
            assertTrue(log.segmentCount() >= 3, log.toString());
            List<Long> bases = log.segmentBaseOffsets();
            assertEquals(0L, bases.get(0));
            for (long base : bases) {
                assertTrue(Files.exists(log.dir().resolve(String.format("%020d.log", base))));
            }
        }
    }

    @Test
    void rollsBySegmentMsAndWhenIndexIsFull() throws Exception {
        try (Log log = LogTestSupport.open(
                tmp.resolve("t-0"), config("segment.bytes", "100000", "segment.ms", "1000"), clock)) {
            log.appendAsLeader(batch(clock.millis(), "a"), 0);
            log.appendAsLeader(batch(clock.millis(), "b"), 0);
            assertEquals(1, log.segmentCount());
            clock.advanceMs(1001);
            log.appendAsLeader(batch(clock.millis(), "c"), 0);
            assertEquals(2, log.segmentCount());
            assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
        }
        LogConfig tinyIndex =
                config("segment.bytes", "100000", "segment.index.bytes", "24", "index.interval.bytes", "0");
        try (Log log = LogTestSupport.open(tmp.resolve("u-0"), tinyIndex, clock)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch(clock.millis(), "v" + i), 0);
            }
            assertTrue(log.segmentCount() >= 3, "two index entries per segment: " + log);
            assertEquals(10, readAll(log).size());
        }
    }

    @Test
    void deletesByTimeJudgedByNewestRecordNotFileMtime() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config("retention.ms", Long.toString(HOUR_MS)), clock)) {
            long old = clock.millis() - 2 * HOUR_MS;
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(batch(old, "old-" + i), 0);
            }
            log.roll();
            for (int i = 0; i < 3; i++) {
                log.appendAsLeader(batch(clock.millis(), "new-" + i), 0);
            }
            // Fresh mtimes on every file must not keep old records alive.
            for (long base : log.segmentBaseOffsets()) {
                Files.setLastModifiedTime(
                        log.dir().resolve(String.format("%020d.log", base)), FileTime.fromMillis(clock.millis()));
            }
            int deleted = log.deleteOldSegments();
            assertTrue(deleted >= 1);
            assertEquals(6, log.logStartOffset());
            List<LogRecord> left = readAll(log);
            assertEquals(3, left.size());
            assertEquals(6, left.get(0).offset());
            assertEquals(9, log.logEndOffset());
            LogException e = assertThrows(LogException.class, () -> log.read(0, 1000, Long.MAX_VALUE, true));
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error());
        }
    }

    @Test
    void expiredActiveSegmentIsRolledAndDeleted() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config("retention.ms", Long.toString(HOUR_MS)), clock)) {
            log.appendAsLeader(batch(clock.millis(), "a"), 0);
            clock.advanceMs(2 * HOUR_MS);
            assertEquals(1, log.deleteOldSegments());
            assertEquals(1, log.logStartOffset());
            assertEquals(1, log.logEndOffset());
            assertEquals(1, log.segmentCount());
            assertEquals(1, log.appendAsLeader(batch(clock.millis(), "b"), 0).firstOffset());
        }
    }

    @Test
    void deletesOldestSegmentsOverRetentionBytes() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config("retention.bytes", "400"), clock)) {
            for (int i = 0; i < 30; i++) {
                log.appendAsLeader(batch(clock.millis(), "value-" + i), 0);
            }
            long before = log.sizeBytes();
            log.deleteOldSegments();
            assertTrue(log.sizeBytes() < before);
            assertTrue(log.sizeBytes() >= 400, "deletes whole segments only while the rest stays >= the limit");
            assertTrue(log.sizeBytes() <= 400 + 200, "one more segment would have fit: " + log.sizeBytes());
            assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
            assertEquals(30, log.logEndOffset());
        }
    }

    @Test
    void deleteRecordsMovesStartAndLaterDropsWholeSegments() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config(), clock)) {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch(clock.millis(), "value-" + i), 0);
            }
            int segmentsBefore = log.segmentCount();
            assertEquals(7, log.deleteRecordsBefore(7));
            assertEquals(7, log.logStartOffset());
            assertEquals(7, readAll(log).get(0).offset());
            log.deleteOldSegments();
            assertTrue(log.segmentCount() < segmentsBefore);
            assertEquals(7, log.logStartOffset(), "start offset stays where delete-records put it");
            assertThrows(LogException.class, () -> log.deleteRecordsBefore(21));
        }
    }

    @Test
    void compactOnlyPolicyNeverDeletesByTime() throws Exception {
        try (Log log = LogTestSupport.open(
                tmp.resolve("t-0"), config("cleanup.policy", "compact", "retention.ms", "1"), clock)) {
            log.appendAsLeader(LogTestSupport.keyed(clock.millis(), "k", "v"), 0);
            clock.advanceMs(HOUR_MS);
            assertEquals(0, log.deleteOldSegments());
            assertFalse(readAll(log).isEmpty());
        }
    }
}
