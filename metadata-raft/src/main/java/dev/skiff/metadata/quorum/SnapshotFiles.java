package dev.skiff.metadata.quorum;

import dev.skiff.metadata.MetadataFormatException;
import dev.skiff.proto.metadata.v1.MetadataSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Snapshot files on disk: written whole to a temporary file, fsynced, renamed into place and the
 * directory fsynced, so that a crash leaves either the old set of snapshots or the new one.
 */
final class SnapshotFiles {
    /** A limit on what is read back (STYLE 6): far above any real image. */
    static final long SNAPSHOT_BYTES_MAX = 1L << 30;

    private SnapshotFiles() {}

    static void write(Path target, MetadataSnapshot snapshot) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ByteBuffer bytes = ByteBuffer.wrap(snapshot.toByteArray());
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new IOException("cannot write the metadata snapshot " + tmp + ": " + e.getMessage(), e);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > SNAPSHOT_BYTES_MAX) {
            throw new MetadataFormatException("the metadata snapshot " + file + " is " + size
                    + " bytes, over the limit of " + SNAPSHOT_BYTES_MAX + ": it is not a snapshot this node wrote");
        }
        return Files.readAllBytes(file);
    }
}
