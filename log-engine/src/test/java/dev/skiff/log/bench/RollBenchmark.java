package dev.skiff.log.bench;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.FlushPolicy;
import dev.skiff.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * The one append that rolls a full segment under {@code flush.policy=interval}: setup fills a fresh
 * log to just under {@code segment.bytes} (1 GiB, the default) in 1 MB batches, which stay dirty in
 * the page cache; the measured op appends two more batches, one of which rolls. Measures how long that append
 * (and every other appender, which waits for the log's lock) is held up by the roll.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 1)
@Measurement(iterations = 6)
@State(Scope.Benchmark)
public class RollBenchmark {
    private ByteBuffer batch;
    private Path root;
    private Log log;
    private int invocation;

    @Setup(Level.Trial)
    public void buildBatch() throws IOException {
        batch = BenchLogs.batch(1024, 1024 * 1024, BenchLogs.BASE_TIMESTAMP_MS, 5);
        root = BenchLogs.newRoot("roll");
    }

    @Setup(Level.Invocation)
    public void fillSegment() throws IOException {
        log = BenchLogs.openEmpty(root.resolve("bench-" + invocation++), BenchLogs.config(FlushPolicy.INTERVAL));
        long segmentBytes = log.config().segmentBytes();
        while (log.sizeBytes() + 2L * batch.remaining() <= segmentBytes) {
            log.appendAsLeader(batch.duplicate(), 0);
        }
    }

    @Benchmark
    public AppendInfo appendThatRolls() throws IOException {
        int before = log.segmentCount();
        // The fill leaves room for one more batch at most, so exactly one of these two rolls.
        log.appendAsLeader(batch.duplicate(), 0);
        AppendInfo info = log.appendAsLeader(batch.duplicate(), 0);
        if (log.segmentCount() != before + 1) {
            throw new IllegalStateException("expected one roll, have " + log.segmentCount() + " segments");
        }
        return info;
    }

    @TearDown(Level.Invocation)
    public void deleteLog() throws IOException {
        log.delete();
    }

    @TearDown(Level.Trial)
    public void deleteRoot() throws IOException {
        BenchLogs.deleteRecursively(root);
    }
}
