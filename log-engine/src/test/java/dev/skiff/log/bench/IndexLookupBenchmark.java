package dev.skiff.log.bench;

import dev.skiff.log.Compression;
import dev.skiff.log.FlushPolicy;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.Log;
import dev.skiff.log.LogSlice;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampOffset;
import dev.skiff.log.TimestampType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random access into a 128 MB log of small batches (8 records of 100 B, about 0.9 KB a batch; the
 * sparse index has an entry every 4 KB): {@code readAtRandomOffset} locates a small slice (4 KB max)
 * from a random offset (offset index lookup, then a scan of batch headers), {@code
 * offsetForTimestamp} finds the first record at or after a random timestamp (time index, offset
 * index, header scan, then the records of one batch decoded). Record {@code n} has timestamp {@code
 * BASE + n} ms, so both answers are known and are checked once in setup. Page-cache resident.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@State(Scope.Benchmark)
public class IndexLookupBenchmark {
    static final long LOG_BYTES = 128L * 1024 * 1024;
    static final int RECORDS_PER_BATCH = 8;
    static final int RECORD_BYTES = 100;
    static final int SLICE_BYTES_MAX = 4096;
    private static final int TARGETS = 1 << 16;

    private Path root;
    private Log log;
    private long[] offsets;
    private long[] timestamps;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        root = BenchLogs.newRoot("index");
        log = BenchLogs.openEmpty(root.resolve("bench-0"), BenchLogs.config(FlushPolicy.INTERVAL));
        SplittableRandom random = new SplittableRandom(11);
        byte[] value = new byte[RECORD_BYTES];
        random.nextBytes(value);
        long offset = 0;
        while (log.sizeBytes() < LOG_BYTES) {
            List<RecordData> records = new ArrayList<>(RECORDS_PER_BATCH);
            for (int i = 0; i < RECORDS_PER_BATCH; i++) {
                records.add(new RecordData(null, value, BenchLogs.BASE_TIMESTAMP_MS + offset + i));
            }
            log.appendAsLeader(KafkaRecordFormat.encode(0, Compression.NONE, TimestampType.CREATE_TIME, records), 0);
            offset += RECORDS_PER_BATCH;
        }
        log.flush();
        offsets = new long[TARGETS];
        timestamps = new long[TARGETS];
        for (int i = 0; i < TARGETS; i++) {
            offsets[i] = random.nextLong(log.logEndOffset());
            timestamps[i] = BenchLogs.BASE_TIMESTAMP_MS + random.nextLong(log.logEndOffset());
        }
        checkAnswers();
    }

    private void checkAnswers() throws IOException {
        for (int i = 0; i < 1000; i++) {
            LogSlice slice = readAt(offsets[i]);
            if (slice.firstOffset() > offsets[i] || slice.nextOffset() <= offsets[i]) {
                throw new IllegalStateException("read at " + offsets[i] + " returned " + slice);
            }
            TimestampOffset hit = log.offsetForTimestamp(timestamps[i]).orElseThrow();
            if (hit.offset() != timestamps[i] - BenchLogs.BASE_TIMESTAMP_MS || hit.timestampMs() != timestamps[i]) {
                throw new IllegalStateException("offsetForTimestamp(" + timestamps[i] + ") returned " + hit);
            }
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        log.delete();
        BenchLogs.deleteRecursively(root);
    }

    /** Walks the precomputed random targets, one per op. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = (i + 1) & (TARGETS - 1);
            return i;
        }
    }

    private LogSlice readAt(long offset) throws IOException {
        return log.read(offset, SLICE_BYTES_MAX, Long.MAX_VALUE, true).slice().orElseThrow();
    }

    @Benchmark
    public LogSlice readAtRandomOffset(Cursor cursor) throws IOException {
        return readAt(offsets[cursor.advance()]);
    }

    @Benchmark
    public TimestampOffset offsetForTimestamp(Cursor cursor) throws IOException {
        return log.offsetForTimestamp(timestamps[cursor.advance()]).orElseThrow();
    }
}
