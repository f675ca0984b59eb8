package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.CompressionType;
import dev.skiff.client.Consumer;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.testing.FakeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code skiff consumer-groups} and {@code console-consumer --group} against a fake cluster over TCP. */
@Timeout(120)
class ConsumerGroupsCommandTest {
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);

    private final FakeCluster cluster = new FakeCluster(3).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Cli.Result groups(String... args) {
        List<String> all = new ArrayList<>(List.of("consumer-groups", "--bootstrap-server", cluster.bootstrap()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(new String[0]));
    }

    private void produce(TopicPartition tp, int count) {
        List<RecordBatchCodec.RecordData> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new RecordBatchCodec.RecordData(
                    1000 + i, null, ("v" + i).getBytes(StandardCharsets.UTF_8), List.of()));
        }
        cluster.append(tp, CompressionType.NONE, records);
    }

    private Cli.Result consume(String group, int max) {
        return Cli.run(
                "console-consumer",
                "--bootstrap-server",
                cluster.bootstrap(),
                "--topic",
                "orders",
                "--group",
                group,
                "--from-beginning",
                "--max-messages",
                String.valueOf(max));
    }

    @Test
    void consumeDescribeResetDescribe() {
        cluster.createTopic("orders", 2, 1);
        produce(T0, 3);
        produce(T1, 2);
        Cli.Result consumed = consume("g1", 5);
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals(5, consumed.outLines().size(), consumed.toString());
        assertEquals(OptionalLong.of(3), cluster.groups().committed("g1", T0));
        assertEquals(OptionalLong.of(2), cluster.groups().committed("g1", T1));

        Cli.Result described = groups("--describe", "--group", "g1");
        assertEquals(0, described.exit(), described.toString());
        assertEquals(
                List.of(
                        "",
                        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID",
                        "g1              orders          0          3               3               0               -               -               -",
                        "g1              orders          1          2               2               0               -               -               -"),
                described.outLines());
        assertEquals(List.of("Consumer group 'g1' has no active members."), described.errLines());

        Cli.Result dry = groups("--reset-offsets", "--group", "g1", "--topic", "orders:0", "--to-earliest");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.err().startsWith("WARN: No action will be performed"), dry.toString());
        assertEquals(OptionalLong.of(3), cluster.groups().committed("g1", T0));
        assertEquals(
                List.of(
                        "",
                        "GROUP           TOPIC           PARTITION  NEW-OFFSET",
                        "g1              orders          0          0"),
                dry.outLines());

        Cli.Result reset = groups("--reset-offsets", "--group", "g1", "--all-topics", "--shift-by", "-1", "--execute");
        assertEquals(0, reset.exit(), reset.toString());
        assertEquals("", reset.err(), reset.toString());
        assertEquals(OptionalLong.of(2), cluster.groups().committed("g1", T0));
        assertEquals(OptionalLong.of(1), cluster.groups().committed("g1", T1));

        groups("--reset-offsets", "--group", "g1", "--all-topics", "--to-earliest", "--execute");
        List<String> after = groups("--describe", "--group", "g1").outLines();
        assertTrue(
                after.get(2)
                        .startsWith("g1              orders          0          0               3               3 "),
                after.toString());

        Cli.Result again = consume("g1", 5);
        assertEquals(5, again.outLines().size(), again.toString());
    }

    @Test
    void activeGroupsAreDescribedAndProtected() {
        cluster.createTopic("orders", 2, 1);
        produce(T0, 4);
        cluster.groups().commit("g1", T0, 1);
        try (Consumer member = new Consumer(
                Map.of("bootstrap.servers", cluster.bootstrap(), "group.id", "g1", "client.id", "app"),
                ClientEnvironment.system())) {
            member.subscribe(List.of("orders"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (member.assignment().size() < 2 && System.nanoTime() < deadline) {
                member.poll(Duration.ofMillis(50));
            }
            String memberId = cluster.groups().memberIds("g1").get(0);

            Cli.Result offsets = groups("--describe", "--group", "g1");
            assertEquals(0, offsets.exit(), offsets.toString());
            List<String> lines = offsets.outLines();
            assertEquals(4, lines.size(), offsets.toString());
            assertTrue(lines.get(2).matches("g1 +orders +0 +1 +4 +3 +" + memberId + " +\\S+ +app"), lines.get(2));
            assertTrue(lines.get(3).matches("g1 +orders +1 +- +0 +- +" + memberId + " +\\S+ +app"), lines.get(3));

            Cli.Result members = groups("--describe", "--group", "g1", "--members", "--verbose");
            assertTrue(members.outLines().get(1).startsWith("GROUP "), members.toString());
            assertTrue(members.outLines().get(2).endsWith(" 2               orders(0,1)"), members.toString());

            Cli.Result state = groups("--describe", "--group", "g1", "--state");
            assertTrue(
                    state.outLines().get(2).matches("g1 +127\\.0\\.0\\.1:\\d+  \\(\\d\\) +range +Stable +1"),
                    state.toString());

            Cli.Result refused = groups("--reset-offsets", "--group", "g1", "--all-topics", "--to-latest", "--execute");
            assertEquals(1, refused.exit(), refused.toString());
            assertEquals(
                    List.of(
                            "Error: Assignments can only be reset if the group 'g1' is inactive, but the current state is Stable."),
                    refused.errLines());
            assertEquals(OptionalLong.of(1), cluster.groups().committed("g1", T0));

            Cli.Result notDeleted = groups("--delete", "--group", "g1");
            assertEquals(1, notDeleted.exit(), notDeleted.toString());
            assertTrue(notDeleted.err().contains("NON_EMPTY_GROUP"), notDeleted.toString());

            Cli.Result listed = groups("--list", "--state");
            assertEquals("g1", listed.outLines().get(1).split(" +")[0], listed.toString());
            assertEquals("Stable", listed.outLines().get(1).split(" +")[1], listed.toString());
        }
    }

    @Test
    void listDeleteAndMissingGroups() {
        cluster.createTopic("orders", 2, 1);
        cluster.groups().commit("a", T0, 1);
        cluster.groups().commit("b", T1, 1);
        assertEquals(List.of("a", "b"), groups("--list").outLines());

        Cli.Result missing = groups("--describe", "--group", "nope");
        assertEquals(1, missing.exit(), missing.toString());
        assertEquals(List.of("Error: Consumer group 'nope' does not exist."), missing.errLines());

        Cli.Result deletedOffsets = groups("--delete-offsets", "--group", "a", "--topic", "orders");
        assertEquals(0, deletedOffsets.exit(), deletedOffsets.toString());
        assertEquals(
                "Request succeeded for deleting offsets from group a.",
                deletedOffsets.outLines().get(0));
        assertTrue(cluster.groups().offsets("a").isEmpty());

        Cli.Result deleted = groups("--delete", "--all-groups");
        assertEquals(0, deleted.exit(), deleted.toString());
        assertEquals(List.of("Deletion of requested consumer groups ('a', 'b') was successful."), deleted.outLines());
        assertEquals(List.of(), groups("--list").outLines());
    }

    @Test
    void coordinatorErrorsAreRetried() {
        cluster.createTopic("orders", 1, 1);
        cluster.groups().commit("g", T0, 0);
        cluster.hooks().groupError =
                (method, n) -> n <= 2 ? dev.skiff.client.Errors.COORDINATOR_LOAD_IN_PROGRESS : null;
        Cli.Result r = groups("--describe", "--group", "g", "--state");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.outLines().get(2).contains("Empty"), r.toString());
    }
}
