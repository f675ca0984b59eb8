package dev.skiff.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The partitions of one log directory ({@code log.dirs} entry): locks the directory against a
 * second process, opens every partition (trusting the files after a clean shutdown, recovering
 * otherwise), and keeps Kafka's per-directory checkpoints: {@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}, and {@code replication-offset-checkpoint} (high watermarks,
 * which the replication layer owns and hands in). A clean shutdown leaves the marker file {@value
 * #CLEAN_SHUTDOWN_FILE}; it is removed when the directory is opened, so a crash is always noticed.
 *
 * <p>Threads: {@link #getOrCreate}, {@link #deleteLog}, {@link #checkpoint} and {@link #close} are
 * synchronized; the logs themselves are used concurrently as {@link Log} describes.
 */
public final class LogManager implements Closeable {
    public static final String CLEAN_SHUTDOWN_FILE = ".skiff-clean-shutdown";
    public static final String LOCK_FILE = ".lock";
    public static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_FILE = "log-start-offset-checkpoint";
    public static final String HIGH_WATERMARK_FILE = "replication-offset-checkpoint";

    private final Path logDir;
    private final Function<String, LogConfig> configForTopic;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean hadCleanShutdown;
    private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    /** As read at open; a log's high watermark as its replica last knew it. */
    private final Map<TopicPartition, Long> highWatermarks;

    private final long openDurationMs;
    private boolean closed;

    private LogManager(
            Path logDir,
            Function<String, LogConfig> configForTopic,
            Clock clock,
            FileChannel lockChannel,
            FileLock lock,
            boolean hadCleanShutdown,
            long startMs)
            throws IOException {
        this.logDir = logDir;
        this.configForTopic = configForTopic;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.hadCleanShutdown = hadCleanShutdown;
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(logDir.resolve(RECOVERY_POINT_FILE));
        Map<TopicPartition, Long> startOffsets = readCheckpoint(logDir.resolve(LOG_START_OFFSET_FILE));
        this.highWatermarks = Map.copyOf(readCheckpoint(logDir.resolve(HIGH_WATERMARK_FILE)));
        try (Stream<Path> dirs = Files.list(logDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Optional<TopicPartition> tp =
                        TopicPartition.fromDirName(dir.getFileName().toString());
                if (tp.isEmpty()) {
                    continue;
                }
                LogLoader.Options options = new LogLoader.Options(
                        hadCleanShutdown,
                        recoveryPoints.getOrDefault(tp.get(), 0L),
                        startOffsets.getOrDefault(tp.get(), 0L));
                logs.put(tp.get(), Log.open(dir, configForTopic.apply(tp.get().topic()), clock, options));
            }
        }
        this.openDurationMs = clock.millis() - startMs;
    }

    /**
     * Opens {@code logDir}, creating it if needed, with each topic's config from {@code
     * configForTopic}.
     *
     * @throws IOException if another process holds the directory, naming it
     */
    public static LogManager open(Path logDir, Function<String, LogConfig> configForTopic, Clock clock)
            throws IOException {
        long startMs = clock.millis();
        Files.createDirectories(logDir);
        FileChannel lockChannel =
                FileChannel.open(logDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("log directory " + logDir + " is in use by another skiff process; stop it or point "
                    + "log.dirs somewhere else");
        }
        try {
            Path marker = logDir.resolve(CLEAN_SHUTDOWN_FILE);
            boolean clean = Files.deleteIfExists(marker);
            if (clean) {
                SegmentFiles.fsyncDirectory(logDir);
            }
            return new LogManager(logDir, configForTopic, clock, lockChannel, lock, clean, startMs);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    public Path logDir() {
        return logDir;
    }

    /** Whether the previous process closed this directory cleanly (so no segment was scanned). */
    public boolean hadCleanShutdown() {
        return hadCleanShutdown;
    }

    /** Milliseconds spent opening the directory and all its partitions. */
    public long openDurationMs() {
        return openDurationMs;
    }

    public Optional<Log> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<Log> logs() {
        return List.copyOf(logs.values());
    }

    /** The log of {@code tp}, created empty if it does not exist; {@code topicId} guards reuse. */
    public synchronized Log getOrCreate(TopicPartition tp, String topicId) throws IOException {
        ensureOpen();
        Log log = logs.get(tp);
        if (log == null) {
            Path dir = logDir.resolve(tp.dirName());
            Files.createDirectories(dir);
            PartitionMetadataFile.writeOrCheck(dir, topicId);
            log = Log.open(dir, configForTopic.apply(tp.topic()), clock, LogLoader.Options.unclean());
            SegmentFiles.fsyncDirectory(logDir);
            logs.put(tp, log);
        } else {
            PartitionMetadataFile.writeOrCheck(log.dir(), topicId);
        }
        return log;
    }

    /** Closes and deletes the partition's directory. */
    public synchronized void deleteLog(TopicPartition tp) throws IOException {
        Log log = logs.remove(tp);
        if (log != null) {
            log.delete();
            SegmentFiles.fsyncDirectory(logDir);
            checkpoint();
        }
    }

    /** Kafka's delete-records: moves the log start offset and persists it before returning. */
    public synchronized long deleteRecords(TopicPartition tp, long offset) throws IOException {
        Log log = get(tp).orElseThrow(() -> new LogException(LogError.OFFSET_OUT_OF_RANGE, "no log for " + tp));
        long start = log.deleteRecordsBefore(offset);
        checkpoint();
        log.deleteOldSegments();
        return start;
    }

    /** Runs retention on every log; returns the number of segments deleted. */
    public int deleteOldSegments() throws IOException {
        int deleted = 0;
        for (Log log : logs()) {
            if (!log.isOffline()) {
                deleted += log.deleteOldSegments();
            }
        }
        if (deleted > 0) {
            checkpoint();
        }
        return deleted;
    }

    /** The high watermark checkpointed for a log of this directory before this process started. */
    public Optional<Long> checkpointedHighWatermark(TopicPartition tp) {
        return Optional.ofNullable(highWatermarks.get(tp));
    }

    /**
     * Persists high watermarks of this directory's logs (the others are ignored), so that a
     * restarted replica starts from what it knew instead of from the log start.
     */
    public synchronized void checkpointHighWatermarks(Map<TopicPartition, Long> highWatermarks) throws IOException {
        ensureOpen();
        List<String> lines = new ArrayList<>();
        highWatermarks.forEach((tp, hw) -> {
            if (logs.containsKey(tp)) {
                lines.add(tp.topic() + " " + tp.partition() + " " + hw);
            }
        });
        CheckpointFile.write(logDir.resolve(HIGH_WATERMARK_FILE), lines);
    }

    /** Persists every log's recovery point and log start offset. */
    public synchronized void checkpoint() throws IOException {
        List<String> recovery = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        for (Log log : logs.values()) {
            TopicPartition tp = log.topicPartition();
            recovery.add(tp.topic() + " " + tp.partition() + " " + log.flushedOffset());
            starts.add(tp.topic() + " " + tp.partition() + " " + log.logStartOffset());
        }
        CheckpointFile.write(logDir.resolve(RECOVERY_POINT_FILE), recovery);
        CheckpointFile.write(logDir.resolve(LOG_START_OFFSET_FILE), starts);
    }

    /** Flushes and closes every log, writes the checkpoints and the clean-shutdown marker. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            boolean allOnline = true;
            for (Log log : logs.values()) {
                allOnline &= !log.isOffline();
                log.close();
            }
            checkpoint();
            if (allOnline) {
                Files.createFile(logDir.resolve(CLEAN_SHUTDOWN_FILE));
                SegmentFiles.fsyncDirectory(logDir);
            }
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("log manager for " + logDir + " is closed");
        }
    }

    private static Map<TopicPartition, Long> readCheckpoint(Path file) throws IOException {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (String line : CheckpointFile.read(file)) {
            String[] parts = line.trim().split("\\s+");
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("expected 'topic partition offset'");
                }
                out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " has a bad line '" + line + "': " + e.getMessage(), e);
            }
        }
        return out;
    }
}
