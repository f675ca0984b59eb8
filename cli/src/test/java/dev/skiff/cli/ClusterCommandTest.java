package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.testing.FakeCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCommandTest {
    @Test
    void describesBrokersAndVoters() {
        try (FakeCluster cluster = new FakeCluster(2).startTcp()) {
            Cli.Result r = Cli.run("cluster", "describe", "--bootstrap-server", cluster.bootstrap());
            assertEquals(0, r.exit(), r.toString());
            List<String> lines = r.outLines();
            assertEquals("Active controller: 1", lines.get(1));
            assertEquals(
                    "\tId: 1\tEndpoint: 127.0.0.1:" + cluster.port(1) + "\tFenced: false\tIncarnationId: incarnation-1",
                    lines.get(3));
            assertEquals("\tId: 1\tEndpoint: 127.0.0.1:9093\tStatus: Leader\tLag: 0", lines.get(6));
            assertEquals(8, lines.size());
        }
    }

    @Test
    void showsFencedBrokersAndTheLagOfEachVoterAsTheControllerSeesIt() {
        try (FakeCluster cluster = new FakeCluster(3).startTcp()) {
            cluster.setFenced(2, true);
            cluster.setVoterLag(3, 12);
            String node3 = "127.0.0.1:" + cluster.port(3);
            Cli.Result r = Cli.run("cluster", "describe", "--bootstrap-server", node3);
            assertEquals(0, r.exit(), r.toString());
            assertEquals(
                    List.of(
                            "Brokers:",
                            "\tId: 1\tEndpoint: 127.0.0.1:" + cluster.port(1)
                                    + "\tFenced: false\tIncarnationId: incarnation-1",
                            "\tId: 2\tEndpoint: 127.0.0.1:" + cluster.port(2)
                                    + "\tFenced: true\tIncarnationId: incarnation-2",
                            "\tId: 3\tEndpoint: " + node3 + "\tFenced: false\tIncarnationId: incarnation-3",
                            "Quorum voters:",
                            "\tId: 1\tEndpoint: 127.0.0.1:9093\tStatus: Leader\tLag: 0",
                            "\tId: 2\tEndpoint: 127.0.0.1:9093\tStatus: Follower\tLag: 0",
                            "\tId: 3\tEndpoint: 127.0.0.1:9093\tStatus: Follower\tLag: 12"),
                    r.outLines().subList(2, 10));
        }
    }

    @Test
    void lagsAreUnknownWhenTheControllerCannotBeAsked() {
        try (FakeCluster cluster = new FakeCluster(2).startTcp()) {
            cluster.hooks().adminError = (method, n) ->
                    method.equals("DescribeCluster") && n == 2 ? dev.skiff.client.Errors.UNKNOWN_SERVER_ERROR : null;
            Cli.Result r = Cli.run("cluster", "describe", "--bootstrap-server", "127.0.0.1:" + cluster.port(2));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(
                    "\tId: 1\tEndpoint: 127.0.0.1:9093\tStatus: Leader\tLag: unknown",
                    r.outLines().get(6));
        }
    }

    @Test
    void aBareClusterCommandIsAUserError() {
        Cli.Result r = Cli.run("cluster");
        assertEquals(1, r.exit());
        assertEquals(
                "Error: Missing subcommand: skiff cluster describe, or skiff cluster decommission --broker N\n",
                r.err());
    }
}
