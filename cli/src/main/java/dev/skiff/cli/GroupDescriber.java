package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.Futures;
import dev.skiff.client.GroupState;
import dev.skiff.client.MemberDescription;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** {@code consumer-groups --describe}: the offsets, members or state view of each group. */
final class GroupDescriber {
    enum View {
        OFFSETS,
        MEMBERS,
        STATE
    }

    private final Admin admin;
    private final Map<String, String> clientProps;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean verbose;

    GroupDescriber(Admin admin, Map<String, String> clientProps, PrintStream out, PrintStream err, boolean verbose) {
        this.admin = admin;
        this.clientProps = clientProps;
        this.out = out;
        this.err = err;
        this.verbose = verbose;
    }

    /** Describes each group in id order; exits 1 if any does not exist or could not be described. */
    int describe(List<String> groupIds, View view) {
        Map<String, CompletableFuture<ConsumerGroupDescription>> results =
                admin.describeConsumerGroups(groupIds).values();
        boolean failed = false;
        try (LogOffsets offsets = new LogOffsets(admin, clientProps)) {
            for (String groupId : new TreeSet<>(results.keySet())) {
                ConsumerGroupDescription d;
                try {
                    d = Futures.get(results.get(groupId));
                } catch (ApiException e) {
                    err.println("Error: Consumer group '" + groupId + "' could not be described: " + e.getMessage());
                    failed = true;
                    continue;
                }
                if (d.state() == GroupState.DEAD) {
                    err.println(doesNotExist(groupId));
                    failed = true;
                    continue;
                }
                print(d, view, offsets);
            }
        }
        return failed ? Skiff.USER_ERROR : Skiff.OK;
    }

    static String doesNotExist(String groupId) {
        return "Error: Consumer group '" + groupId + "' does not exist.";
    }

    private void print(ConsumerGroupDescription d, View view, LogOffsets offsets) {
        switch (view) {
            case OFFSETS -> {
                List<GroupTables.OffsetRow> rows = offsetRows(d, offsets);
                warnState(d);
                table(rows.isEmpty() ? List.of() : GroupTables.offsets(rows));
            }
            case MEMBERS -> {
                warnState(d);
                table(d.members().isEmpty() ? List.of() : GroupTables.members(d, verbose));
            }
            case STATE -> {
                warnState(d);
                table(GroupTables.state(d));
            }
        }
    }

    private List<GroupTables.OffsetRow> offsetRows(ConsumerGroupDescription d, LogOffsets offsets) {
        SortedMap<TopicPartition, OffsetAndMetadata> committed =
                Futures.get(admin.listConsumerGroupOffsets(d.groupId()));
        Set<TopicPartition> partitions = new TreeSet<>(committed.keySet());
        for (MemberDescription m : d.members()) {
            partitions.addAll(m.assignment());
        }
        Map<TopicPartition, Long> ends = offsets.logEndOffsets(offsets.readable(partitions));
        return GroupTables.offsetRows(d, committed, ends);
    }

    /** Kafka's notes on stderr for a group without members or in a rebalance. */
    private void warnState(ConsumerGroupDescription d) {
        if (d.state() == GroupState.EMPTY) {
            err.println("Consumer group '" + d.groupId() + "' has no active members.");
        } else if (d.state() == GroupState.PREPARING_REBALANCE || d.state() == GroupState.COMPLETING_REBALANCE) {
            err.println("Warning: Consumer group '" + d.groupId() + "' is rebalancing.");
        }
    }

    private void table(List<String> lines) {
        if (!lines.isEmpty()) {
            out.println();
            lines.forEach(out::println);
        }
    }
}
