package dev.skiff.log;

import static dev.skiff.log.LogTestSupport.batch;
import static dev.skiff.log.LogTestSupport.readAll;
import static dev.skiff.log.LogTestSupport.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);

    @Test
    void writesHiConsumerIntoTheFirstSegmentFile() throws Exception {
        Path dir = tmp.resolve("quickstart-0");
        try (Log log = LogTestSupport.open(dir, LogConfig.defaults(), clock)) {
            AppendInfo info = log.appendAsLeader(batch(clock.millis(), "hi consumer"), 0);
            assertEquals(0, info.firstOffset());
            assertEquals(1, log.logEndOffset());
        }
        byte[] file = Files.readAllBytes(dir.resolve("00000000000000000000.log"));
        String asLatin1 = new String(file, StandardCharsets.ISO_8859_1);
        assertTrue(asLatin1.contains("hi consumer"), "segment bytes contain the message");
        assertTrue(Files.exists(dir.resolve("00000000000000000000.index")));
        assertTrue(Files.exists(dir.resolve("00000000000000000000.timeindex")));
    }

    @Test
    void assignsOffsetsAndReadsBackEveryCodec() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), LogConfig.defaults(), clock)) {
            long expected = 0;
            for (Compression c : Compression.values()) {
                AppendInfo info = log.appendAsLeader(batch(c, clock.millis(), "a-" + c, "b-" + c), 3);
                assertEquals(expected, info.firstOffset());
                assertEquals(expected + 1, info.lastOffset());
                expected += 2;
            }
            List<LogRecord> all = readAll(log);
            assertEquals(10, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i).offset());
            }
            assertEquals("a-ZSTD", str(all.get(8).value()));
            assertEquals(3, log.leaderEpochCache().latestEpoch());
        }
    }

    @Test
    void rejectsBadCrcAndLeavesTheLogUnchanged() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), LogConfig.defaults(), clock)) {
            log.appendAsLeader(batch(clock.millis(), "ok"), 0);
            ByteBuffer bad = batch(clock.millis(), "flipped");
            bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 1));
            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(bad, 0));
            assertEquals(LogError.CORRUPT_MESSAGE, e.error());
            assertEquals(1, log.logEndOffset());
            assertEquals(1, readAll(log).size());
        }
    }

    @Test
    void rejectsBatchOverMaxMessageBytes() throws Exception {
        LogConfig config = LogConfig.defaults().with(java.util.Map.of("max.message.bytes", "100"));
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), config, clock)) {
            LogException e = assertThrows(
                    LogException.class, () -> log.appendAsLeader(batch(clock.millis(), "x".repeat(200)), 0));
            assertEquals(LogError.MESSAGE_TOO_LARGE, e.error());
            assertEquals(0, log.logEndOffset());
        }
    }

    @Test
    void reopensAfterCloseWithSameContents() throws Exception {
        Path dir = tmp.resolve("t-0");
        LogConfig config = LogConfig.defaults().with(java.util.Map.of("segment.bytes", "300"));
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch(clock.millis(), "value-" + i), 1);
            }
            assertTrue(log.segmentCount() > 1);
        }
        try (Log log = Log.open(dir, config, clock, new LogLoader.Options(true, 20, 0))) {
            assertEquals(20, log.logEndOffset());
            List<LogRecord> all = readAll(log);
            assertEquals(20, all.size());
            assertArrayEquals(
                    "value-19".getBytes(StandardCharsets.UTF_8), all.get(19).value());
        }
    }
}
