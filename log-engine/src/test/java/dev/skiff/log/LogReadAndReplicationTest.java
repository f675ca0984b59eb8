package dev.skiff.log;

import static dev.skiff.log.LogTestSupport.batch;
import static dev.skiff.log.LogTestSupport.readAll;
import static dev.skiff.log.LogTestSupport.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReadAndReplicationTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);

    private Log threeBatches(String name) throws Exception {
        Log log = LogTestSupport.open(tmp.resolve(name), LogConfig.defaults(), clock);
        log.appendAsLeader(batch(1000, "a0", "a1", "a2"), 1);
        log.appendAsLeader(batch(2000, "b3", "b4"), 1);
        log.appendAsLeader(batch(3000, "c5", "c6", "c7"), 2);
        return log;
    }

    @Test
    void readStartsAtTheBatchContainingTheOffsetAndReturnsWholeBatches() throws Exception {
        try (Log log = threeBatches("t-0")) {
            LogSlice slice = log.read(4, 1 << 20, Long.MAX_VALUE, false).slice().orElseThrow();
            assertEquals(3, slice.firstOffset(), "batch b starts at 3");
            assertEquals(8, slice.nextOffset());
            assertEquals(List.of("b3", "b4", "c5", "c6", "c7"), values(slice.readAll()));
        }
    }

    @Test
    void readStopsBeforeMaxOffsetAndAtTheByteLimit() throws Exception {
        try (Log log = threeBatches("t-0")) {
            LogSlice belowHw = log.read(0, 1 << 20, 5, false).slice().orElseThrow();
            assertEquals(5, belowHw.nextOffset(), "high watermark 5 excludes batch c");
            int firstBatch =
                    log.read(0, 1 << 20, 3, false).slice().orElseThrow().sizeBytes();
            LogSlice limited =
                    log.read(0, firstBatch + 10, Long.MAX_VALUE, false).slice().orElseThrow();
            assertEquals(firstBatch, limited.sizeBytes(), "never a partial batch");
            assertEquals(
                    Optional.empty(), log.read(0, 10, Long.MAX_VALUE, false).slice());
            assertEquals(
                    firstBatch,
                    log.read(0, 10, Long.MAX_VALUE, true).slice().orElseThrow().sizeBytes());
            assertEquals(
                    Optional.empty(), log.read(8, 100, Long.MAX_VALUE, true).slice(), "at log end");
            LogException e = assertThrows(LogException.class, () -> log.read(9, 100, Long.MAX_VALUE, true));
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error());
        }
    }

    @Test
    void sliceTransfersWithoutHeapCopy() throws Exception {
        try (Log log = threeBatches("t-0")) {
            LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, false).slice().orElseThrow();
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            assertEquals(slice.sizeBytes(), slice.transferTo(Channels.newChannel(sink)));
            assertEquals(slice.readAll(), ByteBuffer.wrap(sink.toByteArray()));
        }
    }

    @Test
    void findsOffsetsByTimestamp() throws Exception {
        try (Log log = threeBatches("t-0")) {
            assertEquals(Optional.of(new TimestampOffset(0, 1000)), log.offsetForTimestamp(0));
            assertEquals(Optional.of(new TimestampOffset(3, 2000)), log.offsetForTimestamp(1500));
            assertEquals(Optional.of(new TimestampOffset(5, 3000)), log.offsetForTimestamp(3000));
            assertEquals(Optional.empty(), log.offsetForTimestamp(3001));
        }
    }

    @Test
    void logAppendTimeStampsTheLeadersClock() throws Exception {
        LogConfig lat = LogConfig.defaults().with(Map.of("message.timestamp.type", "LogAppendTime"));
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), lat, clock)) {
            AppendInfo info = log.appendAsLeader(batch(5, "x", "y"), 0);
            assertEquals(clock.millis(), info.logAppendTimeMs());
            for (LogRecord r : readAll(log)) {
                assertEquals(clock.millis(), r.timestampMs());
            }
            ByteBuffer stored = log.read(0, 1000, Long.MAX_VALUE, true)
                    .slice()
                    .orElseThrow()
                    .readAll();
            BatchHeader.validate(stored, 0, stored.limit(), Integer.MAX_VALUE);
            assertTrue(BatchHeader.isLogAppendTime(stored, 0));
        }
    }

    @Test
    void followerKeepsLeaderOffsetsAndEpochs() throws Exception {
        try (Log leader = threeBatches("leader-0");
                Log follower = LogTestSupport.open(tmp.resolve("follower-0"), LogConfig.defaults(), clock)) {
            ByteBuffer fetched = leader.read(0, 1 << 20, Long.MAX_VALUE, false)
                    .slice()
                    .orElseThrow()
                    .readAll();
            follower.appendAsFollower(fetched);
            assertEquals(8, follower.logEndOffset());
            assertEquals(
                    leader.leaderEpochCache().entries(),
                    follower.leaderEpochCache().entries());
            LogException e = assertThrows(
                    LogException.class,
                    () -> follower.appendAsFollower(leader.read(3, 1 << 20, Long.MAX_VALUE, false)
                            .slice()
                            .orElseThrow()
                            .readAll()));
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error());
        }
    }

    @Test
    void truncationRemovesWholeBatchesAndEpochsPastIt() throws Exception {
        try (Log log = threeBatches("t-0")) {
            log.truncateTo(5);
            assertEquals(5, log.logEndOffset());
            assertEquals(List.of("a0", "a1", "a2", "b3", "b4"), recordValues(log));
            assertEquals(1, log.leaderEpochCache().latestEpoch(), "epoch 2 started at 5 and is gone");
            log.truncateTo(4);
            assertEquals(3, log.logEndOffset(), "the batch containing offset 4 goes whole");
            assertEquals(3, log.appendAsLeader(batch(4000, "d"), 3).firstOffset());
            log.truncateFullyAndStartAt(100);
            assertEquals(100, log.logStartOffset());
            assertEquals(100, log.logEndOffset());
            assertEquals(100, log.appendAsLeader(batch(5000, "e"), 4).firstOffset());
        }
    }

    private static List<String> recordValues(Log log) throws Exception {
        return readAll(log).stream().map(r -> str(r.value())).toList();
    }

    private static List<String> values(ByteBuffer batches) {
        return KafkaRecordFormat.decode(batches).stream()
                .map(r -> str(r.value()))
                .toList();
    }
}
