package dev.skiff.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * One partition's log: segments of Kafka RecordBatch v2 bytes in one directory, the offsets they
 * hold, the leader epoch cache, and the flush state. No threads of its own: retention ({@link
 * #deleteOldSegments}), interval flushes ({@link #maybeFlush}) and compaction ({@link LogCleaner})
 * run when the caller's scheduler calls them.
 *
 * <p>Threads: appends, rolls, truncation and retention take {@code lock} (one writer at a time);
 * reads take no lock and see a consistent prefix, because offsets and sizes are published after
 * the bytes are written. Fsyncs take {@code flushLock} only, so appenders that arrive while one
 * fsync runs are all covered by the next one (group commit).
 *
 * <p>After a write or fsync fails the log is offline: every later call throws {@link
 * LogOfflineException}.
 */
public final class Log implements Closeable {
    private final Path dir;
    private final TopicPartition topicPartition;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final LeaderEpochCache epochCache;
    /** Guarded by {@code lock}. */
    private final ProducerStateManager producerState;

    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock flushLock = new ReentrantLock();

    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long flushedOffset;
    private volatile long lastFlushMs;
    /** Records appended since the last fsync; updated under {@code lock} and {@code flushLock}. */
    private final java.util.concurrent.atomic.AtomicLong unflushedRecords =
            new java.util.concurrent.atomic.AtomicLong();

    private volatile long fsyncCount;
    private volatile IOException offlineCause;
    /** When the active segment was created or opened; segment.ms counts from it if no batch has a timestamp. */
    private long activeCreatedMs;

    Log(
            Path dir,
            LogConfig config,
            Clock clock,
            ConcurrentSkipListMap<Long, LogSegment> segments,
            LeaderEpochCache epochCache,
            long logStartOffset) {
        this.dir = dir;
        this.topicPartition = TopicPartition.fromDirName(dir.getFileName().toString())
                .orElseThrow(() ->
                        new IllegalArgumentException("log directory " + dir + " is not named <topic>-<partition>"));
        this.config = config;
        this.clock = clock;
        this.segments = segments;
        this.epochCache = epochCache;
        this.producerState = new ProducerStateManager(dir, topicPartition);
        this.logEndOffset = segments.lastEntry().getValue().nextOffset();
        this.logStartOffset = Math.max(logStartOffset, segments.firstKey());
        this.flushedOffset = logEndOffset;
        this.lastFlushMs = clock.millis();
        this.activeCreatedMs = lastFlushMs;
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, which must be named {@code
     * <topic>-<partition>}, running recovery as {@code options} say.
     */
    public static Log open(Path dir, LogConfig config, Clock clock, LogLoader.Options options) throws IOException {
        return LogLoader.load(dir, config, clock, options);
    }

    public Path dir() {
        return dir;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    /** Applies new topic configs; they take effect from the next append, roll or retention pass. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    /** Every offset below this is fsynced (Kafka's recovery point). */
    public long flushedOffset() {
        return flushedOffset;
    }

    /** How many fsync rounds ran; with group commit, fewer than the durable appends. */
    public long fsyncCount() {
        return fsyncCount;
    }

    public LeaderEpochCache leaderEpochCache() {
        return epochCache;
    }

    /** The idempotent-producer state; read it under {@link #writeLock()}. */
    ProducerStateManager producerState() {
        return producerState;
    }

    /** Rebuilds the producer state on open from the snapshots at or below {@code trustedUpToOffset}. */
    void loadProducerState(long trustedUpToOffset) throws IOException {
        lock.lock();
        try {
            producerState.load(logStartOffset, logEndOffset, trustedUpToOffset, this::scanHeaders);
        } finally {
            lock.unlock();
        }
    }

    private void scanHeaders(long fromOffset, LogSegment.BatchVisitor visitor) throws IOException {
        Long floor = segments.floorKey(fromOffset);
        for (LogSegment s : (floor == null ? segments : segments.tailMap(floor, true)).values()) {
            s.forEachBatchHeader(visitor);
        }
    }

    /**
     * Forgets idempotent producers whose newest batch is older than {@code expirationMs}
     * (producer.id.expiration.ms); the caller's scheduler runs it, like retention.
     *
     * @return how many were removed
     */
    public int removeExpiredProducers(long expirationMs) {
        lock.lock();
        try {
            return producerState.removeExpired(clock.millis(), expirationMs);
        } finally {
            lock.unlock();
        }
    }

    public int segmentCount() {
        return segments.size();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    /** Bytes in all segment files. */
    public long sizeBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.sizeBytes();
        }
        return total;
    }

    public boolean isOffline() {
        return offlineCause != null;
    }

    /**
     * Appends batches from a producer, as the partition leader: the log assigns offsets from the log
     * end offset, stamps {@code leaderEpoch} (and the time, with LogAppendTime) into each batch, and
     * returns once the batches are durable under the flush policy. The buffer (position to limit,
     * one or more whole batches) is modified in place and written as is; nothing is written unless
     * every batch is valid.
     *
     * <p>A batch of an idempotent producer (producer id &ge; 0, alone in its request) is checked
     * against the producer state: a retry of one of its last 5 batches is not written again and is
     * answered with the original offsets ({@link AppendInfo#duplicate()}).
     *
     * @throws LogException if a batch is invalid or out of sequence; the log is unchanged
     */
    public AppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch) throws IOException {
        return appendAsLeader(records, leaderEpoch, true);
    }

    /**
     * {@link #appendAsLeader(ByteBuffer, int)}, but under the fsync policy it returns once the bytes
     * are written, leaving their fsync to the caller ({@link #flushUpTo}, usually on another
     * thread): so the next request can be written while one fsync runs, and one fsync covers
     * both (group commit). The interval policy flushes as usual.
     */
    public AppendInfo appendAsLeaderWithoutFsync(ByteBuffer records, int leaderEpoch) throws IOException {
        return appendAsLeader(records, leaderEpoch, false);
    }

    private AppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch, boolean fsync) throws IOException {
        LogConfig cfg = config;
        ensureOnline();
        RequestValidator.Validation v = RequestValidator.validate(records, cfg, true, topicPartition);
        AppendInfo info;
        lock.lock();
        try {
            ensureOnline();
            Optional<ProducerStateManager.BatchMetadata> duplicate = checkProducer(records);
            if (duplicate.isPresent()) {
                ProducerStateManager.BatchMetadata b = duplicate.get();
                info = new AppendInfo(
                        b.firstOffset(), b.lastOffset(), BatchHeader.NO_TIMESTAMP, b.maxTimestampMs(), 1, 0, true);
            } else {
                info = appendAsLeaderLocked(records, leaderEpoch, cfg, v);
            }
        } finally {
            lock.unlock();
        }
        if (fsync || cfg.flushPolicy() != FlushPolicy.FSYNC) {
            afterAppend(info.lastOffset());
        }
        return info;
    }

    private Optional<ProducerStateManager.BatchMetadata> checkProducer(ByteBuffer records) {
        int pos = records.position();
        long producerId = BatchHeader.producerId(records, pos);
        if (producerId < 0) {
            return Optional.empty();
        }
        return producerState.checkLeaderBatch(
                producerId,
                BatchHeader.producerEpoch(records, pos),
                BatchHeader.baseSequence(records, pos),
                BatchHeader.lastSequence(records, pos));
    }

    private AppendInfo appendAsLeaderLocked(
            ByteBuffer records, int leaderEpoch, LogConfig cfg, RequestValidator.Validation v) throws IOException {
        long now = clock.millis();
        long logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? now : BatchHeader.NO_TIMESTAMP;
        long next = logEndOffset;
        long maxTs = BatchHeader.NO_TIMESTAMP;
        for (int pos = records.position(); pos < records.limit(); pos += BatchHeader.sizeBytes(records, pos)) {
            BatchHeader.setBaseOffset(records, pos, next);
            BatchHeader.setPartitionLeaderEpoch(records, pos, leaderEpoch);
            if (logAppendTime != BatchHeader.NO_TIMESTAMP) {
                BatchHeader.setLogAppendTime(records, pos, logAppendTime);
            }
            maxTs = Math.max(maxTs, BatchHeader.maxTimestamp(records, pos));
            next = BatchHeader.lastOffset(records, pos) + 1;
        }
        long first = logEndOffset;
        if (leaderEpoch > epochCache.latestEpoch()) {
            epochCache.assign(leaderEpoch, first);
        }
        appendLocked(records, first, next - 1, v.recordCount(), maxTs, now);
        return new AppendInfo(first, next - 1, logAppendTime, maxTs, v.batchCount(), records.remaining());
    }

    /**
     * Appends batches fetched from the leader, keeping their offsets and leader epochs. The first
     * batch must start at or after the log end offset (gaps are allowed: compaction makes them).
     *
     * @throws LogException if a batch is invalid or the offsets go backwards; the log is unchanged
     */
    public AppendInfo appendAsFollower(ByteBuffer records) throws IOException {
        LogConfig cfg = config;
        ensureOnline();
        RequestValidator.Validation v = RequestValidator.validate(records, cfg, false, topicPartition);
        AppendInfo info;
        lock.lock();
        try {
            ensureOnline();
            long first = BatchHeader.baseOffset(records, records.position());
            if (first < logEndOffset) {
                throw new LogException(
                        LogError.OFFSET_OUT_OF_RANGE,
                        "follower batch starts at offset " + first
                                + " below the log end offset " + logEndOffset + " of " + topicPartition
                                + "; truncate to the leader's epoch end offset first");
            }
            long maxTs = BatchHeader.NO_TIMESTAMP;
            long last = first;
            for (int pos = records.position(); pos < records.limit(); pos += BatchHeader.sizeBytes(records, pos)) {
                int epoch = BatchHeader.partitionLeaderEpoch(records, pos);
                if (epoch > epochCache.latestEpoch()) {
                    epochCache.assign(epoch, BatchHeader.baseOffset(records, pos));
                }
                maxTs = Math.max(maxTs, BatchHeader.maxTimestamp(records, pos));
                last = BatchHeader.lastOffset(records, pos);
            }
            appendLocked(records, first, last, v.recordCount(), maxTs, clock.millis());
            info = new AppendInfo(first, last, BatchHeader.NO_TIMESTAMP, maxTs, v.batchCount(), records.remaining());
        } finally {
            lock.unlock();
        }
        afterAppend(info.lastOffset());
        return info;
    }

    private void appendLocked(
            ByteBuffer records, long firstOffset, long lastOffset, long recordCount, long maxTimestampMs, long nowMs)
            throws IOException {
        maybeRoll(records.remaining(), firstOffset, lastOffset, maxTimestampMs, nowMs);
        try {
            segments.lastEntry().getValue().append(records);
        } catch (IOException e) {
            throw goOffline(e);
        }
        unflushedRecords.addAndGet(recordCount);
        for (int pos = records.position(); pos < records.limit(); pos += BatchHeader.sizeBytes(records, pos)) {
            producerState.updateFromBatch(records, pos);
        }
        logEndOffset = lastOffset + 1;
    }

    private void afterAppend(long lastOffset) throws IOException {
        LogConfig cfg = config;
        if (cfg.flushPolicy() == FlushPolicy.FSYNC) {
            flushUpTo(lastOffset + 1);
        } else if (unflushedRecords.get() >= cfg.flushMessages() || clock.millis() - lastFlushMs >= cfg.flushMs()) {
            flushUpTo(lastOffset + 1);
        }
    }

    /**
     * Kafka's roll rules: the segment would outgrow segment.bytes; the incoming records are more
     * than segment.ms newer than the segment's first batch (or, without timestamps, the segment is
     * that old); an index is full; or relative offsets would overflow.
     */
    private void maybeRoll(int bytes, long firstOffset, long lastOffset, long incomingMaxTimestampMs, long nowMs)
            throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        LogConfig cfg = config;
        long waitedMs = active.firstBatchTimestampMs() >= 0
                ? incomingMaxTimestampMs - active.firstBatchTimestampMs()
                : nowMs - activeCreatedMs;
        boolean roll = active.sizeBytes() > 0
                && (active.sizeBytes() + (long) bytes > cfg.segmentBytes()
                        || waitedMs > cfg.segmentMs()
                        || active.indexesFull()
                        || lastOffset - active.baseOffset() > Integer.MAX_VALUE);
        if (roll) {
            rollLocked(firstOffset);
        }
    }

    /** Starts a new active segment at the log end offset, unless the active one is empty. */
    public void roll() throws IOException {
        lock.lock();
        try {
            ensureOnline();
            if (segments.lastEntry().getValue().sizeBytes() > 0) {
                rollLocked(logEndOffset);
            }
        } finally {
            lock.unlock();
        }
    }

    private void rollLocked(long newBaseOffset) throws IOException {
        try {
            LogSegment old = segments.lastEntry().getValue();
            old.onRolled(config.flushPolicy() == FlushPolicy.FSYNC);
            producerState.takeSnapshot(newBaseOffset);
            LogSegment fresh = LogSegment.create(dir, newBaseOffset, config);
            segments.put(newBaseOffset, fresh);
            activeCreatedMs = clock.millis();
            SegmentFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw goOffline(e);
        }
    }

    /**
     * Reads whole batches from the one that contains {@code startOffset}: at most {@code maxBytes}
     * (at least one batch when {@code minOneBatch}, even if larger), and none at or past {@code
     * maxOffsetExclusive} (pass the high watermark to serve consumers). Reading at the log end
     * offset gives no batches.
     *
     * @throws LogException with OFFSET_OUT_OF_RANGE if {@code startOffset} is below the log start
     *     offset or above the log end offset
     */
    public LogReadInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
            throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
        }
        for (int attempt = 0; ; attempt++) {
            ensureOnline();
            long start = logStartOffset;
            long end = logEndOffset;
            if (startOffset < start || startOffset > end) {
                throw new LogException(
                        LogError.OFFSET_OUT_OF_RANGE,
                        "offset " + startOffset + " is outside [" + start + ", " + end + "] of " + topicPartition);
            }
            long limit = Math.min(maxOffsetExclusive, end);
            try {
                Map.Entry<Long, LogSegment> e = segments.floorEntry(startOffset);
                if (e == null) {
                    e = segments.firstEntry();
                }
                while (e != null && startOffset < limit) {
                    Optional<LogSlice> slice = e.getValue().read(startOffset, maxBytes, limit, minOneBatch);
                    if (slice.isPresent()) {
                        return new LogReadInfo(slice, start, end);
                    }
                    if (e.getValue().sizeBytes() > 0
                            && startOffset < e.getValue().nextOffset()) {
                        // The batch holding or following startOffset is here but over maxBytes or the
                        // offset limit; serving a later segment instead would skip it.
                        return new LogReadInfo(Optional.empty(), start, end);
                    }
                    e = segments.higherEntry(e.getKey());
                }
                return new LogReadInfo(Optional.empty(), start, end);
            } catch (ClosedChannelException ex) {
                // Retention or compaction replaced the segment under us; look again at the new map.
                if (attempt >= 3) {
                    throw ex;
                }
            }
        }
    }

    /**
     * The first record at or after {@code timestampMs} (Kafka's ListOffsets by timestamp), from the
     * segments' max timestamps and time indexes; empty if every record is older.
     */
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) throws IOException {
        ensureOnline();
        for (LogSegment s : segments.values()) {
            if (s.maxTimestampMs() < timestampMs) {
                continue;
            }
            Optional<ByteBuffer> batch = s.firstBatchAtOrAfter(timestampMs);
            if (batch.isPresent()) {
                long[] hit = KafkaRecordFormat.firstRecordAtOrAfter(batch.get(), timestampMs);
                if (hit != null) {
                    return Optional.of(new TimestampOffset(Math.max(hit[0], logStartOffset), hit[1]));
                }
            }
        }
        return Optional.empty();
    }

    /** Fsyncs everything appended so far. */
    public void flush() throws IOException {
        flushUpTo(logEndOffset);
    }

    /** With the interval policy, fsyncs if {@code flush.ms} has passed since the last fsync. */
    public void maybeFlush() throws IOException {
        ensureOnline();
        if (unflushedRecords.get() > 0 && clock.millis() - lastFlushMs >= config.flushMs()) {
            flush();
        }
    }

    /**
     * Makes every offset below {@code offset} durable. Group commit: the fsync covers everything
     * appended before it started, so appenders queued behind it usually find their work done.
     */
    public void flushUpTo(long offset) throws IOException {
        ensureOnline();
        if (flushedOffset >= offset) {
            return;
        }
        flushLock.lock();
        try {
            ensureOnline();
            if (flushedOffset >= offset) {
                return;
            }
            long target = logEndOffset;
            long unflushed = unflushedRecords.get();
            Long from = segments.floorKey(flushedOffset);
            for (LogSegment s : (from == null ? segments : segments.tailMap(from, true)).values()) {
                try {
                    s.flush();
                } catch (ClosedChannelException e) {
                    if (!s.isDeleted()) {
                        throw e;
                    }
                }
            }
            flushedOffset = Math.max(flushedOffset, target);
            fsyncCount++;
            unflushedRecords.addAndGet(-unflushed);
            lastFlushMs = clock.millis();
        } catch (IOException e) {
            throw goOffline(e);
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * Retention: deletes whole segments that lie below the log start offset, and with {@code
     * cleanup.policy} delete, those whose newest record is older than {@code retention.ms} and the
     * oldest while the log is over {@code retention.bytes}. Advances the log start offset.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() throws IOException {
        lock.lock();
        try {
            ensureOnline();
            LogConfig cfg = config;
            long now = clock.millis();
            int deleted = deleteWhile(s -> nextBase(s) <= logStartOffset);
            if (cfg.delete() && cfg.retentionMs() >= 0) {
                LogSegment active = segments.lastEntry().getValue();
                if (active.sizeBytes() > 0 && expired(active, now, cfg)) {
                    rollLocked(logEndOffset);
                }
                deleted += deleteWhile(s -> expired(s, now, cfg));
            }
            if (cfg.delete() && cfg.retentionBytes() >= 0) {
                long[] excess = {sizeBytes() - cfg.retentionBytes()};
                deleted += deleteWhile(s -> {
                    if (excess[0] - s.sizeBytes() < 0) {
                        return false;
                    }
                    excess[0] -= s.sizeBytes();
                    return true;
                });
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    private interface SegmentTest {
        boolean test(LogSegment s) throws IOException;
    }

    private int deleteWhile(SegmentTest test) throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            LogSegment oldest = segments.firstEntry().getValue();
            if (!test.test(oldest)) {
                break;
            }
            segments.remove(oldest.baseOffset());
            try {
                oldest.delete();
            } catch (IOException e) {
                throw goOffline(e);
            }
            deleted++;
        }
        if (deleted > 0) {
            logStartOffset = Math.max(logStartOffset, segments.firstKey());
            epochCache.truncateFromStart(logStartOffset);
            producerState.onLogStartOffsetIncremented(logStartOffset);
        }
        return deleted;
    }

    private long nextBase(LogSegment s) {
        Long next = segments.higherKey(s.baseOffset());
        return next == null ? Long.MAX_VALUE : next;
    }

    private static boolean expired(LogSegment s, long nowMs, LogConfig cfg) throws IOException {
        long ts = s.maxTimestampMs() >= 0 ? s.maxTimestampMs() : s.lastModifiedMs();
        return nowMs - ts > cfg.retentionMs();
    }

    /**
     * Moves the log start offset forward (Kafka's delete-records); segments wholly below it go at
     * the next {@link #deleteOldSegments}. The caller persists the new start (see {@link
     * LogManager#deleteRecords}).
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        lock.lock();
        try {
            ensureOnline();
            if (offset > logEndOffset || offset < 0) {
                throw new LogException(
                        LogError.OFFSET_OUT_OF_RANGE,
                        "cannot delete records before offset " + offset + ": the log ends at " + logEndOffset);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                epochCache.truncateFromStart(offset);
                producerState.onLogStartOffsetIncremented(offset);
            }
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every batch at or after {@code offset} (a replica that follows a new leader). The
     * batch containing {@code offset} goes whole. Below the log start offset, the log restarts
     * empty at {@code offset}; if the removed batch began below the log start offset, the log start
     * offset comes back to the new end (the log is then empty there), as Kafka does.
     */
    public void truncateTo(long offset) throws IOException {
        lock.lock();
        try {
            ensureOnline();
            if (offset >= logEndOffset) {
                return;
            }
            if (offset < logStartOffset || offset <= segments.firstKey()) {
                truncateFullyAndStartAtLocked(Math.max(offset, 0));
                return;
            }
            try {
                for (LogSegment s :
                        new ArrayList<>(segments.tailMap(offset, true).values())) {
                    segments.remove(s.baseOffset());
                    s.delete();
                }
                LogSegment active = segments.lastEntry().getValue();
                active.truncateTo(offset);
                active.makeActive(config.segmentIndexBytes());
                active.flush();
                logEndOffset = active.nextOffset();
                logStartOffset = Math.min(logStartOffset, logEndOffset);
                flushedOffset = Math.min(flushedOffset, logEndOffset);
                epochCache.truncateFromEnd(logEndOffset);
                producerState.truncateAndReload(logStartOffset, logEndOffset, this::scanHeaders);
            } catch (IOException e) {
                throw goOffline(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and restarts the log, empty, at {@code newOffset}. */
    public void truncateFullyAndStartAt(long newOffset) throws IOException {
        lock.lock();
        try {
            ensureOnline();
            truncateFullyAndStartAtLocked(newOffset);
        } finally {
            lock.unlock();
        }
    }

    private void truncateFullyAndStartAtLocked(long newOffset) throws IOException {
        try {
            List<LogSegment> all = new ArrayList<>(segments.values());
            LogSegment fresh = null;
            for (LogSegment s : all) {
                segments.remove(s.baseOffset());
                s.delete();
            }
            fresh = LogSegment.create(dir, newOffset, config);
            segments.put(newOffset, fresh);
            SegmentFiles.fsyncDirectory(dir);
            logStartOffset = newOffset;
            logEndOffset = newOffset;
            flushedOffset = newOffset;
            epochCache.clear();
            producerState.clear();
        } catch (IOException e) {
            throw goOffline(e);
        }
    }

    /** Non-active segments, oldest first: the ones compaction may rewrite. */
    List<LogSegment> inactiveSegments() {
        List<LogSegment> all = new ArrayList<>(segments.values());
        return all.subList(0, all.size() - 1);
    }

    ReentrantLock writeLock() {
        return lock;
    }

    /**
     * Installs a compacted copy of {@code old}, written and fsynced at {@code cleanedFile}: renames it
     * to {@code .swap} (the commit point, completed by recovery after a crash), then replaces the
     * segment. Returns false, deleting the copy, if {@code old} changed meanwhile.
     */
    boolean replaceSegment(LogSegment old, int oldSizeBytes, Path cleanedFile) throws IOException {
        lock.lock();
        try {
            ensureOnline();
            if (segments.get(old.baseOffset()) != old
                    || old.sizeBytes() != oldSizeBytes
                    || segments.lastKey() == old.baseOffset()) {
                Files.deleteIfExists(cleanedFile);
                return false;
            }
            try {
                Path swap = LogLoader.swapFile(dir, old.baseOffset());
                Files.move(cleanedFile, swap, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                SegmentFiles.fsyncDirectory(dir);
                segments.remove(old.baseOffset());
                old.delete();
                LogSegment fresh = LogLoader.completeSwap(dir, old.baseOffset(), config);
                segments.put(fresh.baseOffset(), fresh);
                return true;
            } catch (IOException e) {
                throw goOffline(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes after an fsync; the files stay as a clean shutdown leaves them. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (offlineCause == null) {
                flush();
                producerState.takeSnapshot(logEndOffset);
            }
            for (LogSegment s : segments.values()) {
                s.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Test hook for crash simulations: releases file handles without flushing or trimming. */
    void abandon() throws IOException {
        for (LogSegment s : segments.values()) {
            s.abandon();
        }
    }

    /** Closes the log and deletes its directory. */
    public void delete() throws IOException {
        lock.lock();
        try {
            for (LogSegment s : segments.values()) {
                s.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            offlineCause = new IOException("deleted");
        } finally {
            lock.unlock();
        }
    }

    private void ensureOnline() throws LogOfflineException {
        IOException cause = offlineCause;
        if (cause != null) {
            throw cause instanceof LogOfflineException off ? off : new LogOfflineException(dir, cause);
        }
    }

    private IOException goOffline(IOException e) {
        if (offlineCause == null) {
            offlineCause = new LogOfflineException(dir, e);
        }
        return e instanceof LogOfflineException ? e : new LogOfflineException(dir, e);
    }

    @Override
    public String toString() {
        return "Log(" + topicPartition + ", offsets " + logStartOffset + ".." + logEndOffset + ", " + segments.size()
                + " segments)";
    }
}
