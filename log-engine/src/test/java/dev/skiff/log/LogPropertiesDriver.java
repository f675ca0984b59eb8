package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.skiff.log.LogPropertiesModel.Batch;
import dev.skiff.log.LogPropertiesModel.Rec;
import dev.skiff.log.LogPropertiesSteps.Advance;
import dev.skiff.log.LogPropertiesSteps.Append;
import dev.skiff.log.LogPropertiesSteps.BatchSpec;
import dev.skiff.log.LogPropertiesSteps.Clean;
import dev.skiff.log.LogPropertiesSteps.Crash;
import dev.skiff.log.LogPropertiesSteps.Damage;
import dev.skiff.log.LogPropertiesSteps.DeleteRecords;
import dev.skiff.log.LogPropertiesSteps.Flush;
import dev.skiff.log.LogPropertiesSteps.Read;
import dev.skiff.log.LogPropertiesSteps.RecSpec;
import dev.skiff.log.LogPropertiesSteps.Restart;
import dev.skiff.log.LogPropertiesSteps.Retention;
import dev.skiff.log.LogPropertiesSteps.Roll;
import dev.skiff.log.LogPropertiesSteps.Step;
import dev.skiff.log.LogPropertiesSteps.Truncate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs one generated sequence of {@link Step}s against a real {@link Log} in a temp directory and
 * against {@link LogPropertiesModel}, checking the log after every step. Used by {@link
 * LogPropertiesTest}; each try gets its own driver and directory.
 */
final class LogPropertiesDriver implements AutoCloseable {
    /** Keys are drawn from {@code k0 .. k(KEY_SPACE-1)}; a small space makes compaction bite. */
    static final int KEY_SPACE = 8;

    private static final long START_MS = 1_000_000_000_000L;

    /** Things worth counting across tries, to see that the generators reach them. */
    enum Event {
        FOUR_SEGMENTS,
        APPEND_REJECTED,
        READ_CUT_BY_LIMITS,
        RETENTION_DELETED_SEGMENTS,
        TRUNCATED_MID_BATCH,
        COMPACTION_REMOVED_RECORDS,
        CRASH_WITH_UNFLUSHED_DATA,
        CRASH_LOST_RECORDS,
        PERSISTED_START_PAST_RECOVERED_END
    }

    /** The events this run reached. */
    Set<Event> events() {
        return events;
    }

    /** A batch as read back from the log. */
    private record ReadBatch(long base, long last, int epoch, int sizeBytes, List<LogRecord> records) {}

    private final Path root;
    private final Path dir;
    private final LogConfig config;
    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(START_MS);
    private final LogPropertiesModel model = new LogPropertiesModel();
    private final List<String> history = new ArrayList<>();
    private final Set<Event> events = EnumSet.noneOf(Event.class);
    private Log log;
    private int leaderEpoch;
    private long valueSeq;

    LogPropertiesDriver(LogConfig config) throws IOException {
        this.config = config;
        this.root = Files.createTempDirectory("skiff-log-props");
        this.dir = root.resolve("props-0");
        this.log = Log.open(dir, config, clock, LogLoader.Options.unclean());
    }

    /** Runs every step, checking the whole log after each. */
    void run(List<Step> steps) throws IOException {
        checkAll();
        for (Step step : steps) {
            history.add(step.toString());
            apply(step);
            checkAll();
        }
    }

    private void apply(Step step) throws IOException {
        if (step instanceof Append a) {
            append(a);
        } else if (step instanceof Read r) {
            read(r);
        } else if (step instanceof Roll) {
            roll();
        } else if (step instanceof Advance a) {
            clock.advanceMs(a.ms());
        } else if (step instanceof Retention) {
            retention();
        } else if (step instanceof DeleteRecords d) {
            deleteRecords(d);
        } else if (step instanceof Truncate t) {
            long offset = Math.max(0, pick(t.permille()));
            List<Long> bases = log.segmentBaseOffsets();
            long endBefore = model.logEndOffset;
            model.truncateTo(offset, bases);
            log.truncateTo(offset);
            if (offset < endBefore && model.logEndOffset < offset) {
                events.add(Event.TRUNCATED_MID_BATCH);
            }
        } else if (step instanceof Flush f) {
            flush(f);
        } else if (step instanceof Clean c) {
            clean(c);
        } else if (step instanceof Crash c) {
            crash(c);
        } else if (step instanceof Restart r) {
            restart(r);
        } else {
            throw new IllegalArgumentException("unknown step " + step);
        }
    }

