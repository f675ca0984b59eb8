package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static dev.skiff.log.RecoveryFixture.END_OFFSET;
import static dev.skiff.log.RecoveryFixture.assertHolds;
import static dev.skiff.log.RecoveryFixture.batchesIn;
import static dev.skiff.log.RecoveryFixture.logFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.log.RecoveryFixture.BatchAt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery on open, against real segment files damaged the way crashes and bad disks damage them:
 * flipped bits, torn writes, trailing garbage, and interrupted compactions.
 */
class LogRecoveryTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);

    private Path dir() {
        return tmp.resolve("recovery-0");
    }

    @Test
    void bitFlipInTheActiveSegmentTruncatesAtThatBatchAndAppendsContinueAfterIt() throws Exception {
        Log crashed = RecoveryFixture.writeLog(dir(), clock);
        List<Long> bases = crashed.segmentBaseOffsets();
        crashed.abandon();
        long activeBase = bases.get(bases.size() - 1);
        Path active = logFile(dir(), activeBase);
        List<BatchAt> batches = batchesIn(active);
        assertTrue(batches.size() >= 3, "the active segment holds a few batches: " + batches);
        BatchAt corrupt = batches.get(batches.size() / 2);
        RecoveryFixture.corruptRecords(active, corrupt);

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(false, activeBase, 0))) {
            assertEquals(corrupt.baseOffset(), log.logEndOffset());
            assertEquals(bases, log.segmentBaseOffsets());
            assertEquals(corrupt.position(), Files.size(active), "the file ends where the corrupt batch began");
            assertHolds(log, 0, corrupt.baseOffset());

            AppendInfo info = log.appendAsLeader(LogTestSupport.batch(clock.millis(), "after"), 8);
            assertEquals(corrupt.baseOffset(), info.firstOffset());
            assertEquals(corrupt.baseOffset() + 1, log.logEndOffset());
        }
        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(true, corrupt.baseOffset() + 1, 0))) {
            List<LogRecord> all = LogTestSupport.readAll(log);
            assertEquals(corrupt.baseOffset() + 1, all.size());
            LogRecord last = all.get(all.size() - 1);
            assertEquals(corrupt.baseOffset(), last.offset());
            assertEquals("after", LogTestSupport.str(last.value()));
            assertEquals(
                    RecoveryFixture.valueAt(corrupt.baseOffset() - 1),
                    LogTestSupport.str(all.get(all.size() - 2).value()));
        }
    }

    /** Damages batch 3 of the second segment of a cleanly closed log; returns that batch. */
    private BatchAt closeAndCorruptSecondSegment(List<Long> bases) throws Exception {
        try (Log log = RecoveryFixture.writeLog(dir(), clock)) {
            bases.addAll(log.segmentBaseOffsets());
        }
        Path second = logFile(dir(), bases.get(1));
        BatchAt corrupt = batchesIn(second).get(3);
        RecoveryFixture.corruptRecords(second, corrupt);
        return corrupt;
    }

    @Test
    void cleanShutdownTrustsOlderSegmentsWithoutScanningThem() throws Exception {
        List<Long> bases = new ArrayList<>();
        BatchAt corrupt = closeAndCorruptSecondSegment(bases);
        long sizeBefore = Files.size(logFile(dir(), bases.get(1)));

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(true, END_OFFSET, 0))) {
            assertTrustedAndStillCorrupt(log, bases, corrupt, sizeBefore);
        }
    }

    @Test
    void uncleanShutdownTrustsSegmentsBelowTheRecoveryPoint() throws Exception {
        List<Long> bases = new ArrayList<>();
        BatchAt corrupt = closeAndCorruptSecondSegment(bases);
        long sizeBefore = Files.size(logFile(dir(), bases.get(1)));
        long recoveryPoint = bases.get(2);

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(false, recoveryPoint, 0))) {
            assertTrustedAndStillCorrupt(log, bases, corrupt, sizeBefore);
        }
    }

    private static void assertTrustedAndStillCorrupt(Log log, List<Long> bases, BatchAt corrupt, long sizeBefore)
            throws Exception {
        assertEquals(END_OFFSET, log.logEndOffset());
        assertEquals(bases, log.segmentBaseOffsets());
        assertEquals(sizeBefore, Files.size(logFile(log.dir(), bases.get(1))));
        ByteBuffer raw = log.read(corrupt.baseOffset(), corrupt.sizeBytes(), Long.MAX_VALUE, true)
                .slice()
                .orElseThrow()
                .readAll();
        assertEquals(corrupt.baseOffset(), BatchHeader.baseOffset(raw, 0));
        assertNotEquals(BatchHeader.storedCrc(raw, 0), BatchHeader.computeCrc(raw, 0), "not scanned, so not repaired");
        ByteBuffer later = log.read(bases.get(2), 1 << 20, Long.MAX_VALUE, true)
                .slice()
                .orElseThrow()
                .readAll();
        List<LogRecord> records = KafkaRecordFormat.decode(later);
        assertEquals(bases.get(2), records.get(0).offset());
        assertEquals(
                RecoveryFixture.valueAt(bases.get(2)),
                LogTestSupport.str(records.get(0).value()));
    }

    @Test
    void uncleanShutdownFromRecoveryPointZeroScansEverythingAndDropsAllLaterSegments() throws Exception {
        List<Long> bases = new ArrayList<>();
        BatchAt corrupt = closeAndCorruptSecondSegment(bases);

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(false, 0, 0))) {
            assertEquals(corrupt.baseOffset(), log.logEndOffset());
            assertEquals(bases.subList(0, 2), log.segmentBaseOffsets());
            assertEquals(corrupt.position(), Files.size(logFile(dir(), bases.get(1))));
            for (long later : bases.subList(2, bases.size())) {
                assertFalse(Files.exists(logFile(dir(), later)), "segment " + later + " deleted");
                assertFalse(Files.exists(SegmentFiles.index(dir(), later)));
                assertFalse(Files.exists(SegmentFiles.timeIndex(dir(), later)));
            }
            assertHolds(log, 0, corrupt.baseOffset());
            AppendInfo info = log.appendAsLeader(RecoveryFixture.batchNumber(39), 8);
            assertEquals(corrupt.baseOffset(), info.firstOffset());
        }
    }

    @ParameterizedTest(name = "cut {0} bytes into the last batch, {1}")
    @CsvSource({
        "20, crash",
        "20, closed-unclean",
        "20, closed-clean",
        "70, crash",
        "70, closed-unclean",
        "70, closed-clean",
    })
    void tornWriteAtTheEndRemovesTheLastPartialBatch(int cutBytes, String how) throws Exception {
        Log first = RecoveryFixture.writeLog(dir(), clock);
        List<Long> bases = first.segmentBaseOffsets();
        if (how.equals("crash")) {
            first.abandon();
        } else {
            first.close();
        }
        Path active = logFile(dir(), bases.get(bases.size() - 1));
        List<BatchAt> batches = batchesIn(active);
        BatchAt last = batches.get(batches.size() - 1);
        assertTrue(cutBytes < last.sizeBytes());
        RecoveryFixture.truncate(active, last.position() + cutBytes);

        LogLoader.Options options = how.equals("closed-clean")
                ? new LogLoader.Options(true, END_OFFSET, 0)
                : new LogLoader.Options(false, bases.get(bases.size() - 1), 0);
        try (Log log = Log.open(dir(), CONFIG, clock, options)) {
            assertEquals(last.baseOffset(), log.logEndOffset());
            assertEquals(last.position(), Files.size(active));
            assertHolds(log, 0, last.baseOffset());
            assertEquals(
                    last.baseOffset(),
                    log.appendAsLeader(RecoveryFixture.batchNumber(39), 8).firstOffset());
        }
    }

    @ParameterizedTest(name = "garbage of {0}, clean shutdown {1}")
    @CsvSource({"zeros, false", "zeros, true", "pattern, false", "pattern, true"})
    void garbageAfterTheLastBatchIsRemoved(String kind, boolean cleanShutdown) throws Exception {
        List<Long> bases;
        try (Log log = RecoveryFixture.writeLog(dir(), clock)) {
            bases = log.segmentBaseOffsets();
        }
        Path active = logFile(dir(), bases.get(bases.size() - 1));
        long size = Files.size(active);
        byte[] garbage = new byte[300];
        if (kind.equals("pattern")) {
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = (byte) (i * 37 + 11);
            }
        }
        RecoveryFixture.appendBytes(active, garbage);

        try (Log log = Log.open(
                dir(), CONFIG, clock, new LogLoader.Options(cleanShutdown, cleanShutdown ? END_OFFSET : 0, 0))) {
            assertEquals(size, Files.size(active));
            assertEquals(bases, log.segmentBaseOffsets());
            assertHolds(log, 0, END_OFFSET);
            assertEquals(
                    END_OFFSET,
                    log.appendAsLeader(RecoveryFixture.batchNumber(0), 8).firstOffset());
        }
    }

    @Test
    void leftoverCleanedFileFromAnInterruptedCompactionIsDeleted() throws Exception {
        List<Long> bases;
        try (Log log = RecoveryFixture.writeLog(dir(), clock)) {
            bases = log.segmentBaseOffsets();
        }
        Path second = logFile(dir(), bases.get(1));
        byte[] original = Files.readAllBytes(second);
        Path cleaned = LogLoader.cleanedFile(dir(), bases.get(1));
        // Half of a rewrite: the first batches only, the last one torn.
        Files.write(cleaned, Arrays.copyOf(original, original.length / 2));

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(true, END_OFFSET, 0))) {
            assertFalse(Files.exists(cleaned));
            assertArrayEquals(original, Files.readAllBytes(second));
            assertEquals(bases, log.segmentBaseOffsets());
            assertHolds(log, 0, END_OFFSET);
        }
    }

    @ParameterizedTest(name = "old segment files already deleted: {0}")
    @ValueSource(booleans = {false, true})
    void leftoverSwapFileIsCompletedOnOpen(boolean oldFilesDeleted) throws Exception {
        List<Long> bases;
        try (Log log = RecoveryFixture.writeLog(dir(), clock)) {
            bases = log.segmentBaseOffsets();
        }
        long base = bases.get(1);
        Path second = logFile(dir(), base);
        byte[] original = Files.readAllBytes(second);
        List<BatchAt> batches = batchesIn(second);
        // A compacted copy: every other batch dropped, offsets unchanged (gaps, as compaction leaves).
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        List<Long> keptOffsets = new ArrayList<>();
        for (int i = 1; i < batches.size(); i += 2) {
            BatchAt b = batches.get(i);
            kept.write(original, b.position(), b.sizeBytes());
            for (long o = b.baseOffset(); o <= b.lastOffset(); o++) {
                keptOffsets.add(o);
            }
        }
        Files.write(LogLoader.swapFile(dir(), base), kept.toByteArray());
        if (oldFilesDeleted) {
            Files.delete(second);
            Files.delete(SegmentFiles.index(dir(), base));
            Files.delete(SegmentFiles.timeIndex(dir(), base));
        }

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(true, END_OFFSET, 0))) {
            assertFalse(Files.exists(LogLoader.swapFile(dir(), base)));
            assertArrayEquals(kept.toByteArray(), Files.readAllBytes(second));
            assertTrue(Files.exists(SegmentFiles.index(dir(), base)));
            assertTrue(Files.exists(SegmentFiles.timeIndex(dir(), base)));
            assertEquals(bases, log.segmentBaseOffsets());
            assertEquals(END_OFFSET, log.logEndOffset());

            List<Long> offsets = new ArrayList<>();
            for (LogRecord r : LogTestSupport.readAll(log)) {
                assertEquals(RecoveryFixture.valueAt(r.offset()), LogTestSupport.str(r.value()));
                offsets.add(r.offset());
            }
            List<Long> expected = new ArrayList<>();
            for (long o = 0; o < END_OFFSET; o++) {
                if (o < base || o >= bases.get(2) || keptOffsets.contains(o)) {
                    expected.add(o);
                }
            }
            assertEquals(expected, offsets);
            // A read at a dropped offset starts at the next kept batch.
            long dropped = batches.get(0).baseOffset();
            assertEquals(
                    batches.get(1).baseOffset(),
                    log.read(dropped, 1 << 20, Long.MAX_VALUE, true)
                            .slice()
                            .orElseThrow()
                            .firstOffset());
        }
    }

    @Test
    void persistedLogStartBeyondWhatSurvivedRestartsTheLogEmptyAtTheStart() throws Exception {
        // delete-records persisted a start offset of END_OFFSET, then a crash lost the unflushed tail.
        Log crashed = RecoveryFixture.writeLog(dir(), clock);
        List<Long> bases = crashed.segmentBaseOffsets();
        crashed.abandon();
        Path active = logFile(dir(), bases.get(bases.size() - 1));
        List<BatchAt> batches = batchesIn(active);
        RecoveryFixture.truncate(active, batches.get(batches.size() - 1).position() + 10);

        try (Log log = Log.open(dir(), CONFIG, clock, new LogLoader.Options(false, 0, END_OFFSET))) {
            assertEquals(END_OFFSET, log.logStartOffset());
            assertEquals(END_OFFSET, log.logEndOffset());
            assertEquals(List.of(END_OFFSET), log.segmentBaseOffsets());
            for (long base : bases) {
                assertFalse(Files.exists(logFile(dir(), base)));
            }
            assertEquals(
                    END_OFFSET,
                    log.appendAsLeader(RecoveryFixture.batchNumber(0), 8).firstOffset());
            List<LogRecord> all = LogTestSupport.readAll(log);
            assertEquals(RecoveryFixture.RECORDS_PER_BATCH, all.size());
            assertEquals(END_OFFSET, all.get(0).offset());
        }
    }
}
