package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ClusterDescription;
import dev.skiff.client.Futures;
import dev.skiff.client.Node;
import dev.skiff.client.QuorumVoter;
import dev.skiff.client.RegisteredBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff cluster describe}: cluster id, active controller, brokers (fenced or not, with their
 * incarnation) and quorum voters with their lag.
 */
@Command(name = "cluster", description = "Describe the cluster.", subcommands = ClusterCommand.Describe.class)
final class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    Skiff skiff;

    @Override
    public Integer call() {
        throw new UserException("Missing subcommand: skiff cluster describe");
    }

    @Command(
            name = "describe",
            description =
                    "Print the cluster id, the active controller, every registered broker (endpoint, fenced or"
                            + " not, incarnation id) and the quorum voters with their lag (Raft log entries behind the leader).")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        private ClusterCommand parent;

        @Mixin
        private ConnectionOptions connection;

        @Override
        public Integer call() {
            try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
                lines(Futures.get(admin.describeCluster())).forEach(parent.skiff.out()::println);
            }
            return Skiff.OK;
        }
    }

    /**
     * Tab-separated {@code Key: value} lines, as kafka-topics --describe prints partitions: every
     * registered broker (fenced or not, with its incarnation) and every voter with its status and
     * lag (Raft log entries behind the leader; "unknown" if the active controller could not be
     * asked).
     */
    static List<String> lines(ClusterDescription d) {
        List<String> out = new ArrayList<>();
        out.add("Cluster ID: " + d.clusterId());
        out.add("Active controller: " + (d.controllerId() < 0 ? "none" : String.valueOf(d.controllerId())));
        out.add("Brokers:");
        if (d.registeredBrokers().isEmpty()) {
            for (Node n : d.brokers()) {
                out.add("\tId: " + n.id() + "\tEndpoint: " + n.host() + ":" + n.port() + rack(n.rack()));
            }
        }
        for (RegisteredBroker b : d.registeredBrokers()) {
            out.add("\tId: " + b.id()
                    + "\tEndpoint: " + (b.port() > 0 ? b.host() + ":" + b.port() : "none")
                    + rack(b.rack())
                    + "\tFenced: " + b.fenced()
                    + "\tIncarnationId: " + b.incarnationId());
        }
        out.add("Quorum voters:");
        for (QuorumVoter v : d.voters()) {
            out.add("\tId: " + v.nodeId()
                    + "\tEndpoint: " + v.host() + ":" + v.port()
                    + "\tStatus: " + (v.leader() ? "Leader" : "Follower")
                    + "\tLag: "
                    + (v.lagEntries().isPresent()
                            ? String.valueOf(v.lagEntries().getAsLong())
                            : "unknown"));
        }
        return out;
    }

    private static String rack(String rack) {
        return rack.isEmpty() ? "" : "\tRack: " + rack;
    }
}
