package dev.skiff.log;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One segment of a partition: the {@code .log} file of RecordBatch v2 bytes whose first offset is
 * {@link #baseOffset()}, with its sparse offset and time indexes.
 *
 * <p>Threads: the log's owner appends, truncates, recovers and closes under the log's lock; any
 * thread may read concurrently. {@link #sizeBytes} only ever advances over whole, written batches
 * and is published (volatile) after the bytes are in the file, so readers never see a partial
 * batch.
 */
final class LogSegment implements Closeable {
    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;

    private volatile int sizeBytes;
    private volatile long nextOffset;
    private volatile long maxTimestampMs = BatchHeader.NO_TIMESTAMP;
    private long offsetOfMaxTimestamp;
    private long firstBatchTimestampMs = BatchHeader.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;
    /** An index file was missing or corrupt at open and came back empty: only {@link #recover} fixes it. */
    private boolean indexLost;

    private volatile boolean deleted;

    private LogSegment(Path dir, long baseOffset, LogConfig config, Path logFile) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.channel =
                FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            channel.close();
            throw new IOException(logFile + " is " + size + " bytes; a segment holds at most 2 GiB");
        }
        this.sizeBytes = (int) size;
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestamp = baseOffset;
        OffsetIndex oi = null;
        try {
            oi = openOffsetIndex(config);
            this.offsetIndex = oi;
            this.timeIndex = openTimeIndex(config);
        } catch (IOException | RuntimeException e) {
            if (oi != null) {
                oi.close();
            }
            channel.close();
            throw e;
        }
    }

    /** Creates an empty segment (files included) at {@code baseOffset}, with preallocated indexes. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config) throws IOException {
        Files.deleteIfExists(SegmentFiles.index(dir, baseOffset));
        Files.deleteIfExists(SegmentFiles.timeIndex(dir, baseOffset));
        LogSegment s = new LogSegment(dir, baseOffset, config, SegmentFiles.log(dir, baseOffset));
        if (s.sizeBytes != 0) {
            s.close();
            throw new IOException(SegmentFiles.log(dir, baseOffset) + " already exists and is not empty");
        }
        return s;
    }

    /**
     * Opens an existing segment without reading its batches; call {@link #loadTrustingIndexes} or
     * {@link #recover} next. A missing or corrupt index file comes back empty, and {@link
     * #loadTrustingIndexes} then refuses the segment so that the loader rebuilds it.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config) throws IOException {
        return new LogSegment(dir, baseOffset, config, SegmentFiles.log(dir, baseOffset));
    }

    /** Opens a compaction output file (any name) that will be renamed into place later. */
    static LogSegment openFile(Path dir, long baseOffset, LogConfig config, Path logFile) throws IOException {
        return new LogSegment(dir, baseOffset, config, logFile);
    }

    private OffsetIndex openOffsetIndex(LogConfig config) throws IOException {
        Path p = SegmentFiles.index(dir, baseOffset);
        indexLost |= !Files.exists(p);
        try {
            return new OffsetIndex(p, baseOffset, config.segmentIndexBytes());
        } catch (IndexFile.CorruptIndexException e) {
            indexLost = true;
            Files.delete(p);
            return new OffsetIndex(p, baseOffset, config.segmentIndexBytes());
        }
    }

    private TimeIndex openTimeIndex(LogConfig config) throws IOException {
        Path p = SegmentFiles.timeIndex(dir, baseOffset);
        indexLost |= !Files.exists(p);
        try {
            return new TimeIndex(p, baseOffset, config.segmentIndexBytes());
        } catch (IndexFile.CorruptIndexException e) {
            indexLost = true;
            Files.delete(p);
            return new TimeIndex(p, baseOffset, config.segmentIndexBytes());
        }
    }

    long baseOffset() {
        return baseOffset;
    }

    int sizeBytes() {
        return sizeBytes;
    }

    /** The offset after the last batch; the base offset when empty. */
    long nextOffset() {
        return nextOffset;
    }

    /** The largest record timestamp in the segment, or -1 if no batch carries one. */
    long maxTimestampMs() {
        return maxTimestampMs;
    }

    /** The max timestamp of the first batch, which {@code segment.ms} is measured from; -1 when empty. */
    long firstBatchTimestampMs() {
        return firstBatchTimestampMs;
    }

    boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    Path logFile() {
        return SegmentFiles.log(dir, baseOffset);
    }

    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile()).toMillis();
    }

    /**
     * Trusts the files of a cleanly closed segment: checks the indexes, then reads only the batch
     * headers after the last index entry to find the next offset and the max timestamp.
     *
     * @throws IndexFile.CorruptIndexException if an index or the tail does not add up; the caller
     *     then runs {@link #recover}
     */
    void loadTrustingIndexes() throws IOException {
        if (indexLost) {
            throw new IndexFile.CorruptIndexException("an index of " + logFile() + " was missing or corrupt");
        }
        offsetIndex.sanityCheck(Long.MAX_VALUE, sizeBytes);
        timeIndex.sanityCheck(Long.MAX_VALUE, sizeBytes);
        TimeIndex.Entry lastTime = timeIndex.lastEntry();
        maxTimestampMs = lastTime.timestampMs();
        offsetOfMaxTimestamp = lastTime.offset();
        OffsetIndex.Entry last = offsetIndex.lastEntry();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        long next = Math.max(baseOffset, last.offset() + 1);
        int pos = last.position();
        while (pos < sizeBytes) {
            if (!readHeader(pos, header)
                    || BatchHeader.sizeBytes(header, 0) < BatchHeader.HEADER_BYTES
                    || pos + BatchHeader.sizeBytes(header, 0) > sizeBytes
                    || BatchHeader.lastOffset(header, 0) < next - 1) {
                throw new IndexFile.CorruptIndexException(logFile() + " does not match its index at position " + pos);
            }
            noteTimestamp(BatchHeader.maxTimestamp(header, 0), BatchHeader.lastOffset(header, 0));
            next = BatchHeader.lastOffset(header, 0) + 1;
            pos += BatchHeader.sizeBytes(header, 0);
        }
        nextOffset = next;
        bytesSinceLastIndexEntry = sizeBytes - last.position();
        if (sizeBytes > 0 && readHeader(0, header)) {
            firstBatchTimestampMs = BatchHeader.maxTimestamp(header, 0);
        }
    }

    /**
     * Validates every batch from the start (sizes, magic, CRC, increasing offsets), rebuilds both
     * indexes, and truncates the file at the first batch that is torn or invalid.
     *
     * @return the number of bytes truncated
     */
    int recover(int maxMessageBytes, int maxIndexBytes) throws IOException {
        offsetIndex.resetEntries();
        timeIndex.resetEntries();
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
        maxTimestampMs = BatchHeader.NO_TIMESTAMP;
        offsetOfMaxTimestamp = baseOffset;
        firstBatchTimestampMs = BatchHeader.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        int end = (int) Math.min(channel.size(), Integer.MAX_VALUE);
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        ByteBuffer batch = ByteBuffer.allocate(0);
        long next = baseOffset;
        int pos = 0;
        while (pos < end) {
            if (!readHeader(pos, header)) {
                break;
            }
            int size = BatchHeader.sizeBytes(header, 0);
            if (size < BatchHeader.HEADER_BYTES
                    || size > Math.max(maxMessageBytes, BatchHeader.HEADER_BYTES)
                    || size > end - pos) {
                break;
            }
            if (batch.capacity() < size) {
                batch = ByteBuffer.allocate(Math.max(size, batch.capacity() * 2));
            }
            batch.clear().limit(size);
            readFully(batch, pos);
            if (!validBatch(batch, size, next)) {
                break;
            }
            long lastOffset = BatchHeader.lastOffset(batch, 0);
            indexBatch(pos, size, lastOffset, BatchHeader.maxTimestamp(batch, 0));
            next = lastOffset + 1;
            pos += size;
        }
        int truncated = end - pos;
        if (truncated > 0) {
            try {
                channel.truncate(pos);
            } catch (IOException e) {
                throw withFile("recovery truncation to position " + pos, e);
            }
        }
        sizeBytes = pos;
        nextOffset = next;
        return truncated;
    }

    private boolean validBatch(ByteBuffer batch, int size, long expectedMinOffset) {
        try {
            BatchHeader.validate(batch, 0, size, Integer.MAX_VALUE);
        } catch (LogException e) {
            return false;
        }
        long base = BatchHeader.baseOffset(batch, 0);
        long last = BatchHeader.lastOffset(batch, 0);
        return base >= expectedMinOffset && last - baseOffset <= Integer.MAX_VALUE;
    }

    /**
     * Appends validated batches whose offsets follow {@link #nextOffset()}; the buffer's position to
     * limit holds whole batches. Updates the indexes every {@code index.interval.bytes}.
     */
    void append(ByteBuffer batches) throws IOException {
        int start = sizeBytes;
        int from = batches.position();
        int to = batches.limit();
        ByteBuffer src = batches.duplicate();
        long position = start;
        try {
            while (src.hasRemaining()) {
                position += channel.write(src, position);
            }
        } catch (IOException e) {
            throw withFile("append at position " + start, e);
        }
        long last = nextOffset - 1;
        for (int p = from; p < to; ) {
            int size = BatchHeader.sizeBytes(batches, p);
            last = BatchHeader.lastOffset(batches, p);
            indexBatch(start + (p - from), size, last, BatchHeader.maxTimestamp(batches, p));
            p += size;
        }
        sizeBytes = start + (to - from);
        nextOffset = last + 1;
    }

    private void indexBatch(int filePosition, int size, long lastOffset, long maxTs) {
        if (firstBatchTimestampMs == BatchHeader.NO_TIMESTAMP && filePosition == 0) {
            firstBatchTimestampMs = maxTs;
        }
        noteTimestamp(maxTs, lastOffset);
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull() && !timeIndex.isFull()) {
            offsetIndex.append(lastOffset, filePosition);
            timeIndex.maybeAppend(maxTimestampMs, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
    }

    private void noteTimestamp(long ts, long offset) {
        if (ts > maxTimestampMs) {
            maxTimestampMs = ts;
            offsetOfMaxTimestamp = offset;
        }
    }

    /**
     * Whole batches from the one containing {@code startOffset}: at most {@code maxBytes} (but at
     * least one batch if {@code minOneBatch}), none whose last offset reaches {@code
     * maxOffsetExclusive}. Empty if there is no such batch here.
     */
    Optional<LogSlice> read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
            throws IOException {
        int size = sizeBytes;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        int pos = offsetIndex.lookup(startOffset).position();
        long firstOffset = -1;
        int first = -1;
        int total = 0;
        long next = -1;
        while (pos < size && readHeader(pos, header)) {
            long last = BatchHeader.lastOffset(header, 0);
            int batchSize = BatchHeader.sizeBytes(header, 0);
            if (first < 0 && last < startOffset) {
                pos += batchSize;
                continue;
            }
            if (last >= maxOffsetExclusive || (total + (long) batchSize > maxBytes && !(total == 0 && minOneBatch))) {
                break;
            }
            if (first < 0) {
                first = pos;
                firstOffset = BatchHeader.baseOffset(header, 0);
            }
            total += batchSize;
            next = last + 1;
            pos += batchSize;
        }
        return total == 0
                ? Optional.empty()
                : Optional.of(new LogSlice(logFile(), channel, first, total, firstOffset, next));
    }

    /** Receives whole batches, each at position 0 of a buffer that is reused for the next one. */
    interface BatchVisitor {
        void visit(ByteBuffer batch) throws IOException;
    }

    /** Reads every batch of the segment in order, one at a time, into a reused heap buffer. */
    void forEachBatch(BatchVisitor visitor) throws IOException {
        int size = sizeBytes;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        ByteBuffer batch = ByteBuffer.allocate(0);
        for (int pos = 0; pos < size && readHeader(pos, header); ) {
            int batchSize = BatchHeader.sizeBytes(header, 0);
            if (batch.capacity() < batchSize) {
                batch = ByteBuffer.allocate(batchSize);
            }
            batch.clear().limit(batchSize);
            readFully(batch, pos);
            batch.flip();
            visitor.visit(batch);
            pos += batchSize;
        }
    }

    /** Reads the 61-byte header of every batch in order, each at position 0 of a reused buffer. */
    void forEachBatchHeader(BatchVisitor visitor) throws IOException {
        int size = sizeBytes;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        for (int pos = 0; pos < size && readHeader(pos, header); pos += BatchHeader.sizeBytes(header, 0)) {
            header.flip();
            visitor.visit(header);
        }
    }

    /** The first batch whose max timestamp is at least {@code timestampMs}, read into the heap. */
    Optional<ByteBuffer> firstBatchAtOrAfter(long timestampMs) throws IOException {
        if (maxTimestampMs < timestampMs) {
            return Optional.empty();
        }
        TimeIndex.Entry te = timeIndex.lookup(timestampMs);
        int pos = offsetIndex.lookup(te.offset() - 1).position();
        int size = sizeBytes;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        while (pos < size && readHeader(pos, header)) {
            int batchSize = BatchHeader.sizeBytes(header, 0);
            if (BatchHeader.maxTimestamp(header, 0) >= timestampMs) {
                ByteBuffer batch = ByteBuffer.allocate(batchSize);
                readFully(batch, pos);
                return Optional.of(batch.flip());
            }
            pos += batchSize;
        }
        return Optional.empty();
    }

    /**
     * Removes every batch whose last offset is at or after {@code offset}: the batch containing
     * {@code offset} goes whole, so the new next offset may be below {@code offset}. The new next
     * offset is where the kept batches end (as recovery would find it), never above {@code offset}
     * even when compaction left a gap before the first removed batch.
     *
     * @return bytes removed
     */
    int truncateTo(long offset) throws IOException {
        int size = sizeBytes;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        // The index entry names a batch that ends before offset, so the scan keeps at least it.
        int pos = offsetIndex.lookup(offset - 1).position();
        long newNext = baseOffset;
        while (pos < size && readHeader(pos, header) && BatchHeader.lastOffset(header, 0) < offset) {
            newNext = BatchHeader.lastOffset(header, 0) + 1;
            pos += BatchHeader.sizeBytes(header, 0);
        }
        if (pos >= size) {
            return 0;
        }
        offsetIndex.truncateTo(newNext);
        timeIndex.truncateTo(newNext);
        try {
            channel.truncate(pos);
        } catch (IOException e) {
            throw withFile("truncate to position " + pos, e);
        }
        sizeBytes = pos;
        nextOffset = newNext;
        if (pos == 0) {
            firstBatchTimestampMs = BatchHeader.NO_TIMESTAMP;
        }
        recomputeTail();
        return size - pos;
    }

    private void recomputeTail() throws IOException {
        TimeIndex.Entry lastTime = timeIndex.lastEntry();
        maxTimestampMs = lastTime.timestampMs();
        offsetOfMaxTimestamp = lastTime.offset();
        OffsetIndex.Entry last = offsetIndex.lastEntry();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_BYTES);
        for (int pos = last.position(); pos < sizeBytes && readHeader(pos, header); ) {
            noteTimestamp(BatchHeader.maxTimestamp(header, 0), BatchHeader.lastOffset(header, 0));
            pos += BatchHeader.sizeBytes(header, 0);
        }
        bytesSinceLastIndexEntry = sizeBytes - last.position();
    }

    /** fdatasync of the log file (the file size is included; the indexes are rebuilt if lost). */
    void flush() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw withFile("fsync", e);
        }
    }

    /** Called when a newer segment takes over appends: fsync the data, trim and flush the indexes. */
    void onRolled() throws IOException {
        onRolled(true);
    }

    /**
     * Trims and flushes the indexes; fsyncs the data only if asked. Under the interval flush policy
     * the data waits for the next scheduled flush (as Kafka's roll does), so that a roll does not
     * stall every appender for a whole-segment fsync; recovery rescans it if a crash comes first.
     */
    void onRolled(boolean fsyncData) throws IOException {
        if (fsyncData) {
            flush();
        }
        offsetIndex.trimToEntries();
        timeIndex.trimToEntries();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Preallocates the indexes so that this segment can take appends. */
    void makeActive(int maxIndexBytes) throws IOException {
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
    }

    boolean isDeleted() {
        return deleted;
    }

    /** Releases the file handles without flushing or trimming, as a crash would leave the files. */
    void abandon() throws IOException {
        channel.close();
    }

    /** Closes and deletes the segment's files. Readers holding a slice of it fail afterwards. */
    void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(logFile());
        Files.deleteIfExists(offsetIndex.path());
        Files.deleteIfExists(timeIndex.path());
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            if (channel.isOpen()) {
                offsetIndex.close();
                timeIndex.close();
            }
        }
    }

    /**
     * Names the file in an I/O error. A closed channel stays as it is: callers treat it as "the
     * segment was deleted under us".
     */
    private IOException withFile(String action, IOException e) {
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return e;
        }
        return new IOException(action + " of " + logFile() + " failed: " + e.getMessage(), e);
    }

    private boolean readHeader(int pos, ByteBuffer header) throws IOException {
        header.clear();
        while (header.hasRemaining()) {
            int n = channel.read(header, (long) pos + header.position());
            if (n < 0) {
                return false;
            }
        }
        return true;
    }

    private void readFully(ByteBuffer buf, int pos) throws IOException {
        int start = buf.position();
        while (buf.hasRemaining()) {
            int n = channel.read(buf, (long) pos + buf.position() - start);
            if (n < 0) {
                throw new EOFException("unexpected end of " + logFile() + " at position " + pos);
            }
        }
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile() + ", size " + sizeBytes + ", offsets " + baseOffset + ".." + (nextOffset - 1)
                + ")";
    }
}
