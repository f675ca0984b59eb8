package dev.skiff.log;

import static dev.skiff.log.LogTestSupport.keyed;
import static dev.skiff.log.LogTestSupport.readAll;
import static dev.skiff.log.LogTestSupport.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);

    private LogConfig compacted() {
        return LogConfig.defaults()
                .with(Map.of("cleanup.policy", "compact", "segment.bytes", "300", "delete.retention.ms", "1000"));
    }

    @Test
    void keepsNewestValuePerKeyWithOriginalOffsets() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), compacted(), clock)) {
            Map<String, Long> newestOffset = new LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {
                String key = "k" + (i % 5);
                AppendInfo info = log.appendAsLeader(keyed(clock.millis(), key, "v" + i), 0);
                newestOffset.put(key, info.firstOffset());
            }
            long activeBase = log.segmentBaseOffsets().get(log.segmentCount() - 1);
            LogCleaner.CleanResult result = new LogCleaner(1000, clock).clean(log);
            assertTrue(result.segmentsRewritten() > 0);
            assertTrue(result.bytesAfter() < result.bytesBefore());

            List<LogRecord> after = readAll(log);
            long previous = -1;
            Map<String, Long> seenBelowActive = new LinkedHashMap<>();
            for (LogRecord r : after) {
                assertTrue(r.offset() > previous, "offsets strictly increase");
                previous = r.offset();
                if (r.offset() < activeBase) {
                    assertEquals(null, seenBelowActive.put(str(r.key()), r.offset()), "one record per key");
                    assertEquals("v" + r.offset(), str(r.value()), "value still sits at its original offset");
                }
            }
            assertEquals(60, log.logEndOffset());
            for (Map.Entry<String, Long> e : newestOffset.entrySet()) {
                assertTrue(after.stream().anyMatch(r -> r.offset() == e.getValue()), "newest of " + e.getKey());
            }
        }
    }

    @Test
    void dropsTombstonesOnlyAfterDeleteRetention() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), compacted(), clock)) {
            log.appendAsLeader(keyed(clock.millis(), "gone", "v0"), 0);
            long tombstone =
                    log.appendAsLeader(keyed(clock.millis(), "gone", null), 0).firstOffset();
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(keyed(clock.millis(), "other" + i, "x"), 0);
            }
            log.roll();
            LogCleaner cleaner = new LogCleaner(1000, clock);
            cleaner.clean(log);
            List<LogRecord> first = readAll(log);
            LogRecord kept = first.stream()
                    .filter(r -> r.offset() == tombstone)
                    .findFirst()
                    .orElseThrow();
            assertNull(kept.value(), "tombstone kept within delete.retention.ms");
            assertTrue(first.stream().noneMatch(r -> r.offset() == 0), "older value of the key is gone");

            clock.advanceMs(1001);
            cleaner.clean(log);
            assertTrue(readAll(log).stream().noneMatch(r -> "gone".equals(str(r.key()))), "tombstone dropped");
        }
    }

    @Test
    void neverTouchesTheActiveSegment() throws Exception {
        LogConfig big = LogConfig.defaults().with(Map.of("cleanup.policy", "compact"));
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), big, clock)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(keyed(clock.millis(), "same", "v" + i), 0);
            }
            assertEquals(0, new LogCleaner(1000, clock).clean(log).segmentsRewritten());
            assertEquals(10, readAll(log).size());
        }
    }

    @Test
    void boundedKeyMapCleansOnlyThePrefixThatFits() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), compacted(), clock)) {
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(keyed(clock.millis(), "k" + (i % 5), "v" + i), 0);
            }
            for (int i = 40; i < 80; i++) {
                log.appendAsLeader(keyed(clock.millis(), "u" + i, "v" + i), 0);
            }
            log.roll();
            new LogCleaner(10, clock).clean(log);
            List<LogRecord> after = readAll(log);
            assertEquals(
                    5, after.stream().filter(r -> str(r.key()).startsWith("k")).count(), "prefix compacted");
            assertEquals(
                    40, after.stream().filter(r -> str(r.key()).startsWith("u")).count(), "rest untouched");
        }
    }

    @Test
    void compactedTopicRefusesRecordsWithoutKey() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), compacted(), clock)) {
            LogException e = assertThrows(
                    LogException.class, () -> log.appendAsLeader(LogTestSupport.batch(clock.millis(), "no key"), 0));
            assertEquals(LogError.INVALID_RECORD, e.error());
        }
    }

    @Test
    void survivesReopenAfterCleaning() throws Exception {
        Path dir = tmp.resolve("t-0");
        try (Log log = LogTestSupport.open(dir, compacted(), clock)) {
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(keyed(clock.millis(), "k" + (i % 4), "v" + i), 0);
            }
            log.roll();
            new LogCleaner(1000, clock).clean(log);
        }
        try (Log log = LogTestSupport.open(dir, compacted(), clock)) {
            List<LogRecord> all = readAll(log);
            assertEquals(4, all.size());
            assertEquals(
                    List.of(36L, 37L, 38L, 39L),
                    all.stream().map(LogRecord::offset).toList());
            assertEquals(40, log.logEndOffset());
        }
    }
}