    // ---------------------------------------------------------------- steps

    private void append(Append a) throws IOException {
        leaderEpoch += a.epochBump();
        long now = clock.millis();
        List<List<RecordData>> data = new ArrayList<>();
        List<ByteBuffer> encoded = new ArrayList<>();
        int total = 0;
        for (BatchSpec spec : a.batches()) {
            List<RecordData> records = new ArrayList<>();
            for (RecSpec r : spec.records()) {
                byte[] key = r.key() < 0 ? null : LogTestSupport.utf8("k" + r.key());
                records.add(new RecordData(key, value(r), now + r.timestampDeltaMs()));
            }
            ByteBuffer b = KafkaRecordFormat.encode(0, spec.compression(), TimestampType.CREATE_TIME, records);
            data.add(records);
            encoded.add(b);
            total += b.remaining();
        }
        LogError expectedError = expectedAppendError(data, encoded, total);
        ByteBuffer request = ByteBuffer.allocate(total);
        encoded.forEach(b -> request.put(b.duplicate()));
        request.flip();
        if (expectedError != null) {
            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(request, leaderEpoch), ctx());
            assertEquals(expectedError, e.error(), ctx());
            events.add(Event.APPEND_REJECTED);
            return;
        }
        AppendInfo info = log.appendAsLeader(request, leaderEpoch);
        List<Batch> batches = new ArrayList<>();
        long offset = model.logEndOffset;
        for (int i = 0; i < data.size(); i++) {
            List<Rec> recs = new ArrayList<>();
            for (RecordData r : data.get(i)) {
                long ts = config.timestampType() == TimestampType.LOG_APPEND_TIME
                        ? info.logAppendTimeMs()
                        : r.timestampMs();
                recs.add(new Rec(offset++, r.key(), r.value(), ts));
            }
            batches.add(new Batch(leaderEpoch, List.copyOf(recs), encoded.get(i).remaining()));
        }
        assertEquals(model.logEndOffset, info.firstOffset(), ctx());
        assertEquals(offset - 1, info.lastOffset(), ctx());
        assertEquals(data.size(), info.batchCount(), ctx());
        model.append(leaderEpoch, batches);
        if (config.flushPolicy() == FlushPolicy.FSYNC || config.flushMs() == 0 || config.flushMessages() == 1) {
            assertEquals(model.logEndOffset, log.flushedOffset(), ctx("an acknowledged append is flushed"));
        }
    }

    private LogError expectedAppendError(List<List<RecordData>> data, List<ByteBuffer> encoded, int total) {
        if (total > config.segmentBytes()) {
            return LogError.RECORD_LIST_TOO_LARGE;
        }
        for (int i = 0; i < encoded.size(); i++) {
            if (encoded.get(i).remaining() > config.maxMessageBytes()) {
                return LogError.MESSAGE_TOO_LARGE;
            }
            if (config.compact() && data.get(i).stream().anyMatch(r -> r.key() == null)) {
                return LogError.INVALID_RECORD;
            }
        }
        return null;
    }

    /** A value unique to this record (its sequence number), compressible or random. */
    private byte[] value(RecSpec r) {
        long seq = valueSeq++;
        if (r.valueSize() < 0) {
            return null;
        }
        byte[] v = new byte[r.valueSize()];
        if (r.randomBytes()) {
            new Random(seq).nextBytes(v);
        } else {
            byte[] pattern = ("v" + seq + ";").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < v.length; i++) {
                v[i] = pattern[i % pattern.length];
            }
        }
        return v;
    }

    private void roll() throws IOException {
        List<Long> before = log.segmentBaseOffsets();
        boolean activeHasBytes = Files.size(SegmentFiles.log(dir, before.get(before.size() - 1))) > 0;
        log.roll();
        List<Long> expected = new ArrayList<>(before);
        if (activeHasBytes) {
            expected.add(model.logEndOffset);
        }
        assertEquals(expected, log.segmentBaseOffsets(), ctx("roll starts a segment at the log end offset"));
    }

    private void retention() throws IOException {
        List<Long> bases = log.segmentBaseOffsets();
        List<Long> sizes = new ArrayList<>();
        for (long b : bases) {
            sizes.add(Files.size(SegmentFiles.log(dir, b)));
        }
        List<Long> expected = model.deleteOldSegments(bases, sizes, clock.millis(), config);
        int deleted = log.deleteOldSegments();
        assertEquals(expected, log.segmentBaseOffsets(), ctx("segments left by retention"));
        long expectedDeleted = bases.stream().filter(b -> !expected.contains(b)).count();
        assertEquals(expectedDeleted, deleted, ctx("segments deleted by retention"));
        if (deleted > 0) {
            events.add(Event.RETENTION_DELETED_SEGMENTS);
        }
    }

    private void deleteRecords(DeleteRecords d) throws IOException {
        long offset = pick(d.permille());
        if (offset < 0 || offset > model.logEndOffset) {
            LogException e = assertThrows(LogException.class, () -> log.deleteRecordsBefore(offset), ctx());
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error(), ctx());
            return;
        }
        model.deleteRecordsBefore(offset);
        assertEquals(model.logStartOffset, log.deleteRecordsBefore(offset), ctx());
    }

    private void flush(Flush f) throws IOException {
        if (f.onlyIfDue()) {
            log.maybeFlush();
        } else {
            log.flush();
            assertEquals(model.logEndOffset, log.flushedOffset(), ctx("flush() covers the whole log"));
        }
    }

    // ---------------------------------------------------------------- reads

    /** Random read: whole valid batches, the first containing or following the offset, all in the model. */
    private void read(Read r) throws IOException {
        long start = pick(r.startPermille());
        long maxExclusive = r.limitDelta() < 0 ? Long.MAX_VALUE : Math.max(0, start) + r.limitDelta();
        if (start < model.logStartOffset || start > model.logEndOffset) {
            LogException e = assertThrows(
                    LogException.class, () -> log.read(start, r.maxBytes(), maxExclusive, r.minOneBatch()), ctx());
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error(), ctx());
            return;
        }
        LogReadInfo info = log.read(start, r.maxBytes(), maxExclusive, r.minOneBatch());
        assertEquals(model.logStartOffset, info.logStartOffset(), ctx());
        assertEquals(model.logEndOffset, info.logEndOffset(), ctx());
        long limit = Math.min(maxExclusive, model.logEndOffset);
        Batch expectedFirst = model.firstBatchEndingAtOrAfter(start);
        if (info.slice().isEmpty()) {
            if (expectedFirst != null && expectedFirst.last() < limit) {
                assertTrue(
                        !r.minOneBatch() && (expectedFirst.sizeBytes() < 0 || expectedFirst.sizeBytes() > r.maxBytes()),
                        ctx("read(" + start + ") found nothing but batch " + expectedFirst.base() + ".."
                                + expectedFirst.last() + " fits"));
            }
            return;
        }
        List<ReadBatch> got = parse(info.slice().get());
        assertTrue(expectedFirst != null, ctx("read(" + start + ") returned batches the model does not have"));
        assertEquals(expectedFirst.base(), got.get(0).base(), ctx("first batch contains or follows " + start));
        int total = 0;
        Batch expected = expectedFirst;
        for (ReadBatch b : got) {
            assertTrue(expected != null, ctx("read returned more batches than the model has"));
            assertSame(expected, b);
            assertTrue(b.last() < limit, ctx("batch " + b.base() + ".." + b.last() + " reaches the limit " + limit));
            total += b.sizeBytes();
            expected = model.batchAfter(expected);
        }
        if (expected != null) {
            events.add(Event.READ_CUT_BY_LIMITS);
        }
        assertTrue(
                total <= r.maxBytes() || (r.minOneBatch() && got.size() == 1),
                ctx("read of " + total + " bytes exceeds maxBytes " + r.maxBytes()));
        List<Long> bases = log.segmentBaseOffsets();
        long lastBase = got.get(got.size() - 1).base();
        if (expected != null
                && expected.last() < limit
                && expected.sizeBytes() >= 0
                && total + expected.sizeBytes() <= r.maxBytes()
                && LogPropertiesModel.segmentOf(bases, expected.base())
                        == LogPropertiesModel.segmentOf(bases, lastBase)) {
            fail(ctx("read stopped before batch " + expected.base() + " that fits in the same segment")
                    .get());
        }
    }

    /** Splits a slice into batches, checking each is valid and decodes. */
    private List<ReadBatch> parse(LogSlice slice) throws IOException {
        ByteBuffer buf = slice.readAll();
        assertEquals(slice.sizeBytes(), buf.remaining(), ctx());
        List<ReadBatch> out = new ArrayList<>();
        int pos = 0;
        while (pos < buf.limit()) {
            int p = pos;
            int size = assertValid(() -> BatchHeader.validate(buf, p, buf.limit(), Integer.MAX_VALUE));
            ByteBuffer one = buf.duplicate();
            one.position(pos).limit(pos + size);
            List<LogRecord> records = KafkaRecordFormat.decode(one.slice());
            long base = BatchHeader.baseOffset(buf, pos);
            long last = BatchHeader.lastOffset(buf, pos);
            assertEquals(BatchHeader.recordCount(buf, pos), records.size(), ctx("record count of batch " + base));
            assertTrue(!records.isEmpty(), ctx("empty batch at " + base));
            assertEquals(base, records.get(0).offset(), ctx("batch base offset"));
            assertEquals(last, records.get(records.size() - 1).offset(), ctx("batch last offset"));
            for (int i = 1; i < records.size(); i++) {
                assertTrue(records.get(i).offset() > records.get(i - 1).offset(), ctx("offsets increase"));
            }
            if (!out.isEmpty()) {
                assertTrue(base > out.get(out.size() - 1).last(), ctx("batch offsets increase"));
            }
            out.add(new ReadBatch(base, last, BatchHeader.partitionLeaderEpoch(buf, pos), size, records));
            pos += size;
        }
        assertTrue(!out.isEmpty(), ctx("a slice holds at least one batch"));
        assertEquals(slice.firstOffset(), out.get(0).base(), ctx("slice first offset"));
        assertEquals(slice.nextOffset(), out.get(out.size() - 1).last() + 1, ctx("slice next offset"));
        return out;
    }

    private interface SizeCheck {
        int check();
    }

    private int assertValid(SizeCheck check) {
        try {
            return check.check();
        } catch (LogException e) {
            throw new AssertionError(
                    ctx("the log served a corrupt batch: " + e.getMessage()).get(), e);
        }
    }

    private void assertSame(Batch expected, ReadBatch got) {
        Supplier<String> where = ctx("batch " + got.base() + ".." + got.last() + " vs model " + expected.records());
        assertEquals(expected.base(), got.base(), where);
        assertEquals(expected.last(), got.last(), where);
        assertEquals(expected.epoch(), got.epoch(), where);
        assertEquals(expected.records().size(), got.records().size(), where);
        for (int i = 0; i < got.records().size(); i++) {
            assertTrue(expected.records().get(i).sameAs(got.records().get(i)), where);
        }
        if (expected.sizeBytes() >= 0) {
            assertEquals(expected.sizeBytes(), got.sizeBytes(), where);
        }
    }

    /** Every batch from the log start offset to the end, read with large limits. */
    private List<ReadBatch> scan() throws IOException {
        List<ReadBatch> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            if (info.slice().isEmpty()) {
                break;
            }
            out.addAll(parse(info.slice().get()));
            next = info.slice().get().nextOffset();
        }
        return out;
    }

    // ---------------------------------------------------------------- compaction

    private void clean(Clean c) throws IOException {
        List<ReadBatch> before = scan();
        List<Long> bases = log.segmentBaseOffsets();
        long activeBase = bases.get(bases.size() - 1);
        model.clean(bases, c.keysMax(), clock.millis(), config);
        if (new LogCleaner(c.keysMax(), clock).clean(log).recordsRemoved() > 0) {
            events.add(Event.COMPACTION_REMOVED_RECORDS);
        }
        if (config.compact() && c.keysMax() >= KEY_SPACE) {
            checkCompacted(visible(before), visible(scan()), activeBase);
        }
    }

    /** Records at or after the log start offset (a batch read from there may begin below it). */
    private List<LogRecord> visible(List<ReadBatch> batches) {
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : records(batches)) {
            if (r.offset() >= log.logStartOffset()) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<LogRecord> records(List<ReadBatch> batches) {
        List<LogRecord> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(b.records()));
        return out;
    }

    /**
     * What compaction promises, checked on what the log serves before and after a pass that covered
     * every non-active segment: for each key whose newest record lies outside the active segment,
     * that record survives (a tombstone may go once older than delete.retention.ms) and no older one
     * does; the active segment is untouched; nothing new appears.
     */
    private void checkCompacted(List<LogRecord> before, List<LogRecord> after, long activeBase) {
        Map<Long, LogRecord> afterByOffset = new HashMap<>();
        after.forEach(r -> afterByOffset.put(r.offset(), r));
        Map<String, LogRecord> newestOutsideActive = new HashMap<>();
        for (LogRecord r : before) {
            if (r.offset() < activeBase) {
                newestOutsideActive.put(LogTestSupport.str(r.key()), r);
            }
        }
        Map<Long, LogRecord> beforeByOffset = new HashMap<>();
        before.forEach(r -> beforeByOffset.put(r.offset(), r));
        for (LogRecord r : after) {
            LogRecord was = beforeByOffset.get(r.offset());
            assertTrue(was != null && sameRecord(was, r), ctx("compaction invented record " + r.offset()));
            LogRecord newest = newestOutsideActive.get(LogTestSupport.str(r.key()));
            assertTrue(
                    newest == null || r.offset() >= newest.offset(),
                    ctx("record " + r.offset() + " survived compaction though " + newest + " is newer"));
        }
        for (LogRecord newest : newestOutsideActive.values()) {
            LogRecord kept = afterByOffset.get(newest.offset());
            if (newest.value() != null) {
                assertTrue(kept != null, ctx("compaction lost the newest record " + newest.offset() + " of its key"));
            } else if (kept == null) {
                assertTrue(
                        clock.millis() - newest.timestampMs() > config.deleteRetentionMs(),
                        ctx("tombstone " + newest.offset() + " dropped before delete.retention.ms"));
            }
        }
        for (LogRecord r : before) {
            if (r.offset() >= activeBase) {
                LogRecord kept = afterByOffset.get(r.offset());
                assertTrue(kept != null && sameRecord(r, kept), ctx("compaction touched the active segment"));
            }
        }
    }

    private static boolean sameRecord(LogRecord a, LogRecord b) {
        return a.offset() == b.offset()
                && a.timestampMs() == b.timestampMs()
                && java.util.Arrays.equals(a.key(), b.key())
                && java.util.Arrays.equals(a.value(), b.value());
    }

    // ---------------------------------------------------------------- crashes and restarts

    /** A batch's place in a segment file. */
    private record Extent(int position, int sizeBytes, long base, long last) {}

    private void crash(Crash c) throws IOException {
        long flushed = log.flushedOffset();
        List<Long> bases = log.segmentBaseOffsets();
        long activeBase = bases.get(bases.size() - 1);
        List<Rec> mustSurvive = new ArrayList<>();
        for (Rec r : model.visibleRecords()) {
            if (r.offset() < flushed) {
                mustSurvive.add(r);
            }
        }
        if (flushed < model.logEndOffset) {
            events.add(Event.CRASH_WITH_UNFLUSHED_DATA);
        }
        log.abandon();
        log = null;
        long firstLost = damage(c, SegmentFiles.log(dir, activeBase), flushed);
        if (c.strayCleaned()) {
            Files.write(LogLoader.cleanedFile(dir, bases.get(0)), new byte[] {1, 2, 3});
        }
        if (firstLost != Long.MAX_VALUE) {
            model.loseFrom(activeBase, firstLost);
            events.add(Event.CRASH_LOST_RECORDS);
        }
        long persistedStart = c.uncleanOptions() ? 0 : model.logStartOffset;
        if (persistedStart > model.logEndOffset) {
            events.add(Event.PERSISTED_START_PAST_RECOVERED_END);
        }
        LogLoader.Options options = c.uncleanOptions()
                ? LogLoader.Options.unclean()
                : new LogLoader.Options(false, flushed * c.recoveryPermille() / 1000, persistedStart);
        log = Log.open(dir, config, clock, options);
        model.reopen(persistedStart, bases.get(0));
        assertTrue(!Files.exists(LogLoader.cleanedFile(dir, bases.get(0))), ctx("recovery deletes .cleaned files"));
        Map<Long, LogRecord> now = new HashMap<>();
        records(scan()).forEach(r -> now.put(r.offset(), r));
        for (Rec r : mustSurvive) {
            if (r.offset() >= log.logStartOffset()) {
                LogRecord got = now.get(r.offset());
                assertTrue(got != null && r.sameAs(got), ctx("flushed record " + r + " lost in a crash"));
            }
        }
    }

    /**
     * Damages the active segment file as {@code c} says, never below the bytes of batches under the
     * flushed offset. Returns the base offset of the first batch recovery must drop, or MAX_VALUE.
     */
    private long damage(Crash c, Path file, long flushed) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<Extent> extents = extents(bytes);
        int durable = 0;
        List<Extent> unflushed = new ArrayList<>();
        for (Extent e : extents) {
            if (e.last() < flushed) {
                durable = e.position() + e.sizeBytes();
            } else {
                unflushed.add(e);
            }
        }
        Damage d = c.damage();
        if ((d == Damage.TEAR || d == Damage.FLIP) && unflushed.isEmpty()) {
            d = Damage.GARBAGE;
        }
        if (d == Damage.DUPLICATE && extents.isEmpty()) {
            d = Damage.GARBAGE;
        }
        switch (d) {
            case NONE:
                return Long.MAX_VALUE;
            case CUT: {
                int length = durable + (int) ((long) (bytes.length - durable) * c.permille() / 1000);
                write(file, bytes, length, null);
                return extents.stream()
                        .filter(e -> e.position() + e.sizeBytes() > length)
                        .map(Extent::base)
                        .findFirst()
                        .orElse(Long.MAX_VALUE);
            }
            case TEAR: {
                Extent last = unflushed.get(unflushed.size() - 1);
                int length = last.position() + 1 + (int) ((long) (last.sizeBytes() - 2) * c.permille() / 1000);
                write(file, bytes, length, null);
                return last.base();
            }
            case FLIP: {
                // Base offset, length and leader epoch precede the CRC-covered part by design (Kafka's
                // format), so a flip there is not detectable; flip from the magic byte on.
                Extent victim = unflushed.get(c.permille() * unflushed.size() / 1001);
                int from = victim.position() + BatchHeader.MAGIC_OFFSET;
                int at = from + Math.floorMod(c.garbageBytes() * 7919, victim.position() + victim.sizeBytes() - from);
                bytes[at] ^= (byte) (1 + c.garbageBytes() % 255);
                write(file, bytes, bytes.length, null);
                return victim.base();
            }
            case GARBAGE: {
                byte[] garbage = new byte[c.garbageBytes()];
                new Random(c.permille() * 31L + c.garbageBytes()).nextBytes(garbage);
                write(file, bytes, bytes.length, garbage);
                return Long.MAX_VALUE;
            }
            case DUPLICATE: {
                Extent copy = extents.get(c.permille() * extents.size() / 1001);
                byte[] dup = new byte[copy.sizeBytes()];
                System.arraycopy(bytes, copy.position(), dup, 0, dup.length);
                write(file, bytes, bytes.length, dup);
                return Long.MAX_VALUE;
            }
            default:
                throw new IllegalStateException("unknown damage " + d);
        }
    }

    private static void write(Path file, byte[] bytes, int length, byte[] extra) throws IOException {
        byte[] out = new byte[length + (extra == null ? 0 : extra.length)];
        System.arraycopy(bytes, 0, out, 0, length);
        if (extra != null) {
            System.arraycopy(extra, 0, out, length, extra.length);
        }
        Files.write(file, out);
    }

    private static List<Extent> extents(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<Extent> out = new ArrayList<>();
        for (int pos = 0; pos + BatchHeader.HEADER_BYTES <= bytes.length; ) {
            int size = BatchHeader.sizeBytes(buf, pos);
            out.add(new Extent(pos, size, BatchHeader.baseOffset(buf, pos), BatchHeader.lastOffset(buf, pos)));
            pos += size;
        }
        return out;
    }

    private void restart(Restart r) throws IOException {
        List<Long> bases = log.segmentBaseOffsets();
        log.close();
        log = null;
        long persistedStart = r.keepLogStart() ? model.logStartOffset : 0;
        log = Log.open(dir, config, clock, new LogLoader.Options(true, model.logEndOffset, persistedStart));
        model.reopen(persistedStart, bases.get(0));
        assertEquals(bases, log.segmentBaseOffsets(), ctx("a clean restart keeps every segment"));
    }

    // ---------------------------------------------------------------- invariants

    /** Invariants that hold after every step. */
    private void checkAll() throws IOException {
        assertEquals(model.logEndOffset, log.logEndOffset(), ctx("log end offset"));
        assertEquals(model.logStartOffset, log.logStartOffset(), ctx("log start offset"));
        long flushed = log.flushedOffset();
        assertTrue(flushed <= model.logEndOffset, ctx("flushed offset " + flushed + " past the end"));
        if (config.flushPolicy() == FlushPolicy.FSYNC) {
            assertEquals(model.logEndOffset, flushed, ctx("fsync policy: everything is flushed"));
        }
        List<Long> bases = log.segmentBaseOffsets();
        if (bases.size() >= 4) {
            events.add(Event.FOUR_SEGMENTS);
        }
        for (int i = 1; i < bases.size(); i++) {
            assertTrue(bases.get(i) > bases.get(i - 1), ctx("segment bases increase: " + bases));
        }
        assertTrue(bases.get(0) <= model.logStartOffset, ctx("first segment " + bases + " starts after log start"));
        assertTrue(bases.get(bases.size() - 1) <= model.logEndOffset, ctx("active segment past the end " + bases));
        List<LogPropertiesModel.Epoch> epochs = new ArrayList<>();
        log.leaderEpochCache()
                .entries()
                .forEach(e -> epochs.add(new LogPropertiesModel.Epoch(e.epoch(), e.startOffset())));
        assertEquals(model.epochs, epochs, ctx("leader epoch cache"));

        List<ReadBatch> got = scan();
        List<Batch> expected = model.visibleBatches();
        assertEquals(expected.size(), got.size(), ctx("visible batches " + got.size()));
        for (int i = 0; i < got.size(); i++) {
            assertSame(expected.get(i), got.get(i));
        }
        if (!config.compact()) {
            long next = model.logStartOffset;
            for (Rec r : model.visibleRecords()) {
                assertEquals(next++, r.offset(), ctx("offsets are dense without compaction"));
            }
            assertEquals(model.logEndOffset, next, ctx("records reach the log end offset"));
        }
        if (model.logStartOffset > 0) {
            long below = model.logStartOffset - 1;
            LogException e = assertThrows(
                    LogException.class, () -> log.read(below, 1000, Long.MAX_VALUE, true), ctx("read below start"));
            assertEquals(LogError.OFFSET_OUT_OF_RANGE, e.error());
        }
        long past = model.logEndOffset + 1;
        assertThrows(LogException.class, () -> log.read(past, 1000, Long.MAX_VALUE, true), ctx("read past end"));
        assertTrue(
                log.read(model.logEndOffset, 1000, Long.MAX_VALUE, true).slice().isEmpty(),
                ctx("read at end is empty"));
    }

    /** An offset at {@code permille} of [start, end]; below 0 and above 1000 fall a little outside. */
    private long pick(int permille) {
        long start = model.logStartOffset;
        long end = model.logEndOffset;
        if (permille < 0) {
            return start - 1 + permille / 10;
        }
        if (permille > 1000) {
            return end + 1 + (permille - 1000) / 10;
        }
        return start + (end - start) * permille / 1000;
    }

    private Supplier<String> ctx() {
        return ctx("");
    }

    private Supplier<String> ctx(String what) {
        return () -> what + "\n  config " + config + "\n  after steps:\n    " + String.join("\n    ", history)
                + "\n  model " + model;
    }

    @Override
    public void close() throws IOException {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
