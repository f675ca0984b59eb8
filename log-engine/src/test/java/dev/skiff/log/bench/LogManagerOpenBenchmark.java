package dev.skiff.log.bench;

import dev.skiff.log.FlushPolicy;
import dev.skiff.log.Log;
import dev.skiff.log.LogConfig;
import dev.skiff.log.LogManager;
import dev.skiff.log.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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
 * {@link LogManager#open} of a log directory with 1,000 partitions (10 topics of 100 partitions,
 * {@value #BATCHES_PER_PARTITION} batches of {@value #RECORDS_PER_BATCH} 100-byte records each),
 * one open per measured op; the manager is closed after each op, outside the measurement.
 *
 * <p>{@code clean}: the directory was closed cleanly, so segments are trusted (index sanity checks,
 * a header scan after the last index entry). {@code unclean}: the clean-shutdown marker is removed
 * before each open, so every segment is recovered (every batch read and CRC-checked, indexes
 * rebuilt, segment fsynced).
 *
 * <p>The directory is built once under {@code bench-tmp/open-1000-partitions} and reused by later
 * forks and runs, so {@code -f 5 -wi 0 -i 1} gives five first opens in fresh JVMs (cold JIT, as at
 * broker start), and the default settings give warm-JIT opens. Either way the files are in the page
 * cache.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = BenchLogs.QUIET_SLF4J)
@Warmup(iterations = 3)
@Measurement(iterations = 15)
@State(Scope.Benchmark)
public class LogManagerOpenBenchmark {
    static final int TOPICS = 10;
    static final int PARTITIONS_PER_TOPIC = 100;
    static final int BATCHES_PER_PARTITION = 3;
    static final int RECORDS_PER_BATCH = 10;
    private static final String READY_FILE = "bench-ready";

    @Param({"clean", "unclean"})
    public String shutdown;

    private Path logDir;
    private LogConfig config;
    private LogManager manager;

    @Setup(Level.Trial)
    public void createPartitions() throws IOException {
        Path root = BenchLogs.sharedDir("open-" + TOPICS * PARTITIONS_PER_TOPIC + "-partitions");
        logDir = root.resolve("log-dir");
        config = BenchLogs.config(FlushPolicy.INTERVAL);
        if (Files.exists(root.resolve(READY_FILE))) {
            return;
        }
        BenchLogs.deleteRecursively(root);
        ByteBuffer batch = BenchLogs.batch(100, 61 + RECORDS_PER_BATCH * 110, BenchLogs.BASE_TIMESTAMP_MS, 3);
        try (LogManager m = open()) {
            for (int t = 0; t < TOPICS; t++) {
                for (int p = 0; p < PARTITIONS_PER_TOPIC; p++) {
                    Log log = m.getOrCreate(new TopicPartition("bench-topic-" + t, p), "topic-id-" + t);
                    for (int b = 0; b < BATCHES_PER_PARTITION; b++) {
                        log.appendAsLeader(batch.duplicate(), 0);
                    }
                }
            }
        }
        Files.createFile(root.resolve(READY_FILE));
    }

    private LogManager open() throws IOException {
        return LogManager.open(logDir, topic -> config, Clock.systemUTC());
    }

    @Setup(Level.Invocation)
    public void prepare() throws IOException {
        if (shutdown.equals("unclean")) {
            Files.delete(logDir.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        }
    }

    @Benchmark
    public LogManager openAll() throws IOException {
        manager = open();
        if (manager.logs().size() != TOPICS * PARTITIONS_PER_TOPIC
                || manager.hadCleanShutdown() != shutdown.equals("clean")) {
            throw new IllegalStateException("opened " + manager.logs().size() + " logs, clean shutdown "
                    + manager.hadCleanShutdown() + ", expected " + shutdown);
        }
        return manager;
    }

    @TearDown(Level.Invocation)
    public void close() throws IOException {
        manager.close();
    }
}
