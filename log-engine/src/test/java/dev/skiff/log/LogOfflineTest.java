package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** After an I/O failure a log refuses every later operation, and a reopen recovers it (STYLE 7). */
class LogOfflineTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);

    @Test
    void failedWriteTakesTheLogOfflineForEveryLaterCall() throws Exception {
        Path dir = tmp.resolve("offline-0");
        Log log = Log.open(dir, CONFIG, clock, LogLoader.Options.unclean());
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(RecoveryFixture.batchNumber(i), 2);
        }
        log.flush();
        assertFalse(log.isOffline());
        log.abandon(); // the file handles are gone, as after a disk error

        LogOfflineException first =
                assertThrows(LogOfflineException.class, () -> log.appendAsLeader(RecoveryFixture.batchNumber(3), 2));
        assertInstanceOf(ClosedChannelException.class, first.getCause());
        assertTrue(first.getMessage().contains(dir.toString()), first.getMessage());
        assertTrue(log.isOffline());
        assertEquals(9, log.logEndOffset(), "the failed append did not advance the log");

        ByteBuffer corrupt = RecoveryFixture.batchNumber(3);
        corrupt.put(corrupt.limit() - 1, (byte) ~corrupt.get(corrupt.limit() - 1));
        ByteBuffer follower = RecoveryFixture.batchNumber(3);
        BatchHeader.setBaseOffset(follower, 0, 9);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("appendAsLeader", () -> log.appendAsLeader(RecoveryFixture.batchNumber(3), 2));
        calls.put("appendAsLeader(invalid)", () -> log.appendAsLeader(corrupt, 2));
        calls.put("appendAsFollower", () -> log.appendAsFollower(follower));
        calls.put("read", () -> log.read(0, 1 << 20, Long.MAX_VALUE, true));
        calls.put("offsetForTimestamp", () -> log.offsetForTimestamp(RecoveryFixture.T0_MS));
        calls.put("flush", log::flush);
        calls.put("flushUpTo", () -> log.flushUpTo(log.logEndOffset()));
        calls.put("maybeFlush", log::maybeFlush);
        calls.put("roll", log::roll);
        calls.put("truncateTo", () -> log.truncateTo(3));
        calls.put("truncateFullyAndStartAt", () -> log.truncateFullyAndStartAt(100));
        calls.put("deleteRecordsBefore", () -> log.deleteRecordsBefore(3));
        calls.put("deleteOldSegments", log::deleteOldSegments);
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                LogOfflineException e = assertThrows(LogOfflineException.class, call.getValue(), call.getKey());
                assertInstanceOf(ClosedChannelException.class, e.getCause(), call.getKey() + " names the first cause");
            }
        }
        assertEquals(0, log.logStartOffset());
        assertEquals(9, log.logEndOffset());
        log.close(); // shutting down an offline log must not fail

        try (Log reopened = Log.open(dir, CONFIG, clock, LogLoader.Options.unclean())) {
            assertFalse(reopened.isOffline());
            RecoveryFixture.assertHolds(reopened, 0, 9);
            assertEquals(
                    9,
                    reopened.appendAsLeader(RecoveryFixture.batchNumber(3), 2).firstOffset());
        }
    }

    @Test
    void failedFsyncTakesTheLogOffline() throws Exception {
        Path dir = tmp.resolve("offline-1");
        Log log = Log.open(dir, CONFIG, clock, LogLoader.Options.unclean());
        log.appendAsLeader(RecoveryFixture.batchNumber(0), 2);
        assertEquals(0, log.flushedOffset(), "interval policy: not yet fsynced");
        log.abandon();

        assertThrows(LogOfflineException.class, log::flush);
        assertTrue(log.isOffline());
        assertEquals(0, log.flushedOffset(), "nothing was made durable");
        assertThrows(LogOfflineException.class, () -> log.read(0, 1 << 20, Long.MAX_VALUE, true));
        assertThrows(LogOfflineException.class, log::flush);
        log.close();
    }
}
