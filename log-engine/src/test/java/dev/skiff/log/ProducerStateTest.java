package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent producers against a real file log: dedupe, refusals, and state rebuilt on open. */
class ProducerStateTest {
    private static final long PID = 1000;
    private static final int LEADER_EPOCH = 3;

    @TempDir
    Path tmp;

    private Path dir;
    private LogTestSupport.ManualClock clock;
    private LogConfig config;

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("t-0");
        clock = new LogTestSupport.ManualClock(1_000_000);
        config = LogConfig.defaults();
    }

    static ByteBuffer idem(long pid, int epoch, int seq, String... values) {
        List<RecordData> records = new ArrayList<>();
        for (String v : values) {
            records.add(new RecordData(null, LogTestSupport.utf8(v), 1_000_000));
        }
        return KafkaRecordFormat.encode(
                0, Compression.NONE, TimestampType.CREATE_TIME, pid, (short) epoch, seq, records);
    }

    private static LogError refusal(Log log, ByteBuffer batch) {
        return assertThrows(LogException.class, () -> log.appendAsLeader(batch, LEADER_EPOCH))
                .error();
    }

    @Test
    void aRetriedBatchGetsItsOriginalOffsetsAndIsNotWrittenAgain() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            log.appendAsLeader(LogTestSupport.batch(1, "plain"), LEADER_EPOCH);
            AppendInfo first = log.appendAsLeader(idem(PID, 0, 0, "a", "b"), LEADER_EPOCH);
            AppendInfo second = log.appendAsLeader(idem(PID, 0, 2, "c"), LEADER_EPOCH);
            AppendInfo retry = log.appendAsLeader(idem(PID, 0, 0, "a", "b"), LEADER_EPOCH);
            assertEquals(1, first.firstOffset());
            assertEquals(2, first.lastOffset());
            assertTrue(retry.duplicate());
            assertEquals(first.firstOffset(), retry.firstOffset());
            assertEquals(first.lastOffset(), retry.lastOffset());
            assertEquals(3, second.firstOffset());
            assertEquals(4, log.logEndOffset());
            assertEquals(4, LogTestSupport.readAll(log).size());
        }
    }

    @Test
    void onlyTheLastFiveBatchesAreRecognized() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            for (int seq = 0; seq < 6; seq++) {
                log.appendAsLeader(idem(PID, 0, seq, "v" + seq), LEADER_EPOCH);
            }
            assertTrue(log.appendAsLeader(idem(PID, 0, 1, "v1"), LEADER_EPOCH).duplicate());
            assertEquals(LogError.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(log, idem(PID, 0, 0, "v0")));
            assertEquals(6, log.logEndOffset());
        }
    }

    @Test
    void gapsStaleEpochsAndUnknownProducersAreRefusedAndTheLogIsUnchanged() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            assertEquals(LogError.UNKNOWN_PRODUCER_ID, refusal(log, idem(PID, 0, 5, "x")));
            log.appendAsLeader(idem(PID, 1, 0, "a"), LEADER_EPOCH);
            assertEquals(LogError.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(log, idem(PID, 1, 2, "gap")));
            assertEquals(LogError.INVALID_PRODUCER_EPOCH, refusal(log, idem(PID, 0, 1, "old")));
            assertEquals(LogError.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(log, idem(PID, 2, 1, "new epoch, not 0")));
            assertEquals(1, log.logEndOffset());
            AppendInfo bumped = log.appendAsLeader(idem(PID, 2, 0, "b"), LEADER_EPOCH);
            assertFalse(bumped.duplicate());
            assertEquals(LogError.INVALID_PRODUCER_EPOCH, refusal(log, idem(PID, 1, 1, "fenced")));
            assertEquals(2, log.logEndOffset());
        }
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            log.appendAsLeader(idem(PID, 0, 0, "first"), LEADER_EPOCH);
            log.writeLock().lock();
            try {
                log.producerState().update(PID, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1, 0, 0, 1);
            } finally {
                log.writeLock().unlock();
            }
            AppendInfo across = log.appendAsLeader(idem(PID, 0, Integer.MAX_VALUE, "x", "y"), LEADER_EPOCH);
            assertFalse(across.duplicate());
            log.appendAsLeader(idem(PID, 0, 1, "z"), LEADER_EPOCH);
            assertEquals(3, log.logEndOffset() - 1);
        }
    }

    @Test
    void anIdempotentRequestHoldsOneBatch() throws IOException {
        ByteBuffer a = idem(PID, 0, 0, "a");
        ByteBuffer b = idem(PID, 0, 1, "b");
        ByteBuffer both =
                ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            assertEquals(LogError.INVALID_RECORD, refusal(log, both));
        }
    }

    @Test
    void aCleanCloseWritesASnapshotThatTheReopenedLogUses() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
            log.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH);
        }
        assertTrue(Files.exists(dir.resolve("00000000000000000002.snapshot")));
        try (Log log = Log.open(dir, config, clock, new LogLoader.Options(true, 2, 0))) {
            assertEquals(1, log.producerState().entry(PID).orElseThrow().lastSequence());
            AppendInfo retry = log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
            assertTrue(retry.duplicate());
            assertEquals(0, retry.firstOffset());
            assertEquals(
                    2, log.appendAsLeader(idem(PID, 0, 2, "c"), LEADER_EPOCH).firstOffset());
        }
    }

    @Test
    void afterAnUncleanShutdownTheStateIsRebuiltByScanning() throws IOException {
        Log log = LogTestSupport.open(dir, config, clock);
        log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
        log.appendAsLeader(idem(PID + 1, 4, 0, "x"), LEADER_EPOCH);
        log.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH);
        log.abandon();
        try (Log reopened = LogTestSupport.open(dir, config, clock)) {
            assertTrue(
                    reopened.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH).duplicate());
            assertTrue(reopened.appendAsLeader(idem(PID + 1, 4, 0, "x"), LEADER_EPOCH)
                    .duplicate());
            assertEquals(LogError.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(reopened, idem(PID, 0, 3, "gap")));
            assertEquals(3, reopened.logEndOffset());
        }
    }

    @Test
    void rollsSnapshotAndACorruptSnapshotFallsBackToAnOlderOneAndAScan() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
            log.roll();
            log.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH);
            log.roll();
            log.appendAsLeader(idem(PID, 0, 2, "c"), LEADER_EPOCH);
        }
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(ProducerSnapshotFile.list(dir)));
        Path newest = ProducerSnapshotFile.file(dir, 3);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        try (Log log = Log.open(dir, config, clock, new LogLoader.Options(true, 3, 0))) {
            assertFalse(Files.exists(newest), "the corrupt snapshot is deleted");
            assertEquals(2, log.producerState().entry(PID).orElseThrow().lastSequence());
            assertTrue(log.appendAsLeader(idem(PID, 0, 2, "c"), LEADER_EPOCH).duplicate());
        }
    }

    @Test
    void truncationRebuildsTheStateFromTheLog() throws IOException {
        try (Log log = LogTestSupport.open(dir, config, clock)) {
            log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
            log.roll();
            log.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH);
            log.roll();
            log.appendAsLeader(idem(PID, 0, 2, "c"), LEADER_EPOCH);
            log.truncateTo(2);
            assertEquals(1, log.producerState().entry(PID).orElseThrow().lastSequence());
            assertTrue(log.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH).duplicate());
            assertEquals(
                    2, log.appendAsLeader(idem(PID, 0, 2, "c2"), LEADER_EPOCH).firstOffset());
            log.truncateTo(1);
            assertEquals(LogError.OUT_OF_ORDER_SEQUENCE_NUMBER, refusal(log, idem(PID, 0, 3, "d")));
            assertEquals(List.of(1L), List.copyOf(ProducerSnapshotFile.list(dir)));
            log.truncateFullyAndStartAt(10);
            assertEquals(0, log.producerState().producerCount());
            assertEquals(LogError.UNKNOWN_PRODUCER_ID, refusal(log, idem(PID, 0, 1, "b")));
            assertTrue(ProducerSnapshotFile.list(dir).isEmpty());
        }
    }

    @Test
    void followersBuildTheSameStateSoANewLeaderRecognizesRetries() throws IOException {
        Path leaderDir = tmp.resolve("t-1");
        try (Log leader = LogTestSupport.open(leaderDir, config, clock);
                Log follower = LogTestSupport.open(dir, config, clock)) {
            ByteBuffer b0 = idem(PID, 0, 0, "a");
            leader.appendAsLeader(b0, LEADER_EPOCH);
            follower.appendAsFollower(b0.rewind());
            assertTrue(follower.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH + 1)
                    .duplicate());
            assertEquals(
                    1,
                    follower.appendAsLeader(idem(PID, 0, 1, "b"), LEADER_EPOCH + 1)
                            .firstOffset());
        }
    }

    @Test
    void producersExpireAndRetentionKeepsThemWhileDroppingOldSnapshots() throws IOException {
        LogConfig small = config.with(Map.of("retention.ms", "1000"));
        try (Log log = LogTestSupport.open(dir, small, clock)) {
            log.appendAsLeader(idem(PID, 0, 0, "a"), LEADER_EPOCH);
            log.roll();
            log.appendAsLeader(idem(PID + 1, 0, 0, "b"), LEADER_EPOCH);
            log.roll();
            log.deleteRecordsBefore(2);
            log.deleteOldSegments();
            assertEquals(List.of(2L), List.copyOf(ProducerSnapshotFile.list(dir)));
            assertEquals(2, log.producerState().producerCount(), "kept until they expire (KIP-360)");
            assertEquals(0, log.removeExpiredProducers(86_400_000));
            clock.advanceMs(86_400_000);
            assertEquals(2, log.removeExpiredProducers(86_400_000));
            assertEquals(LogError.UNKNOWN_PRODUCER_ID, refusal(log, idem(PID, 0, 1, "late")));
        }
    }
}
