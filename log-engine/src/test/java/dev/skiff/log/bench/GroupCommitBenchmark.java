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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Several threads append to one log under {@code flush.policy=fsync}: each append returns only
 * after an fsync covers it, and appenders that arrive while an fsync runs share the next one (group
 * commit). Compare the appends per second with {@link AppendBenchmark} at the same sizes under
 * fsync, where every append pays for its own fsync; {@code -t 1}, {@code -t 2}, {@code -t 8} on the
 * command line override the default of 4 threads. {@code mb} is megabytes (10^6 bytes) appended per
 * second over all threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Threads(4)
@State(Scope.Benchmark)
public class GroupCommitBenchmark {
    @Param({"1024"})
    public int recordBytes;

    @Param({"16384", "262144"})
    public int batchBytes;

    private ByteBuffer template;
    private Path root;
    private Log log;
    private int iteration;

    @Setup(Level.Trial)
    public void buildBatch() throws IOException {
        template = BenchLogs.batch(recordBytes, batchBytes, BenchLogs.BASE_TIMESTAMP_MS, 42);
        root = BenchLogs.newRoot("group-commit");
    }

    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        log = BenchLogs.openEmpty(root.resolve("bench-" + iteration++), BenchLogs.config(FlushPolicy.FSYNC));
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws IOException {
        log.delete();
    }

    @TearDown(Level.Trial)
    public void deleteRoot() throws IOException {
        BenchLogs.deleteRecursively(root);
    }

    /** One appender: its own copy of the batch (the log rewrites the header) and its byte counter. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Appender {
        /** Megabytes appended; JMH reports it per second, summed over the threads. */
        public double mb;

        ByteBuffer batch;

        @Setup(Level.Trial)
        public void ownBatch(GroupCommitBenchmark bench) {
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
    public AppendInfo append(Appender appender) throws IOException {
        AppendInfo info = log.appendAsLeader(appender.batch.rewind(), 1);
        appender.mb += info.sizeBytes() / BenchLogs.BYTES_PER_MB;
        return info;
    }
}
