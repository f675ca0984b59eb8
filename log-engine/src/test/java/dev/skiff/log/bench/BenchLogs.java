package dev.skiff.log.bench;

import dev.skiff.log.Compression;
import dev.skiff.log.FlushPolicy;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.Log;
import dev.skiff.log.LogConfig;
import dev.skiff.log.LogLoader;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Shared helpers for the log-engine JMH benchmarks: where their files go, the configs they use and
 * how batches are built. Not a benchmark itself (no {@code Benchmark} suffix).
 */
final class BenchLogs {
    /** Megabytes as dd reports them (10^6 bytes), so the figures compare directly. */
    static final double BYTES_PER_MB = 1_000_000.0;

    /** A fixed CreateTime for batches whose timestamps do not matter. */
    static final long BASE_TIMESTAMP_MS = 1_800_000_000_000L;

    /**
     * kafka-clients (the record codec) logs through SLF4J, and the tests have no provider: silence
     * SLF4J's warning about that, which would otherwise land in the middle of JMH's output.
     */
    static final String QUIET_SLF4J = "-Dslf4j.internal.verbosity=ERROR";

    private BenchLogs() {}

    /**
     * A fresh directory for one benchmark's files, under {@code $SKIFF_BENCH_DIR} or else {@code
     * target/bench-tmp} of the working directory (the module directory under Maven): on the same disk
     * as the sources, not on a tmpfs, so that fsync costs what it costs on that disk.
     */
    static Path newRoot(String name) throws IOException {
        return Files.createTempDirectory(base(), name + "-");
    }

    /**
     * A directory with a fixed name under the same base, for data that forks may share (it outlives
     * the JVM; {@code mvn clean} or the bench script removes it).
     */
    static Path sharedDir(String name) throws IOException {
        return base().resolve(name);
    }

    private static Path base() throws IOException {
        String env = System.getenv("SKIFF_BENCH_DIR");
        Path base = env != null && !env.isBlank() ? Paths.get(env) : Paths.get("target", "bench-tmp");
        Files.createDirectories(base);
        return base.toAbsolutePath();
    }

    static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Kafka's defaults with the given flush policy; max.message.bytes fits a 1 MB batch. */
    static LogConfig config(FlushPolicy policy) {
        return LogConfig.defaults()
                .with(Map.of(
                        LogConfig.FLUSH_POLICY,
                        policy.name().toLowerCase(java.util.Locale.ROOT),
                        LogConfig.MAX_MESSAGE_BYTES,
                        Integer.toString(2 * 1024 * 1024)));
    }

    static Log openEmpty(Path partitionDir, LogConfig config) throws IOException {
        return Log.open(partitionDir, config, Clock.systemUTC(), LogLoader.Options.unclean());
    }

    /**
     * One uncompressed batch of {@code recordBytes}-byte values (no keys, seeded random bytes) whose
     * encoded size is as close to {@code batchBytes} as possible without exceeding it; every record
     * has CreateTime {@code timestampMs}.
     */
    static ByteBuffer batch(int recordBytes, int batchBytes, long timestampMs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = Math.max(1, (batchBytes - 61) / (recordBytes + 8));
        ByteBuffer best = null;
        for (; count >= 1; count--) {
            ByteBuffer candidate = encode(random, count, recordBytes, timestampMs);
            if (candidate.remaining() <= batchBytes || count == 1) {
                best = candidate;
                break;
            }
        }
        return best;
    }

    private static ByteBuffer encode(SplittableRandom random, int count, int recordBytes, long timestampMs) {
        List<RecordData> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[recordBytes];
            random.nextBytes(value);
            records.add(new RecordData(null, value, timestampMs));
        }
        return KafkaRecordFormat.encode(0, Compression.NONE, TimestampType.CREATE_TIME, records);
    }

    /**
     * Appends {@code batch} again and again until the log holds at least {@code totalBytes}, then
     * fsyncs. The same bytes can be appended repeatedly: the leader rewrites only the base offset and
     * leader epoch, which the CRC does not cover.
     */
    static void fill(Log log, ByteBuffer batch, long totalBytes) throws IOException {
        while (log.sizeBytes() < totalBytes) {
            log.appendAsLeader(batch.duplicate(), 0);
        }
        log.flush();
    }
}
