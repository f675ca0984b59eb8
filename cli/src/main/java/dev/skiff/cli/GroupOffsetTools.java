package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.Errors;
import dev.skiff.client.Futures;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** {@code consumer-groups --reset-offsets} and {@code --delete-offsets}. */
final class GroupOffsetTools {
    private final Admin admin;
    private final Map<String, String> clientProps;
    private final PrintStream out;
    private final PrintStream err;

    GroupOffsetTools(Admin admin, Map<String, String> clientProps, PrintStream out, PrintStream err) {
        this.admin = admin;
        this.clientProps = clientProps;
        this.out = out;
        this.err = err;
    }

    /**
     * Plans (and with {@code execute}, applies) the reset of each group, refusing groups with
     * members as Kafka does; prints every planned group's new offsets.
     */
    int reset(
            List<String> groupIds,
            List<String> topicArgs,
            boolean allTopics,
            ResetPlan.Scenario scenario,
            boolean execute) {
        Map<String, CompletableFuture<ConsumerGroupDescription>> described =
                admin.describeConsumerGroups(groupIds).values();
        Map<String, SortedMap<TopicPartition, Long>> plans = new LinkedHashMap<>();
        boolean refused = false;
        try (LogOffsets offsets = new LogOffsets(admin, clientProps)) {
            for (String groupId : new TreeSet<>(described.keySet())) {
                ConsumerGroupDescription d = Futures.get(described.get(groupId));
                if (!d.state().isInactive()) {
                    err.println("Error: Assignments can only be reset if the group '" + groupId
                            + "' is inactive, but the current state is " + d.state() + ".");
                    refused = true;
                    continue;
                }
                SortedMap<TopicPartition, Long> plan = plan(groupId, topicArgs, allTopics, scenario, offsets);
                if (execute && !plan.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
                    plan.forEach((tp, o) -> commit.put(tp, new OffsetAndMetadata(o)));
                    admin.alterConsumerGroupOffsets(groupId, commit).get();
                }
                plans.put(groupId, plan);
            }
        }
        if (plans.values().stream().anyMatch(p -> !p.isEmpty())) {
            out.println();
            GroupTables.resetPlan(plans).forEach(out::println);
        }
        return refused ? Skiff.USER_ERROR : Skiff.OK;
    }

    private SortedMap<TopicPartition, Long> plan(
            String groupId,
            List<String> topicArgs,
            boolean allTopics,
            ResetPlan.Scenario scenario,
            LogOffsets offsets) {
        SortedMap<TopicPartition, OffsetAndMetadata> committed = Futures.get(admin.listConsumerGroupOffsets(groupId));
        List<TopicPartition> partitions = allTopics
                ? new ArrayList<>(committed.keySet())
                : offsets.resolve(
                        topicArgs.stream().map(ResetPlan::parseTopicArg).toList());
        if (partitions.isEmpty()) {
            return new TreeMap<>();
        }
        offsets.checkValid(partitions);
        Map<TopicPartition, Long> starts = offsets.logStartOffsets(partitions);
        Map<TopicPartition, Long> ends = offsets.logEndOffsets(partitions);
        Map<TopicPartition, Long> forTime = scenario instanceof ResetPlan.Scenario.ToTime t
                ? offsets.offsetsForTime(partitions, t.timestampMs())
                : Map.of();
        Map<TopicPartition, ResetPlan.PartitionState> states = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            Long found = forTime.get(tp);
            states.put(
                    tp,
                    new ResetPlan.PartitionState(
                            starts.get(tp),
                            ends.get(tp),
                            c == null ? OptionalLong.empty() : OptionalLong.of(c.offset()),
                            found == null ? OptionalLong.empty() : OptionalLong.of(found)));
        }
        ResetPlan.Plan plan = ResetPlan.plan(scenario, states);
        plan.warnings().forEach(err::println);
        return new TreeMap<>(plan.offsets());
    }

    /** Deletes the group's offsets of these topics or partitions; prints each partition's outcome. */
    int deleteOffsets(String groupId, List<String> topicArgs) {
        Map<TopicPartition, Optional<String>> outcomes = new TreeMap<>();
        Set<TopicPartition> partitions = new TreeSet<>();
        List<ResetPlan.TopicArg> args =
                topicArgs.stream().map(ResetPlan::parseTopicArg).toList();
        try (LogOffsets offsets = new LogOffsets(admin, clientProps)) {
            Set<String> whole = new TreeSet<>();
            args.stream().filter(ResetPlan.TopicArg::wholeTopic).forEach(a -> whole.add(a.topic()));
            Map<String, TopicDescription> topics = offsets.topics(whole);
            for (ResetPlan.TopicArg a : args) {
                if (!a.wholeTopic()) {
                    a.partitions().forEach(p -> partitions.add(new TopicPartition(a.topic(), p)));
                } else if (topics.containsKey(a.topic())) {
                    topics.get(a.topic())
                            .partitions()
                            .forEach(p -> partitions.add(new TopicPartition(a.topic(), p.partition())));
                } else {
                    outcomes.put(
                            new TopicPartition(a.topic(), -1),
                            Optional.of(Errors.UNKNOWN_TOPIC_OR_PARTITION.defaultMessage()));
                }
            }
        }
        Map<TopicPartition, CompletableFuture<Void>> results = partitions.isEmpty()
                ? Map.of()
                : admin.deleteConsumerGroupOffsets(groupId, partitions).values();
        for (Map.Entry<TopicPartition, CompletableFuture<Void>> e : results.entrySet()) {
            try {
                Futures.get(e.getValue());
                outcomes.put(e.getKey(), Optional.empty());
            } catch (ApiException ex) {
                if (isGroupError(ex.error())) {
                    // Kafka prints the error's own text here: "The group id does not exist."
                    err.println("Error: " + ex.error().defaultMessage());
                    return Skiff.USER_ERROR;
                }
                outcomes.put(e.getKey(), Optional.of(ex.getMessage()));
            }
        }
        boolean failed = outcomes.values().stream().anyMatch(Optional::isPresent);
        if (failed) {
            err.println("Error: Encountered some partition-level error, see the follow-up details.");
        } else {
            out.println("Request succeeded for deleting offsets from group " + groupId + ".");
        }
        out.println();
        GroupTables.deletedOffsets(outcomes).forEach(out::println);
        return failed ? Skiff.USER_ERROR : Skiff.OK;
    }

    private static boolean isGroupError(Errors e) {
        return e == Errors.GROUP_ID_NOT_FOUND || e == Errors.NON_EMPTY_GROUP || e == Errors.INVALID_GROUP_ID;
    }
}
