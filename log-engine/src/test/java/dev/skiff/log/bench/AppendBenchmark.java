package dev.skiff.log.bench;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.FlushPolicy;
import dev.skiff.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * {@link Log#appendAsLeader} throughput into a real file, one appender thread, for each flush policy,
 * record size and batch size. The {@code mb} counter is megabytes (10^6 bytes) appended per second.
 *
 * <p>The batch is encoded once; every op appends the same buffer again (position reset, no copy):
 * the leader only rewrites the base offset and leader epoch in the header, which the CRC does not
 * cover, so the bytes stay a valid producer batch. Each iteration starts a fresh log in a fresh
 * directory and deletes it afterwards, so the files never outgrow the disk and every iteration
 * sees the same file sizes; segments roll at the default 1 GiB.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@State(Scope.Benchmark)
public class AppendBenchmark {
    @Param({"fsync", "interval"})
    public String flushPolicy;

    @Param({"1024", "100"})
    public int recordBytes;

    @Param({"16384", "262144", "1048576"})
    public int batchBytes;

    private ByteBuffer template;
    private Path root;
    private Log log;
    private int iteration;

    @Setup(Level.Trial)
    public void buildBatch() throws IOException {
        template = BenchLogs.batch(recordBytes, batchBytes, BenchLogs.BASE_TIMESTAMP_MS, 42);
        root = BenchLogs.newRoot("append");
    }

    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        log = BenchLogs.openEmpty(
                root.resolve("bench-" + iteration++), BenchLogs.config(FlushPolicy.parse(flushPolicy)));
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws IOException {
        log.delete();
    }

    @TearDown(Level.Trial)
    public void deleteRoot() throws IOException {
        BenchLogs.deleteRecursively(root);
    }

    /** Per-thread view of the batch and the byte counter. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Megabytes appended; JMH reports it per second. */
        public double mb;

        ByteBuffer batch;

        @Setup(Level.Trial)
        public void ownBatch(AppendBenchmark bench) {
            // Each thread rewrites the header of its own copy.
            ByteBuffer copy = ByteBuffer.allocate(bench.template.remaining());
            copy.put(bench.template.duplicate()).flip();
            batch = copy;
        }

        @Setup(Level.Iteration)
        public void reset() {
            mb = 0;
        }
    }

    @Benchmark
    public AppendInfo append(Bytes bytes) throws IOException {
        AppendInfo info = log.appendAsLeader(bytes.batch.rewind(), 1);
        bytes.mb += info.sizeBytes() / BenchLogs.BYTES_PER_MB;
        return info;
    }
}
