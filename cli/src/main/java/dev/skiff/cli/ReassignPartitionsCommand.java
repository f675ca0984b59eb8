package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.AlterConfigOp;
import dev.skiff.client.ApiException;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ConfigResource;
import dev.skiff.client.Errors;
import dev.skiff.client.Futures;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.PartitionReassignment;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff reassign-partitions}: kafka-reassign-partitions' modes, flags, JSON and messages.
 * {@code --generate} proposes a plan, {@code --execute} starts it (optionally throttled), {@code
 * --verify} reports each partition and removes the throttle once all are done, {@code --cancel}
 * stops the moves under way, {@code --list} shows them.
 */
@Command(
        name = "reassign-partitions",
        description = "Move partitions to other brokers, as kafka-reassign-partitions does: --generate a plan,"
                + " --execute it, --verify it, --cancel it, or --list the moves under way.")
final class ReassignPartitionsCommand implements Callable<Integer> {
    static final String THROTTLE_KEY = "leader.replication.throttled.rate";

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--generate",
            description = "Propose a plan moving the topics of --topics-to-move-json-file" + " onto --broker-list.")
    boolean generate;

    @Option(names = "--execute", description = "Start the moves of --reassignment-json-file.")
    boolean execute;

    @Option(
            names = "--verify",
            description = "Report whether the moves of --reassignment-json-file are done;"
                    + " once all are, remove the throttle.")
    boolean verify;

    @Option(
            names = "--cancel",
            description =
                    "Stop the moves of --reassignment-json-file that are under way," + " putting their replicas back.")
    boolean cancel;

    @Option(names = "--list", description = "List every partition being moved.")
    boolean list;

    @Option(
            names = "--topics-to-move-json-file",
            paramLabel = "FILE",
            description = "With --generate:" + " {\"version\":1,\"topics\":[{\"topic\":\"t\"}]}.")
    Path topicsFile;

    @Option(
            names = "--broker-list",
            paramLabel = "ID[,ID...]",
            description = "With --generate: the brokers to" + " spread the replicas over.")
    String brokerList;

    @Option(
            names = "--reassignment-json-file",
            paramLabel = "FILE",
            description = "The plan:"
                    + " {\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2,3]}]}.")
    Path planFile;

    @Option(
            names = "--throttle",
            paramLabel = "BYTES_PER_S",
            description = "With --execute: cap the bytes per"
                    + " second leaders send to the replicas being added (removed by --verify once the moves are done).")
    Long throttle;

    @Override
    public Integer call() {
        validate();
        try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
            if (generate) {
                generate(admin);
            } else if (execute) {
                execute(admin);
            } else if (verify) {
                return verify(admin);
            } else if (cancel) {
                cancel(admin);
            } else {
                list(admin);
            }
        }
        return Skiff.OK;
    }

    private void validate() {
        int modes = (generate ? 1 : 0) + (execute ? 1 : 0) + (verify ? 1 : 0) + (cancel ? 1 : 0) + (list ? 1 : 0);
        if (modes != 1) {
            throw new UserException(
                    "Command must include exactly one action: --generate, --execute, --verify, --cancel or --list");
        }
        if (generate && (topicsFile == null || brokerList == null)) {
            throw new UserException("--generate needs --topics-to-move-json-file and --broker-list");
        }
        if ((execute || verify || cancel) && planFile == null) {
            throw new UserException(
                    "--" + (execute ? "execute" : verify ? "verify" : "cancel") + " needs --reassignment-json-file");
        }
        if (throttle != null && !execute) {
            throw new UserException("--throttle can only be used with --execute");
        }
        if (throttle != null && throttle < 1) {
            throw new UserException("--throttle must be at least 1 byte per second, not " + throttle);
        }
        if (!generate && (topicsFile != null || brokerList != null)) {
            throw new UserException("--topics-to-move-json-file and --broker-list go with --generate only");
        }
        if ((generate || list) && planFile != null) {
            throw new UserException("--reassignment-json-file goes with --execute, --verify or --cancel");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("Cannot read " + file + ": " + e.getMessage());
        }
    }

    private Map<TopicPartition, List<Integer>> plan() {
        return ReassignmentPlan.parsePlan(read(planFile), planFile.toString());
    }

    /** The replicas of every partition of {@code topics} now; an unknown topic is an error naming it. */
    private static Map<TopicPartition, List<Integer>> current(Admin admin, List<String> topics) {
        Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<TopicDescription>> e :
                admin.describeTopics(topics).values().entrySet()) {
            TopicDescription d;
            try {
                d = Futures.get(e.getValue());
            } catch (ApiException x) {
                throw new UserException("Cannot describe topic '" + e.getKey() + "': " + Skiff.oneLine(x.getMessage()));
            }
            for (PartitionInfo p : d.partitions()) {
                out.put(new TopicPartition(d.name(), p.partition()), p.replicas());
            }
        }
        return out;
    }

    private void generate(Admin admin) {
        List<String> topics = ReassignmentPlan.parseTopics(read(topicsFile), topicsFile.toString());
        var brokers = ReassignmentPlan.brokerList(brokerList);
        var registered = Futures.get(admin.describeCluster()).registeredBrokers().stream()
                .map(b -> b.id())
                .collect(Collectors.toSet());
        List<Integer> unknown =
                brokers.stream().filter(b -> !registered.contains(b)).toList();
        if (!unknown.isEmpty()) {
            throw new UserException("--broker-list names broker(s) " + unknown + " that are not registered; the"
                    + " registered brokers are " + new java.util.TreeSet<>(registered));
        }
        Map<TopicPartition, List<Integer>> current = current(admin, topics);
        Map<TopicPartition, List<Integer>> proposed = ReassignmentPlan.generate(current, brokers);
        skiff.out().println("Current partition replica assignment");
        skiff.out().println(ReassignmentPlan.toJson(current));
        skiff.out().println();
        skiff.out().println("Proposed partition reassignment configuration");
        skiff.out().println(ReassignmentPlan.toJson(proposed));
    }

    private void execute(Admin admin) {
        Map<TopicPartition, List<Integer>> plan = plan();
        List<String> topics =
                plan.keySet().stream().map(TopicPartition::topic).distinct().toList();
        Map<TopicPartition, List<Integer>> current = current(admin, topics);
        List<TopicPartition> missing =
                plan.keySet().stream().filter(tp -> !current.containsKey(tp)).toList();
        if (!missing.isEmpty()) {
            throw new UserException("The plan names partition(s) that do not exist: " + missing);
        }
        Map<TopicPartition, List<Integer>> before = new LinkedHashMap<>();
        plan.keySet().forEach(tp -> before.put(tp, current.get(tp)));
        skiff.out().println("Current partition replica assignment");
        skiff.out().println();
        skiff.out().println(ReassignmentPlan.toJson(before));
        skiff.out().println();
        skiff.out().println("Save this to use as the --reassignment-json-file option during rollback");
        if (throttle != null) {
            setThrottle(admin, Optional.of(throttle));
            skiff.out()
                    .println("Warning: You must run --verify periodically, until the reassignment completes, to"
                            + " ensure the throttle is removed.");
            skiff.out().println("The inter-broker throttle limit was set to " + throttle + " B/s");
        }
        Map<TopicPartition, Optional<List<Integer>>> targets = new LinkedHashMap<>();
        plan.forEach((tp, r) -> targets.put(tp, Optional.of(r)));
        Map<TopicPartition, String> errors =
                outcomes(admin.alterPartitionReassignments(targets).values());
        List<TopicPartition> started =
                plan.keySet().stream().filter(tp -> !errors.containsKey(tp)).toList();
        if (!started.isEmpty()) {
            skiff.out().println("Successfully started partition reassignment(s) for " + names(started));
        }
        if (!errors.isEmpty()) {
            skiff.out().println("Error reassigning partition(s):");
            errors.forEach((tp, why) -> skiff.out().println(tp + ": " + why));
            throw new UserException(errors.size() + " partition reassignment(s) could not be started");
        }
    }

    private int verify(Admin admin) {
        Map<TopicPartition, List<Integer>> plan = plan();
        SortedMap<TopicPartition, PartitionReassignment> ongoing =
                Futures.get(admin.listPartitionReassignments(plan.keySet()));
        List<String> topics =
                plan.keySet().stream().map(TopicPartition::topic).distinct().toList();
        Map<TopicPartition, List<Integer>> current = current(admin, topics);
        skiff.out().println("Status of partition reassignment:");
        boolean allDone = true;
        int mismatched = 0;
        for (Map.Entry<TopicPartition, List<Integer>> e : plan.entrySet()) {
            TopicPartition tp = e.getKey();
            if (ongoing.containsKey(tp)) {
                allDone = false;
                skiff.out().println("Reassignment of partition " + tp + " is still in progress.");
            } else if (e.getValue().equals(current.get(tp))) {
                skiff.out().println("Reassignment of partition " + tp + " is completed.");
            } else {
                allDone = false;
                mismatched++;
                skiff.out()
                        .println("There is no active reassignment of partition " + tp + ", but replica set is "
                                + current.get(tp) + " rather than " + e.getValue() + ".");
            }
        }
        if (allDone) {
            setThrottle(admin, Optional.empty());
            skiff.out().println();
            skiff.out().println("Clearing broker-level throttles (" + THROTTLE_KEY + ")");
        }
        if (mismatched > 0) {
            throw new UserException(mismatched + " partition(s) are not where the plan puts them and no move is under"
                    + " way: run --execute again, or check whether a --cancel stopped them");
        }
        return Skiff.OK;
    }

    private void cancel(Admin admin) {
        Map<TopicPartition, List<Integer>> plan = plan();
        Map<TopicPartition, Optional<List<Integer>>> targets = new LinkedHashMap<>();
        plan.keySet().forEach(tp -> targets.put(tp, Optional.empty()));
        Map<TopicPartition, CompletableFuture<Void>> results =
                admin.alterPartitionReassignments(targets).values();
        List<TopicPartition> cancelled = new ArrayList<>();
        List<TopicPartition> notMoving = new ArrayList<>();
        Map<TopicPartition, String> errors = new LinkedHashMap<>();
        results.forEach((tp, f) -> {
            try {
                Futures.get(f);
                cancelled.add(tp);
            } catch (ApiException e) {
                if (e.error() == Errors.NO_REASSIGNMENT_IN_PROGRESS) {
                    notMoving.add(tp);
                } else {
                    errors.put(tp, e.error() + ": " + Skiff.oneLine(e.getMessage()));
                }
            }
        });
        setThrottle(admin, Optional.empty());
        if (!cancelled.isEmpty()) {
            skiff.out().println("Successfully cancelled partition reassignment(s) for: " + names(cancelled));
        }
        if (!notMoving.isEmpty()) {
            skiff.out().println("No reassignment was in progress for: " + names(notMoving));
        }
        if (cancelled.isEmpty() && notMoving.isEmpty() && errors.isEmpty()) {
            skiff.out().println("None of the specified partition reassignments are active.");
        }
        if (!errors.isEmpty()) {
            skiff.out().println("Error cancelling partition reassignment(s):");
            errors.forEach((tp, why) -> skiff.out().println(tp + ": " + why));
            throw new UserException(errors.size() + " partition reassignment(s) could not be cancelled");
        }
    }

    private void list(Admin admin) {
        SortedMap<TopicPartition, PartitionReassignment> ongoing = Futures.get(admin.listPartitionReassignments());
        if (ongoing.isEmpty()) {
            skiff.out().println("No partition reassignments found.");
            return;
        }
        skiff.out().println("Current partition reassignments:");
        ongoing.forEach((tp, r) -> skiff.out()
                .println(tp + ": replicas: " + ids(r.replicas()) + ". adding: " + ids(r.addingReplicas())
                        + ". removing: " + ids(r.removingReplicas()) + "."));
    }

    /** Sets (or, empty, deletes) the throttle as the dynamic default of every broker. */
    private static void setThrottle(Admin admin, Optional<Long> bytesPerS) {
        AlterConfigOp op = bytesPerS.isPresent()
                ? AlterConfigOp.set(THROTTLE_KEY, Long.toString(bytesPerS.get()))
                : AlterConfigOp.delete(THROTTLE_KEY);
        ConfigResource everyBroker = new ConfigResource(ConfigResource.Type.BROKER, "");
        try {
            admin.incrementalAlterConfigs(Map.of(everyBroker, List.of(op))).get();
        } catch (ApiException e) {
            throw new UserException("Could not " + (bytesPerS.isPresent() ? "set" : "remove") + " the throttle ("
                    + THROTTLE_KEY + "): " + Skiff.oneLine(e.getMessage()));
        }
    }

    private static Map<TopicPartition, String> outcomes(Map<TopicPartition, CompletableFuture<Void>> results) {
        Map<TopicPartition, String> errors = new LinkedHashMap<>();
        results.forEach((tp, f) -> {
            try {
                Futures.get(f);
            } catch (ApiException e) {
                errors.put(tp, e.error() + ": " + Skiff.oneLine(e.getMessage()));
            }
        });
        return errors;
    }

    private static String names(List<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(","));
    }

    private static String ids(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
