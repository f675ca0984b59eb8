package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ClusterDescription;
import dev.skiff.client.Futures;
import dev.skiff.client.Node;
import dev.skiff.client.QuorumVoter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code skiff cluster describe}: cluster id, active controller, brokers and quorum voters. */
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
            description = "Print the cluster id, the active controller, the brokers and the quorum voters.")
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

    static List<String> lines(ClusterDescription d) {
        List<String> out = new ArrayList<>();
        out.add("Cluster ID: " + d.clusterId());
        out.add("Active controller: " + (d.controllerId() < 0 ? "none" : String.valueOf(d.controllerId())));
        out.add("Brokers:");
        for (Node n : d.brokers()) {
            out.add("\t" + n.id() + "\t" + n.host() + ":" + n.port()
                    + (n.rack().isEmpty() ? "" : "\track: " + n.rack()));
        }
        out.add("Quorum voters:");
        for (QuorumVoter v : d.voters()) {
            out.add("\t" + v.nodeId() + "\t" + v.host() + ":" + v.port() + (v.leader() ? "\t(leader)" : ""));
        }
        return out;
    }
}
