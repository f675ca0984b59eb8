package dev.skiff.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Follows a file by name, as {@code tail -F} does: each {@link #poll} returns the lines completed
 * since the last one. A line is complete at its {@code '\n'} (a {@code '\r'} before it is dropped);
 * a partial last line waits for the rest. If the file is truncated, or replaced by a new file of
 * the same name (log rotation), it is read again from its start; while it is missing, polls return
 * nothing. Not thread-safe: one thread polls.
 */
public final class FileTailer {
    /** A longer line is cut into pieces of this many bytes (a record has a size limit too). */
    public static final int LINE_BYTES_MAX = 64 * 1024;

    private static final int READ_BYTES_MAX = 1024 * 1024;

    private final Path file;
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private Object fileKey;
    private long position;

    private FileTailer(Path file, Object fileKey, long position) {
        this.file = file;
        this.fileKey = fileKey;
        this.position = position;
    }

    /**
     * Starts following {@code file}, at its end or, with {@code fromBeginning}, at its start.
     *
     * @throws NoSuchFileException if it does not exist
     */
    public static FileTailer open(Path file, boolean fromBeginning) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(Objects.requireNonNull(file), BasicFileAttributes.class);
        return new FileTailer(file, attributes.fileKey(), fromBeginning ? 0 : attributes.size());
    }

    /** The lines completed since the last poll, at most about 1 MiB of them; never blocks for more. */
    public List<String> poll() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return List.of(); // Rotated away and not yet recreated: wait for the new file.
        }
        boolean replaced = !Objects.equals(attributes.fileKey(), fileKey);
        if (replaced || attributes.size() < position) {
            fileKey = attributes.fileKey();
            position = 0;
            partialLine.reset();
        }
        if (attributes.size() == position) {
            return List.of();
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_BYTES_MAX, attributes.size() - position));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                // Read until the buffer is full or the file ends.
            }
        }
        buffer.flip();
        position += buffer.remaining();
        return splitLines(buffer);
    }

    private List<String> splitLines(ByteBuffer buffer) {
        List<String> lines = new ArrayList<>();
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (b == '\n') {
                lines.add(takeLine(true));
            } else {
                partialLine.write(b);
                if (partialLine.size() == LINE_BYTES_MAX) {
                    lines.add(takeLine(false));
                }
            }
        }
        return lines;
    }

    private String takeLine(boolean complete) {
        byte[] bytes = partialLine.toByteArray();
        partialLine.reset();
        int length = complete && bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
