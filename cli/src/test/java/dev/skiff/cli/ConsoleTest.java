package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.testing.FakeCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** console-producer and console-consumer round trips through a fake cluster over TCP. */
class ConsoleTest {
    private final FakeCluster cluster = new FakeCluster(2).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private List<String> stored(TopicPartition tp) {
        List<String> out = new ArrayList<>();
        for (RecordBatchCodec.DecodedRecord r : cluster.records(tp)) {
            out.add((r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)) + "="
                    + new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void eachLineBecomesARecord() {
        cluster.createTopic("t", 1, 1);
        Cli.Result r = Cli.runWithInput(
                "first\nsecond\n\nthird\n",
                "console-producer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("null=first", "null=second", "null=", "null=third"), stored(new TopicPartition("t", 0)));
    }

    @Test
    void keysAreParsedWithTheSeparatorAndCompressionApplies() {
        cluster.createTopic("t", 1, 1);
        Cli.Result r = Cli.runWithInput(
                "k1:v1\nk2:v:2\n",
                "console-producer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--property",
                "parse.key=true",
                "--property",
                "key.separator=:",
                "--compression-codec",
                "--producer-property",
                "linger.ms=0");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("k1=v1", "k2=v:2"), stored(new TopicPartition("t", 0)));
        assertEquals("gzip", cluster.hooks().arrivals().get(0).compression());
    }

    @Test
    void aLineWithoutSeparatorIsAnError() {
        cluster.createTopic("t", 1, 1);
        Cli.Result r = Cli.runWithInput(
                "k1:v1\nnokey\n",
                "console-producer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--property",
                "parse.key=true",
                "--property",
                "key.separator=:");
        assertEquals(1, r.exit());
        assertEquals("Error: No key separator found on line number 2: 'nokey'\n", r.err());
        assertEquals(List.of("k1=v1"), stored(new TopicPartition("t", 0)));
    }

    @Test
    void consumerPrintsWhatItIsAskedTo() {
        cluster.createTopic("t", 2, 1);
        append(new TopicPartition("t", 0), "a", "k0");
        append(new TopicPartition("t", 0), "b", null);
        Cli.Result r = Cli.run(
                "console-consumer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--from-beginning",
                "--max-messages",
                "2",
                "--property",
                "print.key=true",
                "--property",
                "print.offset=true",
                "--property",
                "print.partition=true",
                "--property",
                "print.timestamp=true");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(
                List.of(
                        "CreateTime:1000\tPartition:0\tOffset:0\tk0\ta",
                        "CreateTime:1000\tPartition:0\tOffset:1\tnull\tb"),
                r.outLines());
        assertEquals("Processed a total of 2 messages\n", r.err());
    }

    @Test
    void consumerReadsEveryPartitionByDefaultAndStopsOnTimeout() {
        cluster.createTopic("t", 3, 1);
        for (int p = 0; p < 3; p++) {
            append(new TopicPartition("t", p), "v" + p, null);
        }
        Cli.Result r = Cli.run(
                "console-consumer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--from-beginning",
                "--timeout-ms",
                "500");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = new ArrayList<>(r.outLines());
        lines.sort(String::compareTo);
        assertEquals(List.of("v0", "v1", "v2"), lines);
        assertEquals("Processed a total of 3 messages\n", r.err());
    }

    @Test
    void aPartitionAndOffsetCanBeChosen() {
        cluster.createTopic("t", 2, 1);
        for (int i = 0; i < 5; i++) {
            append(new TopicPartition("t", 1), "v" + i, null);
        }
        Cli.Result r = Cli.run(
                "console-consumer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--partition",
                "1",
                "--offset",
                "3",
                "--timeout-ms",
                "300");
        assertEquals(List.of("v3", "v4"), r.outLines());
        Cli.Result latest = Cli.run(
                "console-consumer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--partition",
                "1",
                "--offset",
                "latest",
                "--timeout-ms",
                "200");
        assertEquals(List.of(), latest.outLines());
        assertEquals("Processed a total of 0 messages\n", latest.err());
    }

    @Test
    void unknownTopicsAndPartitionsAreUserErrors() {
        Cli.Result topic = Cli.run("console-consumer", "--topic", "nope", "--bootstrap-server", cluster.bootstrap());
        assertEquals(1, topic.exit());
        assertEquals("Error: Topic 'nope' does not exist\n", topic.err());
        cluster.createTopic("t", 2, 1);
        Cli.Result partition = Cli.run(
                "console-consumer", "--topic", "t", "--partition", "7", "--bootstrap-server", cluster.bootstrap());
        assertEquals(1, partition.exit());
        assertEquals("Error: Partition 7 does not exist in topic 't' (it has 2 partitions)\n", partition.err());
        Cli.Result producer = Cli.runWithInput(
                "x\n",
                "console-producer",
                "--topic",
                "nope",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--producer-property",
                "max.block.ms=300");
        assertEquals(1, producer.exit());
        assertEquals("Error: Topic nope not present in metadata after 300 ms.\n", producer.err());
    }

    @Test
    void producerThenConsumer() {
        cluster.createTopic("t", 1, 1);
        Cli.runWithInput(
                "one\ntwo\n", "console-producer", "--topic", "t", "--bootstrap-server", cluster.bootstrap(), "--sync");
        Cli.Result r = Cli.run(
                "console-consumer",
                "--topic",
                "t",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--from-beginning",
                "--max-messages",
                "2");
        assertEquals(List.of("one", "two"), r.outLines());
        assertTrue(r.exit() == 0);
    }

    private void append(TopicPartition tp, String value, String key) {
        cluster.append(
                tp,
                dev.skiff.client.CompressionType.NONE,
                List.of(new RecordBatchCodec.RecordData(
                        1000,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8),
                        List.of())));
    }
}
