package dev.skiff.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void startsAtTheEndAndReturnsOnlyNewLines() throws IOException {
        Path file = write("app.log", "old 1\nold 2\n");
        FileTailer tailer = FileTailer.open(file, false);
        assertEquals(List.of(), tailer.poll());
        append(file, "new 1\nnew 2\n");
        assertEquals(List.of("new 1", "new 2"), tailer.poll());
        assertEquals(List.of(), tailer.poll());
    }

    @Test
    void fromTheBeginningReadsWhatIsThereFirst() throws IOException {
        Path file = write("app.log", "old 1\nold 2\n");
        FileTailer tailer = FileTailer.open(file, true);
        assertEquals(List.of("old 1", "old 2"), tailer.poll());
        append(file, "new\n");
        assertEquals(List.of("new"), tailer.poll());
    }

    @Test
    void aPartialLineWaitsForItsEnd() throws IOException {
        Path file = write("app.log", "");
        FileTailer tailer = FileTailer.open(file, false);
        append(file, "half");
        assertEquals(List.of(), tailer.poll());
        append(file, " and half\nnext");
        assertEquals(List.of("half and half"), tailer.poll());
        append(file, "\n");
        assertEquals(List.of("next"), tailer.poll());
    }

    @Test
    void windowsLineEndsEmptyLinesAndUtf8() throws IOException {
        Path file = write("app.log", "");
        FileTailer tailer = FileTailer.open(file, false);
        append(file, "crlf\r\n\nnaïve ✓\n");
        assertEquals(List.of("crlf", "", "naïve ✓"), tailer.poll());
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsStart() throws IOException {
        Path file = write("app.log", "a long first line\n");
        FileTailer tailer = FileTailer.open(file, true);
        assertEquals(List.of("a long first line"), tailer.poll());
        Files.writeString(file, "short\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(List.of("short"), tailer.poll());
    }

    @Test
    void aRotatedFileIsFollowedByName() throws IOException {
        Path file = write("app.log", "before\n");
        FileTailer tailer = FileTailer.open(file, false);
        append(file, "last of the old file\n");
        assertEquals(List.of("last of the old file"), tailer.poll());
        Files.move(file, dir.resolve("app.log.1"));
        assertEquals(List.of(), tailer.poll(), "missing for now");
        write("app.log", "first of the new file, which is longer than the old one\n");
        assertEquals(List.of("first of the new file, which is longer than the old one"), tailer.poll());
    }

    @Test
    void anOverlongLineIsCutIntoPieces() throws IOException {
        Path file = write("app.log", "");
        FileTailer tailer = FileTailer.open(file, false);
        String piece = "x".repeat(FileTailer.LINE_BYTES_MAX);
        append(file, piece + piece + "end\n");
        assertEquals(List.of(piece, piece, "end"), tailer.poll());
    }

    @Test
    void aBigBacklogComesInBoundedPolls() throws IOException {
        String line = "y".repeat(99) + "\n";
        Path file = write("app.log", line.repeat(30_000)); // 3 MB
        FileTailer tailer = FileTailer.open(file, true);
        int lines = 0;
        for (int polls = 0; polls < 10; polls++) {
            lines += tailer.poll().size();
        }
        assertEquals(30_000, lines);
        assertEquals(List.of(), tailer.poll());
    }

    @Test
    void aMissingFileCannotBeOpened() {
        assertThrows(NoSuchFileException.class, () -> FileTailer.open(dir.resolve("absent.log"), false));
    }
}
