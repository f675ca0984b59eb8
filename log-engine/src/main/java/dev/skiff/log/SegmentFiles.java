package dev.skiff.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.OptionalLong;

/** File names of a partition directory, as Kafka names them. */
final class SegmentFiles {
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIME_INDEX = ".timeindex";
    /** A compaction output still being written; deleted by recovery. */
    static final String CLEANED = ".cleaned";
    /** A finished compaction output that replaces older segments; completed by recovery. */
    static final String SWAP = ".swap";

    private SegmentFiles() {}

    /** The 20-digit, zero-padded base offset, e.g. {@code 00000000000000000000}. */
    static String base(long baseOffset) {
        return String.format(Locale.ROOT, "%020d", baseOffset);
    }

    static Path log(Path dir, long baseOffset) {
        return dir.resolve(base(baseOffset) + LOG);
    }

    static Path index(Path dir, long baseOffset) {
        return dir.resolve(base(baseOffset) + INDEX);
    }

    static Path timeIndex(Path dir, long baseOffset) {
        return dir.resolve(base(baseOffset) + TIME_INDEX);
    }

    /** The base offset named by a file such as {@code 00000000000000000042.log.swap}, if it is one. */
    static OptionalLong baseOffsetOf(Path file, String suffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(suffix) || name.length() != 20 + suffix.length()) {
            return OptionalLong.empty();
        }
        String digits = name.substring(0, 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(digits));
    }

    /** Makes creations, renames and deletions in {@code dir} durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
