package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ConsumerGroupListing;
import dev.skiff.client.Errors;
import dev.skiff.client.Futures;
import dev.skiff.client.GroupState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff consumer-groups}: kafka-consumer-groups' list, describe, delete, reset and delete offsets. */
@Command(
        name = "consumer-groups",
        description = "List, describe and delete consumer groups, reset their offsets and delete offsets, as"
                + " kafka-consumer-groups does.")
final class ConsumerGroupsCommand implements Callable<Integer> {
    static final String ACTIONS = "--list, --describe, --delete, --reset-offsets, --delete-offsets";
    static final String SCENARIOS =
            "--to-earliest, --to-latest, --to-offset, --to-datetime, --by-duration, --shift-by, --to-current";

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--list", description = "List all consumer groups.")
    boolean list;

    @Option(
            names = "--describe",
            description = "Describe consumer groups: each partition's committed offset, log end and lag (the"
                    + " default), or --members, or --state.")
    boolean describe;

    @Option(names = "--delete", description = "Delete consumer groups (only groups without active members).")
    boolean delete;

    @Option(
            names = "--reset-offsets",
            description = "Reset a group's offsets (the group must be inactive): a scenario, a scope"
                    + " (--topic or --all-topics), and --dry-run (the default) or --execute.")
    boolean resetOffsets;

    @Option(names = "--delete-offsets", description = "Delete a group's offsets of some topics or partitions.")
    boolean deleteOffsets;

