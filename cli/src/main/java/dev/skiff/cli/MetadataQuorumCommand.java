package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.Futures;
import dev.skiff.client.QuorumInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff metadata-quorum describe --status|--replication}, in the shape of Kafka's
 * kafka-metadata-quorum: the controller quorum's leader, epoch and high watermark, and how far
 * each voter and observer has replicated the metadata log.
 */
@Command(
        name = "metadata-quorum",
        description = "Describe the controller quorum (the Raft group that holds the metadata).",
        subcommands = {
            MetadataQuorumCommand.Describe.class,
            MetadataQuorumCommand.AddController.class,
            MetadataQuorumCommand.RemoveController.class
        })
final class MetadataQuorumCommand implements Callable<Integer> {
    @ParentCommand
    Skiff skiff;

    @Override
    public Integer call() {
        throw new UserException("Missing subcommand: skiff metadata-quorum describe --status|--replication,"
                + " add-controller --controller-id N or remove-controller --controller-id N");
    }

    @Command(
            name = "add-controller",
            description = "Make a node that follows the metadata log as an observer (started with"
                    + " process.roles=broker) a voter of the controller quorum.")
    static final class AddController implements Callable<Integer> {
        @ParentCommand
        private MetadataQuorumCommand parent;

        @Mixin
        private ConnectionOptions connection;

        @Option(names = "--controller-id", paramLabel = "ID", description = "The node to add as a voter.")
        Integer controllerId;

        @Override
        public Integer call() {
            return change(parent, connection, controllerId, true);
        }
    }

    @Command(
            name = "remove-controller",
            description = "Take a voter out of the controller quorum (it stops voting; the others elect a new"
                    + " leader if it was the active controller).")
    static final class RemoveController implements Callable<Integer> {
        @ParentCommand
        private MetadataQuorumCommand parent;

        @Mixin
        private ConnectionOptions connection;

        @Option(names = "--controller-id", paramLabel = "ID", description = "The voter to remove.")
        Integer controllerId;

        @Override
        public Integer call() {
            return change(parent, connection, controllerId, false);
        }
    }

    private static int change(MetadataQuorumCommand parent, ConnectionOptions connection, Integer id, boolean add) {
        if (id == null) {
            throw new UserException("Missing required option --controller-id ID");
        }
        if (id < 0) {
            throw new UserException("--controller-id must be a node id (0 or more), not " + id);
        }
        try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
            List<Integer> voters;
            try {
                voters = Futures.get(add ? admin.addController(id) : admin.removeController(id));
            } catch (dev.skiff.client.ApiException e) {
                throw new UserException((add ? "Could not add controller " : "Could not remove controller ") + id + ": "
                        + Skiff.oneLine(e.getMessage()));
            }
            parent.skiff
                    .out()
                    .println((add ? "Added controller " : "Removed controller ") + id
                            + ". The voters of the metadata quorum are now " + voters + ".");
        }
        return Skiff.OK;
    }

    @Command(
            name = "describe",
            description = "--status: leader, epoch, high watermark, lags, voters and observers; --replication: one"
                    + " line per replica with its log end offset, lag and last fetch.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        private MetadataQuorumCommand parent;

        @Mixin
        private ConnectionOptions connection;

        @Option(names = "--status", description = "Print the quorum's status.")
        boolean status;

        @Option(names = "--replication", description = "Print every replica's replication of the metadata log.")
        boolean replication;

        @Override
        public Integer call() {
            if (status == replication) {
                throw new UserException("metadata-quorum describe needs exactly one of --status or --replication");
            }
            try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
                QuorumInfo q = Futures.get(admin.describeMetadataQuorum());
                long nowMs = parent.skiff.clock().millis();
                (status ? statusLines(q, nowMs) : replicationLines(q, nowMs)).forEach(parent.skiff.out()::println);
            }
            return Skiff.OK;
        }
    }

    /** kafka-metadata-quorum's {@code --status} block. */
    static List<String> statusLines(QuorumInfo q, long nowMs) {
        long maxLag = 0;
        long maxLagTimeMs = -1;
        boolean lagTimeKnown = true;
        for (QuorumInfo.ReplicaState r : followers(q)) {
            maxLag = Math.max(maxLag, lag(q, r));
            if (r.lastCaughtUpTimestampMs().isEmpty()) {
                lagTimeKnown = false;
            } else {
                maxLagTimeMs = Math.max(
                        maxLagTimeMs, nowMs - r.lastCaughtUpTimestampMs().getAsLong());
            }
        }
        List<String> out = new ArrayList<>();
        out.add(row("ClusterId:", q.clusterId()));
        out.add(row("LeaderId:", Integer.toString(q.leaderId())));
        out.add(row("LeaderEpoch:", Long.toString(q.leaderEpoch())));
        out.add(row("HighWatermark:", Long.toString(q.highWatermark())));
        out.add(row("MaxFollowerLag:", Long.toString(maxLag)));
        out.add(row("MaxFollowerLagTimeMs:", Long.toString(lagTimeKnown ? maxLagTimeMs : -1)));
        out.add(row("CurrentVoters:", ids(q.voters())));
        out.add(row("CurrentObservers:", ids(q.observers())));
        return out;
    }

    /** kafka-metadata-quorum's {@code --replication} table, the leader first. */
    static List<String> replicationLines(QuorumInfo q, long nowMs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NodeId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"
        });
        for (QuorumInfo.ReplicaState r : q.voters()) {
            if (r.nodeId() == q.leaderId()) {
                rows.add(cells(q, r, "Leader"));
            }
        }
        for (QuorumInfo.ReplicaState r : q.voters()) {
            if (r.nodeId() != q.leaderId()) {
                rows.add(cells(q, r, "Follower"));
            }
        }
        for (QuorumInfo.ReplicaState r : q.observers()) {
            rows.add(cells(q, r, "Observer"));
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                sb.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String[] cells(QuorumInfo q, QuorumInfo.ReplicaState r, String status) {
        return new String[] {
            Integer.toString(r.nodeId()),
            Long.toString(r.logEndOffset()),
            Long.toString(lag(q, r)),
            millis(r.lastFetchTimestampMs()),
            millis(r.lastCaughtUpTimestampMs()),
            status
        };
    }

    private static List<QuorumInfo.ReplicaState> followers(QuorumInfo q) {
        List<QuorumInfo.ReplicaState> out = new ArrayList<>();
        q.voters().stream().filter(r -> r.nodeId() != q.leaderId()).forEach(out::add);
        out.addAll(q.observers());
        return out;
    }

    private static long lag(QuorumInfo q, QuorumInfo.ReplicaState r) {
        return Math.max(0, q.highWatermark() - r.logEndOffset());
    }

    private static String millis(OptionalLong ms) {
        return ms.isPresent() ? Long.toString(ms.getAsLong()) : "-1";
    }

    private static String ids(List<QuorumInfo.ReplicaState> replicas) {
        List<String> ids = new ArrayList<>();
        replicas.forEach(r -> ids.add(Integer.toString(r.nodeId())));
        return "[" + String.join(",", ids) + "]";
    }

    private static String row(String key, String value) {
        return String.format("%-24s%s", key, value);
    }
}
