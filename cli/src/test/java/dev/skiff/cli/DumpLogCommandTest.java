package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.CompressionType;
import dev.skiff.client.Header;
import dev.skiff.client.internals.RecordBatchCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dump-log on segment files written by the client's codec, as kafka-dump-log prints them. */
class DumpLogCommandTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path segment(boolean corruptSecond, int trailingBytes) throws IOException {
        ByteBuffer first = RecordBatchCodec.encode(
                0,
                CompressionType.NONE,
                List.of(
                        new RecordBatchCodec.RecordData(1_700_000_000_000L, null, utf8("hello"), List.of()),
                        new RecordBatchCodec.RecordData(
                                1_700_000_000_001L, utf8("k"), utf8("world"), List.of(new Header("h", utf8("x"))))));
        ByteBuffer second = RecordBatchCodec.encode(
                2,
                CompressionType.GZIP,
                List.of(new RecordBatchCodec.RecordData(1_700_000_000_002L, null, utf8("zipped"), List.of())));
        byte[] bytes = new byte[first.remaining() + second.remaining() + trailingBytes];
        first.get(bytes, 0, first.remaining());
        second.get(bytes, bytes.length - trailingBytes - second.limit(), second.limit());
        if (corruptSecond) {
            int at = bytes.length - trailingBytes - 5;
            bytes[at] ^= 0x40;
        }
        Path file = dir.resolve("00000000000000000000.log");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void batchesAreListedWithTheirCrcStatus() throws IOException {
        Path file = segment(false, 0);
        Cli.Result r = Cli.run("dump-log", file.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.outLines();
        assertEquals("Dumping " + file, lines.get(0));
        assertEquals("Log starting offset: 0", lines.get(1));
        assertTrue(
                lines.get(2)
                        .matches(
                                "baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 "
                                        + "producerEpoch: -1 partitionLeaderEpoch: -1 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty "
                                        + "position: 0 CreateTime: 1700000000001 size: \\d+ magic: 2 compresscodec: none crc: \\d+ isvalid: true"),
                lines.get(2));
        assertTrue(
                lines.get(3)
                        .matches(
                                "baseOffset: 2 lastOffset: 2 count: 1 .* position: \\d+ CreateTime: 1700000000002 size: \\d+ magic: 2 compresscodec: gzip crc: \\d+ isvalid: true"),
                lines.get(3));
        assertEquals(4, lines.size());
    }

    @Test
    void printDataLogShowsEveryRecord() throws IOException {
        Path file = segment(false, 0);
        List<String> lines =
                Cli.run("dump-log", "--print-data-log", file.toString()).outLines();
        assertEquals(
                "| offset: 0 CreateTime: 1700000000000 keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: hello",
                lines.get(3));
        assertEquals(
                "| offset: 1 CreateTime: 1700000000001 keySize: 1 valueSize: 5 sequence: -1 headerKeys: [h] key: k payload: world",
                lines.get(4));
        assertEquals(
                "| offset: 2 CreateTime: 1700000000002 keySize: -1 valueSize: 6 sequence: -1 headerKeys: [] payload: zipped",
                lines.get(6));
        List<String> deep =
                Cli.run("dump-log", "--deep-iteration", file.toString()).outLines();
        assertEquals(
                "| offset: 0 CreateTime: 1700000000000 keySize: -1 valueSize: 5 sequence: -1 headerKeys: []",
                deep.get(3));
    }

    @Test
    void aCorruptBatchIsReportedInvalid() throws IOException {
        Path file = segment(true, 0);
        Cli.Result r = Cli.run("dump-log", file.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.outLines();
        assertTrue(lines.get(2).endsWith("isvalid: true"), lines.get(2));
        assertTrue(lines.get(3).endsWith("isvalid: false"), lines.get(3));
    }

    @Test
    void aTornTailIsCounted() throws IOException {
        Path file = segment(false, 7);
        List<String> lines = Cli.run("--version").exit() == 0
                ? Cli.run("dump-log", "--files", file.toString()).outLines()
                : List.of();
        assertEquals("Found 7 invalid bytes at the end of 00000000000000000000.log", lines.get(lines.size() - 1));
    }
}
