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
            assertEquals("\t1\t127.0.0.1:" + cluster.port(1), lines.get(3));
            assertEquals("\t1\t127.0.0.1:9093\t(leader)", lines.get(6));
            assertEquals(8, lines.size());
        }
    }

    @Test
    void aBareClusterCommandIsAUserError() {
        Cli.Result r = Cli.run("cluster");
        assertEquals(1, r.exit());
        assertEquals("Error: Missing subcommand: skiff cluster describe\n", r.err());
    }
}
