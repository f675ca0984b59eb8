package dev.skiff.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * {@code partition.metadata}: which topic (by id) a partition directory belongs to, so that a
 * directory left over from a deleted topic of the same name is never mistaken for the new one.
 * Kafka's format: {@code version: 0} and {@code topic_id: <id>} lines.
 */
public final class PartitionMetadataFile {
    public static final String FILE_NAME = "partition.metadata";

    private PartitionMetadataFile() {}

    public static Optional<String> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2
                || !lines.get(0).trim().equals("version: 0")
                || !lines.get(1).startsWith("topic_id: ")) {
            throw new IOException(file + " is not a version 0 partition.metadata file");
        }
        return Optional.of(lines.get(1).substring("topic_id: ".length()).trim());
    }

    /** Writes the topic id (atomically), or checks that the one on disk is the same. */
    public static void writeOrCheck(Path dir, String topicId) throws IOException {
        if (topicId == null || topicId.isBlank() || topicId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("topic id '" + topicId + "' must be a non-empty token");
        }
        Optional<String> existing = read(dir);
        if (existing.isPresent()) {
            if (!existing.get().equals(topicId)) {
                throw new IOException(dir + " belongs to topic id " + existing.get() + ", not " + topicId
                        + "; it is left over from a deleted topic of the same name: remove the directory");
            }
            return;
        }
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(
                    ("version: 0\ntopic_id: " + topicId + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        SegmentFiles.fsyncDirectory(dir);
    }
}
