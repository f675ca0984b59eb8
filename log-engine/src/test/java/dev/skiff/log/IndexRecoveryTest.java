package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static dev.skiff.log.RecoveryFixture.END_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Missing or damaged {@code .index} and {@code .timeindex} files are detected on open and rebuilt
 * from the segment, even after a clean shutdown, to exactly the bytes the appends wrote.
 */
class IndexRecoveryTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);

    enum Damage {
        DELETE_INDEX,
        DELETE_TIME_INDEX,
        INDEX_WRONG_LENGTH,
        TIME_INDEX_WRONG_LENGTH,
        INDEX_ENTRIES_OUT_OF_ORDER,
        INDEX_GARBAGE,
        TIME_INDEX_GARBAGE,
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedIndexOfAnOlderSegmentIsRebuiltAfterCleanShutdown(Damage damage) throws Exception {
        checkRebuilt(damage, 1);
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedIndexOfTheActiveSegmentIsRebuiltAfterCleanShutdown(Damage damage) throws Exception {
        checkRebuilt(damage, -1);
    }

    /** {@code segment} counts from the oldest; -1 is the active segment. */
    private void checkRebuilt(Damage damage, int segment) throws Exception {
        Path dir = tmp.resolve("idx-0");
        List<Long> bases;
        try (Log log = RecoveryFixture.writeLog(dir, clock)) {
            bases = log.segmentBaseOffsets();
        }
        long base = bases.get(segment < 0 ? bases.size() - 1 : segment);
        Path index = SegmentFiles.index(dir, base);
        Path timeIndex = SegmentFiles.timeIndex(dir, base);
        byte[] indexBytes = Files.readAllBytes(index);
        byte[] timeIndexBytes = Files.readAllBytes(timeIndex);
        assertTrue(indexBytes.length >= 2 * OffsetIndex.ENTRY_BYTES, "the fixture indexes every ~2 batches");
        assertTrue(timeIndexBytes.length >= 2 * TimeIndex.ENTRY_BYTES);
        damage(damage, index, timeIndex, indexBytes, timeIndexBytes);

        try (Log log = Log.open(dir, CONFIG, clock, new LogLoader.Options(true, END_OFFSET, 0))) {
            assertEquals(bases, log.segmentBaseOffsets());
            RecoveryFixture.assertHolds(log, 0, END_OFFSET);
            if (segment >= 0) {
                // The active segment's files are preallocated while it is open; older ones are exact.
                assertArrayEquals(indexBytes, Files.readAllBytes(index), ".index rebuilt as written");
                assertArrayEquals(timeIndexBytes, Files.readAllBytes(timeIndex), ".timeindex rebuilt as written");
            }
            checkTimestampLookups(log);
        }
        assertArrayEquals(indexBytes, Files.readAllBytes(index), ".index rebuilt as written");
        assertArrayEquals(timeIndexBytes, Files.readAllBytes(timeIndex), ".timeindex rebuilt as written");
    }

    private static void damage(Damage damage, Path index, Path timeIndex, byte[] indexBytes, byte[] timeIndexBytes)
            throws Exception {
        switch (damage) {
            case DELETE_INDEX -> Files.delete(index);
            case DELETE_TIME_INDEX -> Files.delete(timeIndex);
            case INDEX_WRONG_LENGTH -> RecoveryFixture.appendBytes(index, new byte[] {1, 2, 3});
            case TIME_INDEX_WRONG_LENGTH -> RecoveryFixture.truncate(timeIndex, timeIndexBytes.length - 5);
            case INDEX_ENTRIES_OUT_OF_ORDER -> {
                byte[] swapped = indexBytes.clone();
                System.arraycopy(indexBytes, 0, swapped, OffsetIndex.ENTRY_BYTES, OffsetIndex.ENTRY_BYTES);
                System.arraycopy(indexBytes, OffsetIndex.ENTRY_BYTES, swapped, 0, OffsetIndex.ENTRY_BYTES);
                Files.write(index, swapped);
            }
            case INDEX_GARBAGE -> {
                byte[] garbage = new byte[indexBytes.length];
                Arrays.fill(garbage, (byte) 0xFF);
                Files.write(index, garbage);
            }
            case TIME_INDEX_GARBAGE -> {
                byte[] garbage = new byte[timeIndexBytes.length];
                Arrays.fill(garbage, (byte) 0xFF);
                Files.write(timeIndex, garbage);
            }
        }
    }

    /** Every batch's timestamp leads to its first offset, and reads from every offset work. */
    private static void checkTimestampLookups(Log log) throws Exception {
        for (int i = 0; i < RecoveryFixture.BATCHES; i++) {
            long first = (long) i * RecoveryFixture.RECORDS_PER_BATCH;
            Optional<TimestampOffset> hit = log.offsetForTimestamp(RecoveryFixture.timestampOf(i));
            assertEquals(Optional.of(new TimestampOffset(first, RecoveryFixture.timestampOf(i))), hit);
            assertEquals(
                    Optional.of(new TimestampOffset(first, RecoveryFixture.timestampOf(i))),
                    log.offsetForTimestamp(RecoveryFixture.timestampOf(i) - 500));
            for (long o = first; o < first + RecoveryFixture.RECORDS_PER_BATCH; o++) {
                LogSlice slice = log.read(o, 1, Long.MAX_VALUE, true).slice().orElseThrow();
                assertEquals(first, slice.firstOffset(), "read at offset " + o);
                assertEquals(first + RecoveryFixture.RECORDS_PER_BATCH, slice.nextOffset());
            }
        }
        assertEquals(Optional.empty(), log.offsetForTimestamp(RecoveryFixture.timestampOf(RecoveryFixture.BATCHES)));
    }
}
