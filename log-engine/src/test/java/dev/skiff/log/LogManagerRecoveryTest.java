package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static dev.skiff.log.RecoveryFixture.END_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log directory across restarts: the clean-shutdown marker, the directory lock, the checkpoints. */
class LogManagerRecoveryTest {
    private static final TopicPartition TP0 = new TopicPartition("orders", 0);
    private static final TopicPartition TP1 = new TopicPartition("orders", 1);
    private static final String TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAA";

    @TempDir
    Path logDir;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);

    private LogManager open() throws IOException {
        return LogManager.open(logDir, topic -> CONFIG, clock);
    }

    private Path marker() {
        return logDir.resolve(LogManager.CLEAN_SHUTDOWN_FILE);
    }

    /** Appends the fixture's batches to {@code tp}'s log. */
    private static void fill(LogManager manager, TopicPartition tp, int batches) throws IOException {
        Log log = manager.getOrCreate(tp, TOPIC_ID);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(RecoveryFixture.batchNumber(i), 1);
        }
    }

    @Test
    void highWatermarksHandedInComeBackAfterARestartForThisDirectorysLogsOnly() throws Exception {
        try (LogManager manager = open()) {
            fill(manager, TP0, 2);
            assertTrue(manager.checkpointedHighWatermark(TP0).isEmpty());
            manager.checkpointHighWatermarks(java.util.Map.of(TP0, 4L, new TopicPartition("elsewhere", 0), 9L));
        }
        try (LogManager manager = open()) {
            assertEquals(java.util.Optional.of(4L), manager.checkpointedHighWatermark(TP0));
            assertTrue(manager.checkpointedHighWatermark(new TopicPartition("elsewhere", 0))
                    .isEmpty());
        }
        assertEquals(
                List.of("0", "1", "orders 0 4"),
                Files.readAllLines(logDir.resolve(LogManager.HIGH_WATERMARK_FILE)),
                "Kafka's replication-offset-checkpoint format");
    }

    @Test
    void cleanShutdownMarkerIsWrittenOnCloseAndRemovedOnOpen() throws Exception {
        try (LogManager manager = open()) {
            assertFalse(manager.hadCleanShutdown(), "a new directory was never shut down");
            fill(manager, TP0, 5);
            assertFalse(Files.exists(marker()));
        }
        assertTrue(Files.exists(marker()));

        try (LogManager manager = open()) {
            assertTrue(manager.hadCleanShutdown());
            assertFalse(Files.exists(marker()), "a crash from here on must be noticed");
            assertEquals(15, manager.get(TP0).orElseThrow().logEndOffset());
        }
        assertTrue(Files.exists(marker()));

        Files.delete(marker()); // as if the process had died instead of closing
        try (LogManager manager = open()) {
            assertFalse(manager.hadCleanShutdown());
            assertEquals(15, manager.get(TP0).orElseThrow().logEndOffset());
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefusedWhileTheFirstHoldsIt() throws Exception {
        try (LogManager first = open()) {
            fill(first, TP0, 2);
            IOException e = assertThrows(IOException.class, this::open);
            assertTrue(e.getMessage().contains(logDir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("in use by another skiff process"), e.getMessage());
            // The first manager is unaffected.
            first.get(TP0).orElseThrow().appendAsLeader(RecoveryFixture.batchNumber(2), 1);
            assertEquals(9, first.get(TP0).orElseThrow().logEndOffset());
        }
        assertTrue(Files.exists(marker()), "the refused open did not disturb the clean shutdown");
        try (LogManager again = open()) {
            assertTrue(again.hadCleanShutdown());
            RecoveryFixture.assertHolds(again.get(TP0).orElseThrow(), 0, 9);
        }
    }

    @Test
    void recoveryPointAndLogStartCheckpointsRoundTrip() throws Exception {
        try (LogManager manager = open()) {
            fill(manager, TP0, 10);
            fill(manager, TP1, 4);
            assertEquals(6, manager.deleteRecords(TP1, 6));
        }
        assertEquals(
                Set.of("orders 0 30", "orders 1 12"),
                new TreeSet<>(CheckpointFile.read(logDir.resolve(LogManager.RECOVERY_POINT_FILE))));
        assertEquals(
                Set.of("orders 0 0", "orders 1 6"),
                new TreeSet<>(CheckpointFile.read(logDir.resolve(LogManager.LOG_START_OFFSET_FILE))));

        Files.delete(marker());
        try (LogManager manager = open()) {
            RecoveryFixture.assertHolds(manager.get(TP0).orElseThrow(), 0, 30);
            RecoveryFixture.assertHolds(manager.get(TP1).orElseThrow(), 6, 12);
        }
    }

    /** The recovery point read back from the checkpoint decides which segments a restart scans. */
    @Test
    void recoveryPointCheckpointDecidesWhatAnUncleanRestartScans() throws Exception {
        List<Long> bases;
        try (LogManager manager = open()) {
            fill(manager, TP0, RecoveryFixture.BATCHES);
            bases = manager.get(TP0).orElseThrow().segmentBaseOffsets();
        }
        Path partition = logDir.resolve(TP0.dirName());
        Path second = RecoveryFixture.logFile(partition, bases.get(1));
        RecoveryFixture.BatchAt corrupt = RecoveryFixture.batchesIn(second).get(2);
        RecoveryFixture.corruptRecords(second, corrupt);

        Files.delete(marker());
        try (LogManager manager = open()) {
            assertFalse(manager.hadCleanShutdown());
            // Recovery point END_OFFSET: the damaged segment lies below it and is trusted.
            assertEquals(END_OFFSET, manager.get(TP0).orElseThrow().logEndOffset());
            assertEquals(bases, manager.get(TP0).orElseThrow().segmentBaseOffsets());
        }
        CheckpointFile.write(logDir.resolve(LogManager.RECOVERY_POINT_FILE), List.of("orders 0 0"));
        Files.delete(marker());
        try (LogManager manager = open()) {
            Log log = manager.get(TP0).orElseThrow();
            assertEquals(corrupt.baseOffset(), log.logEndOffset());
            assertEquals(bases.subList(0, 2), log.segmentBaseOffsets());
            RecoveryFixture.assertHolds(log, 0, corrupt.baseOffset());
        }
    }

    @Test
    void deleteRecordsPersistsTheStartOffsetBeforeReturningAndAcrossReopen() throws Exception {
        List<Long> bases;
        long start;
        try (LogManager manager = open()) {
            fill(manager, TP0, RecoveryFixture.BATCHES);
            Log log = manager.get(TP0).orElseThrow();
            bases = log.segmentBaseOffsets();
            start = bases.get(2) + 1;
            assertEquals(start, manager.deleteRecords(TP0, start));
            assertEquals(
                    List.of("orders 0 " + start),
                    CheckpointFile.read(logDir.resolve(LogManager.LOG_START_OFFSET_FILE)),
                    "persisted before deleteRecords returned");
            assertEquals(bases.subList(2, bases.size()), log.segmentBaseOffsets(), "segments wholly below went");
            assertFalse(Files.exists(RecoveryFixture.logFile(log.dir(), bases.get(0))));
        }
        Files.delete(marker());
        try (LogManager manager = open()) {
            Log log = manager.get(TP0).orElseThrow();
            assertEquals(bases.subList(2, bases.size()), log.segmentBaseOffsets());
            RecoveryFixture.assertHolds(log, start, END_OFFSET);
            LogException e = assertThrows(LogException.class, () -> log.read(start - 1, 1 << 20, Long.MAX_VALUE, true));
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error());
        }
    }

    @Test
    void offlineLogLeavesNoCleanShutdownMarkerAndIsRecoveredOnRestart() throws Exception {
        try (LogManager manager = open()) {
            fill(manager, TP0, 6);
            Log log = manager.get(TP0).orElseThrow();
            log.flush();
            log.abandon();
            assertThrows(LogOfflineException.class, () -> log.appendAsLeader(RecoveryFixture.batchNumber(6), 1));
            assertTrue(log.isOffline());
        }
        assertFalse(Files.exists(marker()), "a directory with an offline log was not shut down cleanly");
        try (LogManager manager = open()) {
            assertFalse(manager.hadCleanShutdown());
            RecoveryFixture.assertHolds(manager.get(TP0).orElseThrow(), 0, 18);
        }
    }
}
