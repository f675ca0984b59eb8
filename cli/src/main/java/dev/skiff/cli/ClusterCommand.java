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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff cluster describe}: cluster id, active controller, brokers (fenced or not, with their
 * incarnation) and quorum voters with their lag.
 */
@Command(
        name = "cluster",
        description = "Describe the cluster, or decommission a broker.",
        subcommands = {ClusterCommand.Describe.class, ClusterCommand.Decommission.class})
final class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    Skiff skiff;

    @Override
    public Integer call() {
        throw new UserException("Missing subcommand: skiff cluster describe, or skiff cluster decommission --broker N");
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

    @Command(
            name = "decommission",
            description = "Move every replica off a broker (to the live brokers with the fewest replicas), wait"
                    + " until the moves are done, then unregister it. Refused when a partition would be left with"
                    + " fewer replicas than its min.insync.replicas.")
    static final class Decommission implements Callable<Integer> {
        @ParentCommand
        private ClusterCommand parent;

        @Mixin
        private ConnectionOptions connection;

        @Option(names = "--broker", paramLabel = "ID", description = "The broker to retire.")
        Integer broker;

        @Option(
                names = "--timeout-ms",
                paramLabel = "MS",
                defaultValue = "600000",
                description = "How long to wait for the moves (default: ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        public Integer call() {
            if (broker == null) {
                throw new UserException("Missing required option --broker ID");
            }
            if (broker < 0) {
                throw new UserException("--broker must be a broker id (0 or more), not " + broker);
            }
            if (timeoutMs < 1) {
                throw new UserException("--timeout-ms must be at least 1, not " + timeoutMs);
            }
            java.io.PrintStream out = parent.skiff.out();
            try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
                ClusterDescription cluster = Futures.get(admin.describeCluster());
                java.util.Set<Integer> registered = new java.util.TreeSet<>();
                List<Integer> others = new ArrayList<>();
                for (RegisteredBroker b : cluster.registeredBrokers()) {
                    registered.add(b.id());
                    if (b.id() != broker && !b.fenced()) {
                        others.add(b.id());
                    }
                }
                if (!registered.contains(broker)) {
                    throw new UserException(
                            "Broker " + broker + " is not registered; the registered brokers are " + registered);
                }
                java.util.Map<dev.skiff.client.TopicPartition, List<Integer>> plan =
                        Decommissioning.plan(admin, broker, others);
                if (!plan.isEmpty()) {
                    java.util.Map<dev.skiff.client.TopicPartition, java.util.Optional<List<Integer>>> targets =
                            new java.util.LinkedHashMap<>();
                    plan.forEach((tp, r) -> targets.put(tp, java.util.Optional.of(r)));
                    out.println("Moving " + plan.size() + " partition(s) off broker " + broker + ": "
                            + ReassignmentPlan.toJson(plan));
                    Decommissioning.start(admin, targets);
                    Decommissioning.await(admin, parent.skiff.clock(), plan.keySet(), timeoutMs);
                    out.println("Every replica has moved off broker " + broker + ".");
                }
                try {
                    Futures.get(admin.unregisterBroker(broker));
                } catch (dev.skiff.client.ApiException e) {
                    throw new UserException(
                            "Could not unregister broker " + broker + ": " + Skiff.oneLine(e.getMessage()));
                }
                out.println("Broker " + broker + " is decommissioned: it holds no replica and is unregistered. Stop"
                        + " its process now; if it is a controller, it still votes in the metadata quorum.");
            }
            return Skiff.OK;
        }
    }

    private static String rack(String rack) {
        return rack.isEmpty() ? "" : "\tRack: " + rack;
    }
}
