package dev.skiff.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's checkpoint file format: a version line ({@code 0}), a count line, then one line per entry
 * of space-separated fields. Written atomically: a temp file is written and fsynced, renamed over
 * the old file, and the directory is fsynced, so a crash leaves either the old or the new file.
 */
final class CheckpointFile {
    static final int VERSION = 0;

    private CheckpointFile() {}

    static void write(Path file, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(lines.size()).append('\n');
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var buf = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.fsyncDirectory(file.getParent());
    }

    /** The entry lines, or an empty list if the file does not exist. */
    static List<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (all.size() < 2 || !all.get(0).trim().equals(Integer.toString(VERSION))) {
            throw new IOException(file + " is not a version " + VERSION + " checkpoint file");
        }
        int count;
        try {
            count = Integer.parseInt(all.get(1).trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + " has a bad entry count '" + all.get(1) + "'", e);
        }
        if (count < 0 || all.size() < 2 + count) {
            throw new IOException(file + " says " + count + " entries but holds " + (all.size() - 2));
        }
        return new ArrayList<>(all.subList(2, 2 + count));
    }
}
