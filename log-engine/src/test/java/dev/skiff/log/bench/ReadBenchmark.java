package dev.skiff.log.bench;

import dev.skiff.log.FlushPolicy;
import dev.skiff.log.Log;
import dev.skiff.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sequential reads of a pre-filled 256 MB log with {@link Log#read} and 1 MB max bytes, as a
 * consumer catching up would fetch: {@code transferTo} sends each slice to {@code /dev/null}
 * through {@link FileChannel#transferTo} (sendfile; the bytes never enter the heap, and /dev/null
 * discards them without copying, so this measures the read path's own cost: index lookup, batch
 * header scan, syscalls), {@code readAll} copies each slice into a new heap buffer. The log is
 * written and fsynced in setup, so it is read from the page cache. {@code mb} is megabytes (10^6
 * bytes) read per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@State(Scope.Benchmark)
public class ReadBenchmark {
    static final long LOG_BYTES = 256L * 1024 * 1024;
    static final int FETCH_BYTES_MAX = 1024 * 1024;

    /** Bytes per batch in the log (1 KB records, or 100 B ones in 1 KB batches); smaller batches mean more headers to scan. */
    @Param({"16384", "1024"})
    public int batchBytes;

    private Path root;
    private Log log;
    private FileChannel devNull;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        root = BenchLogs.newRoot("read");
        log = BenchLogs.openEmpty(root.resolve("bench-0"), BenchLogs.config(FlushPolicy.INTERVAL));
        int recordBytes = batchBytes >= 16384 ? 1024 : 100;
        BenchLogs.fill(log, BenchLogs.batch(recordBytes, batchBytes, BenchLogs.BASE_TIMESTAMP_MS, 7), LOG_BYTES);
        devNull = FileChannel.open(Paths.get("/dev/null"), StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        devNull.close();
        log.delete();
        BenchLogs.deleteRecursively(root);
    }

    /** The reader's position in the log, and the byte counter. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cursor {
        /** Megabytes read; JMH reports it per second. */
        public double mb;

        long nextOffset;

        @Setup(Level.Iteration)
        public void reset() {
            mb = 0;
        }

        /** The next slice from where the last one ended, starting over at the end of the log. */
        LogSlice next(Log log) throws IOException {
            if (nextOffset >= log.logEndOffset()) {
                nextOffset = log.logStartOffset();
            }
            LogSlice slice = log.read(nextOffset, FETCH_BYTES_MAX, Long.MAX_VALUE, true)
                    .slice()
                    .orElseThrow();
            nextOffset = slice.nextOffset();
            mb += slice.sizeBytes() / BenchLogs.BYTES_PER_MB;
            return slice;
        }
    }

    @Benchmark
    public long transferTo(Cursor cursor) throws IOException {
        return cursor.next(log).transferTo(devNull);
    }

    @Benchmark
    public ByteBuffer readAll(Cursor cursor) throws IOException {
        return cursor.next(log).readAll();
    }
}
