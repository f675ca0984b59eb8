package dev.skiff.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A producer state snapshot, {@code <20-digit offset>.snapshot}: the state of every batch below
 * that offset. skiff's own layout (big-endian), checked by a CRC-32C on read:
 *
 * <pre>
 * version int16 (1) | crc uint32 (of everything after it) | producerCount int32 |
 *   producerCount x { producerId int64 | epoch int16 | lastTimestampMs int64 | batchCount int32 |
 *     batchCount x { firstSequence int32 | lastSequence int32 | firstOffset int64 | lastOffset int64 |
 *       maxTimestampMs int64 } }
 * </pre>
 *
 * Written atomically (temp file, fsync, rename, directory fsync).
 */
final class ProducerSnapshotFile {
    static final String SUFFIX = ".snapshot";
    static final short VERSION = 1;
    private static final int HEADER_BYTES = 2 + 4 + 4;
    private static final int PRODUCER_BYTES = 8 + 2 + 8 + 4;
    private static final int BATCH_BYTES = 4 + 4 + 8 + 8 + 8;
    /** A partition never holds more; a larger count means a corrupt file. */
    private static final int PRODUCERS_MAX = 10_000_000;

    private ProducerSnapshotFile() {}

    static Path file(Path dir, long offset) {
        return dir.resolve(SegmentFiles.base(offset) + SUFFIX);
    }

    /** The offsets of the snapshots in {@code dir}. */
    static NavigableSet<Long> list(Path dir) throws IOException {
        TreeSet<Long> offsets = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                OptionalLong offset = SegmentFiles.baseOffsetOf(p, SUFFIX);
                offset.ifPresent(offsets::add);
            }
        }
        return offsets;
    }

    static void delete(Path dir, long offset) throws IOException {
        Files.deleteIfExists(file(dir, offset));
    }

    static void write(Path dir, long offset, Collection<ProducerStateManager.ProducerEntry> producers)
            throws IOException {
        int size = HEADER_BYTES;
        for (ProducerStateManager.ProducerEntry e : producers) {
            size += PRODUCER_BYTES + BATCH_BYTES * e.batches.size();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putInt(0).putInt(producers.size());
        for (ProducerStateManager.ProducerEntry e : producers) {
            buf.putLong(e.producerId)
                    .putShort(e.epoch)
                    .putLong(e.lastTimestampMs)
                    .putInt(e.batches.size());
            for (ProducerStateManager.BatchMetadata b : e.batches) {
                buf.putInt(b.firstSequence())
                        .putInt(b.lastSequence())
                        .putLong(b.firstOffset())
                        .putLong(b.lastOffset())
                        .putLong(b.maxTimestampMs());
            }
        }
        buf.putInt(2, (int) crc(buf, size));
        buf.flip();
        Path target = file(dir, offset);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.fsyncDirectory(dir);
    }

    /** The producers of the snapshot, or empty if it is missing, torn or corrupt. */
    static Optional<List<ProducerStateManager.ProducerEntry>> read(Path dir, long offset) throws IOException {
        ByteBuffer buf;
        try {
            buf = ByteBuffer.wrap(Files.readAllBytes(file(dir, offset)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (buf.remaining() < HEADER_BYTES
                || buf.getShort(0) != VERSION
                || Integer.toUnsignedLong(buf.getInt(2)) != crc(buf, buf.limit())) {
            return Optional.empty();
        }
        buf.position(6);
        int count = buf.getInt();
        if (count < 0 || count > PRODUCERS_MAX) {
            return Optional.empty();
        }
        List<ProducerStateManager.ProducerEntry> out = new ArrayList<>(Math.min(count, 1024));
        try {
            for (int i = 0; i < count; i++) {
                ProducerStateManager.ProducerEntry e =
                        new ProducerStateManager.ProducerEntry(buf.getLong(), buf.getShort());
                e.lastTimestampMs = buf.getLong();
                int batches = buf.getInt();
                if (batches < 1 || batches > ProducerStateManager.BATCHES_RETAINED) {
                    return Optional.empty();
                }
                for (int j = 0; j < batches; j++) {
                    e.batches.addLast(new ProducerStateManager.BatchMetadata(
                            buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
                }
                out.add(e);
            }
        } catch (java.nio.BufferUnderflowException e) {
            return Optional.empty();
        }
        return buf.hasRemaining() ? Optional.empty() : Optional.of(out);
    }

    private static long crc(ByteBuffer buf, int end) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buf.duplicate();
        view.limit(end).position(6);
        crc.update(view);
        return crc.getValue();
    }
}