    @Option(names = "--group", paramLabel = "GROUP", description = "The consumer group to act on (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--all-groups", description = "Apply to all consumer groups.")
    boolean allGroups;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC[:P,P...]",
            description =
                    "With --reset-offsets or --delete-offsets: a topic, or some of its partitions" + " (repeatable).")
    List<String> topics = new ArrayList<>();

    @Option(names = "--all-topics", description = "With --reset-offsets: every topic the group has offsets for.")
    boolean allTopics;

    @Option(names = "--members", description = "With --describe: the group's members.")
    boolean members;

    @Option(names = "--offsets", description = "With --describe: offsets and lag (the default view).")
    boolean offsets;

    @Option(
            names = "--state",
            arity = "0..1",
            fallbackValue = "",
            paramLabel = "STATE[,STATE...]",
            description = "With --describe: the group's coordinator, assignor, state and member count. With"
                    + " --list: add the STATE column, and list only groups in these states if given"
                    + " (e.g. stable,empty).")
    String state;

    @Option(names = "--verbose", description = "With --describe --members: each member's assignment.")
    boolean verbose;

    @Option(names = "--to-earliest", description = "Reset to each partition's log start offset.")
    boolean toEarliest;

    @Option(names = "--to-latest", description = "Reset to each partition's log end offset.")
    boolean toLatest;

    @Option(names = "--to-offset", paramLabel = "N", description = "Reset to offset N (kept within the log).")
    Long toOffset;

    @Option(
            names = "--to-datetime",
            paramLabel = "YYYY-MM-DDTHH:mm:SS.sss[ZONE]",
            description = "Reset to the first offset at or after this time (local time without a zone).")
    String toDatetime;

    @Option(
            names = "--by-duration",
            paramLabel = "PnDTnHnMnS",
            description = "Reset to the first offset at or after this long ago.")
    String byDuration;

    @Option(
            names = "--shift-by",
            paramLabel = "N",
            description = "Move each committed offset by N (negative: back), kept within the log.")
    Long shiftBy;

    @Option(names = "--to-current", description = "Reset to the committed offset (the log end where there is none).")
    boolean toCurrent;

    @Option(names = "--dry-run", description = "With --reset-offsets: only print the plan (the default).")
    boolean dryRun;

    @Option(names = "--execute", description = "With --reset-offsets: apply the plan.")
    boolean execute;

    @Option(
            names = "--timeout",
            paramLabel = "MS",
            description = "How long to wait for the cluster (default.api.timeout.ms of the admin client).")
    Long timeoutMs;

    @Override
    public Integer call() {
        ConsumerGroupsValidation.validate(this);
        PrintStream out = skiff.out();
        PrintStream err = skiff.err();
        if (resetOffsets && !execute && !dryRun) {
            err.println("WARN: No action will be performed as the --execute option is missing. Add --execute to"
                    + " apply the plan, or --dry-run to only print it without this warning.");
        }
        try (Admin admin = new Admin(clientProps(), ClientEnvironment.system())) {
            if (list) {
                return list(admin, out);
            }
            List<String> targets = targets(admin);
            if (describe) {
                return new GroupDescriber(admin, clientProps(), out, err, verbose).describe(targets, view());
            }
            if (delete) {
                return deleteGroups(admin, targets, out, err);
            }
            GroupOffsetTools tools = new GroupOffsetTools(admin, clientProps(), out, err);
            if (resetOffsets) {
                return tools.reset(
                        targets,
                        topics,
                        allTopics,
                        ConsumerGroupsValidation.scenario(
                                this, skiff.clock().instant(), java.time.ZoneId.systemDefault()),
                        execute);
            }
            return tools.deleteOffsets(groups.get(0), topics);
        }
    }

    Map<String, String> clientProps() {
        Map<String, String> specific = new LinkedHashMap<>();
        if (timeoutMs != null) {
            specific.put("default.api.timeout.ms", String.valueOf(timeoutMs));
        }
        return connection.clientProps(specific);
    }

    GroupDescriber.View view() {
        return members
                ? GroupDescriber.View.MEMBERS
                : state != null ? GroupDescriber.View.STATE : GroupDescriber.View.OFFSETS;
    }

    private int list(Admin admin, PrintStream out) {
        if (state == null) {
            Futures.get(admin.listConsumerGroups()).forEach(g -> out.println(g.groupId()));
            return Skiff.OK;
        }
        Set<GroupState> states = state.isEmpty() ? Set.of() : parseStates(state);
        List<ConsumerGroupListing> groups = Futures.get(admin.listConsumerGroups(states));
        GroupTables.listing(groups).forEach(out::println);
        return Skiff.OK;
    }

    /** Kafka's state names, case-insensitively, comma-separated. */
    static Set<GroupState> parseStates(String text) {
        Set<GroupState> valid = EnumSet.complementOf(EnumSet.of(GroupState.UNKNOWN));
        Set<GroupState> out = EnumSet.noneOf(GroupState.class);
        for (String s : text.split(",", -1)) {
            GroupState parsed = GroupState.parse(s);
            if (!valid.contains(parsed)) {
                List<String> names = new ArrayList<>();
                valid.forEach(v -> names.add(v.toString()));
                throw new UserException(
                        "Invalid state list '" + text + "'. Valid states are: " + String.join(", ", names));
            }
            out.add(parsed);
        }
        return out;
    }

    private List<String> targets(Admin admin) {
        if (!allGroups) {
            return List.copyOf(new TreeSet<>(groups));
        }
        List<String> all = new ArrayList<>();
        Futures.get(admin.listConsumerGroups()).forEach(g -> all.add(g.groupId()));
        return all;
    }

    private static int deleteGroups(Admin admin, List<String> targets, PrintStream out, PrintStream err) {
        Map<String, CompletableFuture<Void>> results =
                admin.deleteConsumerGroups(targets).values();
        List<String> deleted = new ArrayList<>();
        boolean failed = false;
        for (Map.Entry<String, CompletableFuture<Void>> e : results.entrySet()) {
            try {
                Futures.get(e.getValue());
                deleted.add("'" + e.getKey() + "'");
            } catch (ApiException ex) {
                failed = true;
                err.println("Error: Consumer group '" + e.getKey() + "' could not be deleted: " + explain(ex));
            }
        }
        if (!failed) {
            out.println("Deletion of requested consumer groups (" + String.join(", ", deleted) + ") was successful.");
            return Skiff.OK;
        }
        if (!deleted.isEmpty()) {
            out.println("These consumer groups were deleted successfully: " + String.join(", ", deleted));
        }
        return Skiff.USER_ERROR;
    }

    static String explain(ApiException e) {
        if (e.error() == Errors.NON_EMPTY_GROUP) {
            return "it still has active members (NON_EMPTY_GROUP); stop its consumers (or wait until their"
                    + " session times out) and try again";
        }
        if (e.error() == Errors.GROUP_ID_NOT_FOUND) {
            return "it does not exist (GROUP_ID_NOT_FOUND)";
        }
        return e.getMessage() + " (" + e.error() + ")";
    }
}
