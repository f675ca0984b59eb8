package dev.skiff.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument checks of both examples: the part that needs no cluster. */
class ArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void fileTailProducerTakesThreeArgumentsAndTheOptionAnywhere() throws IOException {
        Path file = Files.createFile(dir.resolve("app.log"));
        assertEquals(
                new FileTailProducer.Arguments("localhost:9092", "logs", file, false),
                FileTailProducer.parse("localhost:9092", "logs", file.toString()));
        assertEquals(
                new FileTailProducer.Arguments("localhost:9092", "logs", file, true),
                FileTailProducer.parse("localhost:9092", "--from-beginning", "logs", file.toString()));
    }

    @Test
    void fileTailProducerRejectsAMissingFileWrongCountsAndUnknownOptions() throws IOException {
        String absent = dir.resolve("absent.log").toString();
        assertMessage("no such file: " + absent, () -> FileTailProducer.parse("localhost:9092", "logs", absent));
        assertMessage("no such file: " + dir, () -> FileTailProducer.parse("localhost:9092", "logs", dir.toString()));
        assertMessage("expected <bootstrap> <topic> <file>", () -> FileTailProducer.parse("localhost:9092", "logs"));
        assertMessage("expected <bootstrap> <topic> <file>", () -> FileTailProducer.parse());
        String file = Files.createFile(dir.resolve("app.log")).toString();
        assertMessage("unknown option --follow", () -> FileTailProducer.parse("--follow", "b:1", "logs", file));
    }

    @Test
    void groupConsumerTakesOneTopicOrMore() {
        assertEquals(
                new GroupConsumer.Arguments("b:1", "readers", List.of("t1")),
                GroupConsumer.parse("b:1", "readers", "t1"));
        assertEquals(
                new GroupConsumer.Arguments("b:1", "readers", List.of("t1", "t2")),
                GroupConsumer.parse("b:1", "readers", "t1", "t2"));
    }

    @Test
    void groupConsumerRejectsMissingTopicsAndOptions() {
        assertMessage("expected <bootstrap> <group> <topic>...", () -> GroupConsumer.parse("b:1", "readers"));
        assertMessage("expected <bootstrap> <group> <topic>...", () -> GroupConsumer.parse());
        assertMessage(
                "not a bootstrap address, group or topic: '--from-beginning'",
                () -> GroupConsumer.parse("b:1", "readers", "--from-beginning"));
        assertMessage("not a bootstrap address, group or topic: ' '", () -> GroupConsumer.parse("b:1", " ", "t"));
    }

    @Test
    void usageLinesNameTheArguments() {
        assertTrue(FileTailProducer.USAGE.contains("[--from-beginning] <bootstrap> <topic> <file>"));
        assertTrue(GroupConsumer.USAGE.contains("<bootstrap> <group> <topic>..."));
    }

    private static void assertMessage(String expectedStart, Runnable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse::run);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
