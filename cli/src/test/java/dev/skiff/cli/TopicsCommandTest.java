package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import dev.skiff.client.testing.FakeCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code skiff topics} against a fake three-node cluster served over TCP. */
class TopicsCommandTest {
    private final FakeCluster cluster = new FakeCluster(3).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Cli.Result topics(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "topics";
        all[1] = "--bootstrap-server";
        all[2] = cluster.bootstrap();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    @Test
    void createDescribeListAlterDelete() {
        Cli.Result created = topics(
                "--create",
                "--topic",
                "orders",
                "--partitions",
                "3",
                "--replication-factor",
                "2",
                "--config",
                "retention.ms=1000",
                "--config",
                "cleanup.policy=compact");
        assertEquals(0, created.exit(), created.toString());
        assertEquals("Created topic orders.\n", created.out());

        String id = cluster.topic("orders").id;
        Cli.Result described = topics("--describe", "--topic", "orders");
        assertEquals(0, described.exit(), described.toString());
        assertEquals(
                List.of(
                        "Topic: orders\tTopicId: " + id
                                + "\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,retention.ms=1000",
                        "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2",
                        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3",
                        "\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1"),
                described.outLines());

        topics("--create", "--topic", "audit");
        assertEquals("audit\norders\n", topics("--list").out());
        assertEquals("orders\n", topics("--list", "--topic", "ord.*").out());

        Cli.Result altered = topics("--alter", "--topic", "orders", "--partitions", "5");
        assertEquals(0, altered.exit(), altered.toString());
        assertEquals(5, cluster.topic("orders").partitions.size());

        assertEquals(0, topics("--delete", "--topic", "orders").exit());
        assertEquals("audit\n", topics("--list").out());
    }

    @Test
    void describeWithoutTopicDescribesAll() {
        cluster.createTopic("a", 1, 1);
        cluster.createTopic("b", 2, 1);
        List<String> lines = topics("--describe").outLines();
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("Topic: a\t"));
        assertTrue(lines.get(2).startsWith("Topic: b\t"));
    }

    @Test
    void underReplicatedAndUnavailablePartitions() {
        cluster.createTopic("t", 3, 3);
        cluster.partition(new TopicPartition("t", 1)).isr = List.of(2);
        cluster.setLeader(new TopicPartition("t", 2), -1);
        assertEquals(
                List.of("\tTopic: t\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2"),
                topics("--describe", "--under-replicated-partitions").outLines());
        assertEquals(
                List.of("\tTopic: t\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3,1,2"),
                topics("--describe", "--topic", "t", "--unavailable-partitions").outLines());
        cluster.setFenced(1, true);
        assertEquals(
                List.of(
                        "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3",
                        "\tTopic: t\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3,1,2"),
                topics("--describe", "--topic", "t", "--unavailable-partitions").outLines(),
                "a partition led by a fenced broker is unavailable");
    }

    @Test
    void underMinIsrPartitionsUseTheTopicOverrideElseTheBrokerDefault() {
        cluster.createTopic("strict", 2, 3).configs.put("min.insync.replicas", "3");
        cluster.createTopic("lax", 1, 3);
        cluster.partition(new TopicPartition("strict", 1)).isr = List.of(2, 3);
        cluster.partition(new TopicPartition("lax", 0)).isr = List.of(1);

        assertEquals(
                List.of("\tTopic: strict\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3"),
                topics("--describe", "--under-min-isr-partitions").outLines());
    }

    @Test
    void existingAndMissingTopics() {
        topics("--create", "--topic", "t");
        Cli.Result again = topics("--create", "--topic", "t");
        assertEquals(1, again.exit());
        assertEquals("Error: Topic 't' already exists.\n", again.err());
        Cli.Result quiet = topics("--create", "--topic", "t", "--if-not-exists");
        assertEquals(0, quiet.exit());
        assertEquals("", quiet.out());

        Cli.Result missing = topics("--describe", "--topic", "nope");
        assertEquals(1, missing.exit());
        assertEquals("Error: Topic 'nope' does not exist as expected\n", missing.err());
        assertEquals(0, topics("--delete", "--topic", "nope", "--if-exists").exit());
        assertEquals(1, topics("--delete", "--topic", "nope").exit());
    }

    @Test
    void brokerRejectionsAreUserErrors() {
        Cli.Result rf = topics("--create", "--topic", "t", "--replication-factor", "4");
        assertEquals(1, rf.exit());
        assertEquals("Error: Replication factor: 4 larger than available brokers: 3.\n", rf.err());
        Cli.Result config = topics("--create", "--topic", "t", "--config", "retention.ms=soon");
        assertEquals(1, config.exit());
        assertEquals(
                "Error: Invalid value soon for configuration retention.ms: Not a number of type LONG\n", config.err());
        Cli.Result name = topics("--create", "--topic", "bad name");
        assertEquals(1, name.exit());
        assertTrue(name.err().startsWith("Error: Topic name \"bad name\" is illegal"), name.err());
        topics("--create", "--topic", "t", "--partitions", "4");
        Cli.Result shrink = topics("--alter", "--topic", "t", "--partitions", "2");
        assertEquals(1, shrink.exit());
        assertEquals("Error: Topic currently has 4 partitions, which is higher than the requested 2.\n", shrink.err());
    }

    @Test
    void defaultsComeFromTheBroker() {
        cluster.setAutoCreateTopics(false, 4);
        topics("--create", "--topic", "t");
        assertEquals(4, cluster.topic("t").partitions.size());
        assertEquals(Map.of(), cluster.topic("t").configs);
    }
}
