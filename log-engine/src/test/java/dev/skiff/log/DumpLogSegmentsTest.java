package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.skiff.log.KafkaCompatFixture.Expected;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own {@code kafka-dump-log} ({@code org.apache.kafka.tools.DumpLogSegments}) reads a skiff
 * segment and its indexes and reports every batch valid (DESIGN §5). The tool runs in a separate JVM
 * on the classpath that log-engine/pom.xml resolves for kafka-tools, whose kafka-clients differs from
 * ours.
 */
class DumpLogSegmentsTest {
    private static final String CLASSPATH_FILE_PROPERTY = "kafka.tools.classpath.file";
    private static final String MAIN_CLASS = "org.apache.kafka.tools.DumpLogSegments";
    private static final long TOOL_TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;

    @Test
    void kafkaDumpLogReportsEveryBatchValidAndShowsThePayloads() throws Exception {
        Path dir = tmp.resolve("dump-0");
        List<Expected> expected = KafkaCompatFixture.write(dir);
        Path segment = KafkaCompatFixture.segment(dir);
        List<String> output = dumpLog(
                "--files",
                segment + "," + KafkaCompatFixture.index(dir) + "," + KafkaCompatFixture.timeIndex(dir),
                "--deep-iteration",
                "--print-data-log");
        String all = String.join("\n", output);

        List<String> batchLines =
                output.stream().filter(l -> l.startsWith("baseOffset: ")).collect(Collectors.toList());
        List<RecoveryFixture.BatchAt> positions = RecoveryFixture.batchesIn(segment);
        assertEquals(expected.size(), batchLines.size(), all);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            RecoveryFixture.BatchAt at = positions.get(i);
            String line = batchLines.get(i);
            String want = String.format(
                    Locale.ROOT,
                    "baseOffset: %d lastOffset: %d count: %d ",
                    e.baseOffset(),
                    e.lastOffset(),
                    e.records().size());
            assertTrue(line.startsWith(want), line);
            String tail = String.format(
                    Locale.ROOT,
                    " position: %d %s: %d size: %d magic: 2 compresscodec: %s crc: %d isvalid: true",
                    at.position(),
                    e.timestampType().configName(),
                    e.maxTimestampMs(),
                    at.sizeBytes(),
                    e.compression().name().toLowerCase(Locale.ROOT),
                    BatchHeader.storedCrc(bytes, at.position()));
            assertTrue(line.endsWith(tail), line + "\n  should end with\n" + tail);
            assertTrue(line.contains(" partitionLeaderEpoch: " + KafkaCompatFixture.LEADER_EPOCH + " "), line);
            checkRecordLines(e, output);
        }
        assertFalse(all.contains("isvalid: false"), all);
        checkIndexLines(dir, output, all);
    }

    @Test
    void kafkaDumpLogReportsABatchWithAFlippedBitInvalid() throws Exception {
        Path dir = tmp.resolve("dump-1");
        List<Expected> expected = KafkaCompatFixture.write(dir);
        Path segment = KafkaCompatFixture.segment(dir);
        byte[] bytes = Files.readAllBytes(segment);
        int payload = indexOf(bytes, "hello kafka from skiff, none/CreateTime".getBytes(StandardCharsets.UTF_8));
        RecoveryFixture.flipBit(segment, payload);

        List<String> batchLines =
                dumpLog("--files", segment.toString(), "--deep-iteration", "--print-data-log").stream()
                        .filter(l -> l.startsWith("baseOffset: "))
                        .collect(Collectors.toList());
        assertEquals(expected.size(), batchLines.size());
        assertTrue(batchLines.get(0).endsWith("isvalid: false"), batchLines.get(0));
        for (String line : batchLines.subList(1, batchLines.size())) {
            assertTrue(line.endsWith("isvalid: true"), line);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return fail("not found in the segment");
    }

    private static void checkRecordLines(Expected e, List<String> output) {
        for (int j = 0; j < e.records().size(); j++) {
            RecordData r = e.records().get(j);
            String prefix = "| offset: " + (e.baseOffset() + j) + " "
                    + e.timestampType().configName() + ": " + e.timestampOf(r) + " ";
            String line = output.stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .orElseGet(() -> fail("no record line starting with '" + prefix + "'"));
            if (r.key() != null) {
                assertTrue(line.contains(" key: " + new String(r.key(), StandardCharsets.UTF_8)), line);
            }
            if (r.value() != null) {
                assertTrue(line.endsWith(" payload: " + new String(r.value(), StandardCharsets.UTF_8)), line);
            } else {
                assertTrue(line.contains(" valueSize: -1 "), line);
            }
            String headerKeys = r.headers().stream()
                    .map(RecordData.Header::key)
                    .collect(Collectors.joining(",", "headerKeys: [", "]"));
            assertTrue(line.contains(headerKeys), line);
        }
    }

    /** Kafka dumps our index entries as written and finds none that disagrees with the segment. */
    private static void checkIndexLines(Path dir, List<String> output, String all) throws Exception {
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(KafkaCompatFixture.index(dir)));
        ByteBuffer timeIndex = ByteBuffer.wrap(Files.readAllBytes(KafkaCompatFixture.timeIndex(dir)));
        assertTrue(index.remaining() >= 2 * OffsetIndex.ENTRY_BYTES, "the fixture writes index entries");
        for (int p = 0; p < index.limit(); p += OffsetIndex.ENTRY_BYTES) {
            String want = "offset: " + index.getInt(p) + " position: " + index.getInt(p + 4);
            assertTrue(output.contains(want), "missing '" + want + "' in\n" + all);
        }
        for (int p = 0; p < timeIndex.limit(); p += TimeIndex.ENTRY_BYTES) {
            String want = "timestamp: " + timeIndex.getLong(p) + " offset: " + timeIndex.getInt(p + 8);
            assertTrue(output.contains(want), "missing '" + want + "' in\n" + all);
        }
        String lower = all.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("mismatch"), all);
        assertFalse(lower.contains("out of order"), all);
        assertFalse(lower.contains("exception"), all);
    }

    private List<String> dumpLog(String... args) throws Exception {
        String file = System.getProperty(CLASSPATH_FILE_PROPERTY);
        Assumptions.assumeTrue(
                file != null, "run through Maven, which resolves kafka-tools and sets " + CLASSPATH_FILE_PROPERTY);
        Path classpathFile = Path.of(file);
        assertTrue(Files.exists(classpathFile), classpathFile + " was not written by the build");
        // Drop the jars of the Maven plugin that resolved the classpath: they are not Kafka's.
        String classpath = Arrays.stream(Files.readString(classpathFile).trim().split(File.pathSeparator))
                .filter(p -> !Path.of(p).getFileName().toString().matches("(ant|ant-launcher|maven-antrun-plugin)-.*"))
                .collect(Collectors.joining(File.pathSeparator));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(classpath);
        command.add(MAIN_CLASS);
        command.addAll(Arrays.asList(args));
        Path out = tmp.resolve("dump-log.out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(MAIN_CLASS + " did not finish in " + TOOL_TIMEOUT_SECONDS + " s:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertEquals(0, process.exitValue(), text);
        return text.lines().collect(Collectors.toList());
    }
}
