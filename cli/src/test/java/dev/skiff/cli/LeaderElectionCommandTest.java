package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import dev.skiff.client.testing.FakeCluster;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code skiff leader-election} against a fake three-node cluster: kafka-leader-election's lines. */
class LeaderElectionCommandTest {
    private final FakeCluster cluster = new FakeCluster(3).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Cli.Result elect(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "leader-election";
        all[1] = "--bootstrap-server";
        all[2] = cluster.bootstrap();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    @Test
    void onePartitionGoesBackToItsPreferredReplica() {
        cluster.createTopic("t", 2, 3);
        cluster.setLeader(new TopicPartition("t", 0), 2);

        Cli.Result r = elect("--election-type", "preferred", "--topic", "t", "--partition", "0");

        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("Successfully completed leader election (PREFERRED) for partitions t-0"), r.outLines());
        assertEquals(1, cluster.partition(new TopicPartition("t", 0)).leader);

        Cli.Result again = elect("--election-type", "PREFERRED", "--topic", "t", "--partition", "0");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(List.of("Valid replica already elected for partitions t-0"), again.outLines());
    }

    @Test
    void allPartitionsReportsWhatMovedAndFailsForWhatCouldNot() {
        cluster.createTopic("t", 3, 3);
        cluster.setLeader(new TopicPartition("t", 0), 2);
        cluster.setLeader(new TopicPartition("t", 1), 3);
        cluster.setLeader(new TopicPartition("t", 2), 1);
        cluster.partition(new TopicPartition("t", 2)).isr = List.of(1, 2);

        Cli.Result r = elect("--election-type", "preferred", "--all-topic-partitions");

        assertEquals(1, r.exit(), r.toString());
        assertEquals(
                List.of(
                        "Successfully completed leader election (PREFERRED) for partitions t-0, t-1",
                        "Error completing leader election (PREFERRED) for partition: t-2:"
                                + " PREFERRED_LEADER_NOT_AVAILABLE: The preferred replica 3 of t-2 cannot lead."),
                r.outLines());
        assertEquals("Error: 1 replica(s) could not be elected\n", r.err());

        Cli.Result nothingToDo = elect("--election-type", "preferred", "--all-topic-partitions");
        assertEquals(1, nothingToDo.exit(), "t-2 still cannot lead");
        cluster.partition(new TopicPartition("t", 2)).isr = List.of(1, 2, 3);
        assertEquals(
                0,
                elect("--election-type", "preferred", "--all-topic-partitions").exit());
        assertEquals(
                0,
                elect("--election-type", "preferred", "--all-topic-partitions")
                        .out()
                        .length());
    }

    @Test
    void anUnknownPartitionIsAFailedElection() {
        Cli.Result r = elect("--election-type", "preferred", "--topic", "nope", "--partition", "3");

        assertEquals(1, r.exit(), r.toString());
        assertEquals(
                List.of("Error completing leader election (PREFERRED) for partition: nope-3:"
                        + " UNKNOWN_TOPIC_OR_PARTITION: Partition nope-3 does not exist."),
                r.outLines());
    }

    @Test
    void uncleanElectionsAreRefusedWithWhatToDoInstead() {
        Cli.Result r = elect("--election-type", "unclean", "--topic", "t", "--partition", "0");

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Error: --election-type unclean is not supported yet"), r.err());
        assertTrue(r.err().contains("unclean.leader.election.enable=true"), r.err());
        assertEquals(0, cluster.hooks().adminCalls("ElectLeaders"), "refused before asking the cluster");
    }
}
