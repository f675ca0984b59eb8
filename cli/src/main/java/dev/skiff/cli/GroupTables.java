package dev.skiff.cli;

import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.ConsumerGroupListing;
import dev.skiff.client.MemberDescription;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tables of {@code skiff consumer-groups}, with kafka-consumer-groups' headers, column order
 * and widths ({@code -} where a value is missing). Pure functions from the admin results to lines;
 * trailing blanks are trimmed.
 */
final class GroupTables {
    static final String MISSING = "-";

    private GroupTables() {}

    /** A column: its header, its minimum width, and whether it widens to fit its longest value. */
    private record Column(String header, int minWidth, boolean fitsValues) {}

    private static List<String> render(List<Column> columns, List<List<String>> rows) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).minWidth();
            if (columns.get(c).fitsValues()) {
                for (List<String> row : rows) {
                    widths[c] = Math.max(widths[c], row.get(c).length());
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(columns.stream().map(Column::header).toList(), widths));
        rows.forEach(r -> lines.add(line(r, widths)));
        return lines;
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            sb.append(cell);
            if (c < cells.size() - 1) {
                sb.append(" ".repeat(Math.max(0, widths[c] - cell.length()))).append(' ');
            }
        }
        return sb.toString().stripTrailing();
    }

    /** {@code --list --state}: GROUP and STATE columns. */
    static List<String> listing(List<ConsumerGroupListing> groups) {
        int groupWidth = 15;
        for (ConsumerGroupListing g : groups) {
            groupWidth = Math.max(groupWidth, g.groupId().length());
        }
        List<List<String>> rows = new ArrayList<>();
        groups.forEach(g -> rows.add(List.of(g.groupId(), g.state().toString())));
        return render(List.of(new Column("GROUP", groupWidth + 10, false), new Column("STATE", 20, false)), rows);
    }

    /** One row of {@code --describe} (the offsets view). */
    record OffsetRow(
            String group,
            String topic,
            String partition,
            String currentOffset,
            String logEndOffset,
            String lag,
            String consumerId,
            String host,
            String clientId) {
        List<String> cells() {
            return List.of(group, topic, partition, currentOffset, logEndOffset, lag, consumerId, host, clientId);
        }
    }

    /**
     * The rows of the offsets view, as Kafka orders them: members with partitions (most partitions
     * first), each member's partitions by topic and partition, then committed partitions that no
     * member owns, with {@code -} for the member columns. A partition without a known log end
     * offset shows {@code -} there; LAG is {@code -} without a committed offset or log end.
     */
    static List<OffsetRow> offsetRows(
            ConsumerGroupDescription group,
            Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> logEndOffsets) {
        List<OffsetRow> rows = new ArrayList<>();
        SortedSet<TopicPartition> assigned = new TreeSet<>();
        List<MemberDescription> members = new ArrayList<>(group.members());
        members.sort(
                Comparator.comparingInt((MemberDescription m) -> m.assignment().size())
                        .reversed());
        for (MemberDescription m : members) {
            for (TopicPartition tp : m.assignment()) {
                assigned.add(tp);
                rows.add(offsetRow(
                        group.groupId(), tp, committed, logEndOffsets, m.consumerId(), m.host(), m.clientId()));
            }
        }
        for (TopicPartition tp : new TreeMap<>(committed).keySet()) {
            if (!assigned.contains(tp)) {
                rows.add(offsetRow(group.groupId(), tp, committed, logEndOffsets, MISSING, MISSING, MISSING));
            }
        }
        return rows;
    }

    private static OffsetRow offsetRow(
            String group,
            TopicPartition tp,
            Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> logEndOffsets,
            String consumerId,
            String host,
            String clientId) {
        Optional<Long> current = Optional.ofNullable(committed.get(tp)).map(OffsetAndMetadata::offset);
        Optional<Long> end = Optional.ofNullable(logEndOffsets.get(tp));
        Optional<Long> lag = current.flatMap(c -> end.map(e -> e - c));
        return new OffsetRow(
                group,
                tp.topic(),
                String.valueOf(tp.partition()),
                current.map(String::valueOf).orElse(MISSING),
                end.map(String::valueOf).orElse(MISSING),
                lag.map(String::valueOf).orElse(MISSING),
                consumerId,
                host,
                clientId);
    }

    static List<String> offsets(List<OffsetRow> rows) {
        return render(
                List.of(
                        new Column("GROUP", 15, true),
                        new Column("TOPIC", 15, true),
                        new Column("PARTITION", 10, false),
                        new Column("CURRENT-OFFSET", 15, false),
                        new Column("LOG-END-OFFSET", 15, false),
                        new Column("LAG", 15, false),
                        new Column("CONSUMER-ID", 15, true),
                        new Column("HOST", 15, true),
                        new Column("CLIENT-ID", 0, false)),
                rows.stream().map(OffsetRow::cells).toList());
    }

    /** {@code --describe --members}: every member and how many partitions it has; with verbose, which. */
    static List<String> members(ConsumerGroupDescription group, boolean verbose) {
        boolean instanceIds =
                group.members().stream().anyMatch(m -> m.groupInstanceId().isPresent());
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("GROUP", 15, true));
        columns.add(new Column("CONSUMER-ID", 15, true));
        if (instanceIds) {
            columns.add(new Column("GROUP-INSTANCE-ID", 17, true));
        }
        columns.add(new Column("HOST", 15, true));
        columns.add(new Column("CLIENT-ID", 15, true));
        columns.add(new Column("#PARTITIONS", 15, false));
        if (verbose) {
            columns.add(new Column("ASSIGNMENT", 0, false));
        }
        List<List<String>> rows = new ArrayList<>();
        for (MemberDescription m : group.members()) {
            List<String> row = new ArrayList<>();
            row.add(group.groupId());
            row.add(m.consumerId());
            if (instanceIds) {
                row.add(m.groupInstanceId().orElse(MISSING));
            }
            row.add(m.host());
            row.add(m.clientId());
            row.add(String.valueOf(m.assignment().size()));
            if (verbose) {
                row.add(assignment(m.assignment()));
            }
            rows.add(row);
        }
        return render(columns, rows);
    }

    /** Kafka's ASSIGNMENT cell: {@code t1(0,1), t2(0)}, topics sorted; {@code -} if none. */
    static String assignment(SortedSet<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return MISSING;
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        List<String> parts = new ArrayList<>();
        byTopic.forEach((topic, ps) -> parts.add(
                topic + "(" + String.join(",", ps.stream().map(String::valueOf).toList()) + ")"));
        return String.join(", ", parts);
    }

    /** {@code --describe --state}: coordinator, assignor, state and member count. */
    static List<String> state(ConsumerGroupDescription group) {
        String coordinator = group.coordinator().host() + ":"
                + group.coordinator().port() + "  (" + group.coordinator().id() + ")";
        String strategy = group.partitionAssignor().isEmpty() ? MISSING : group.partitionAssignor();
        return render(
                List.of(
                        new Column("GROUP", 15, true),
                        new Column("COORDINATOR (ID)", 25, true),
                        new Column("ASSIGNMENT-STRATEGY", 20, false),
                        new Column("STATE", 20, false),
                        new Column("#MEMBERS", 0, false)),
                List.of(List.of(
                        group.groupId(),
                        coordinator,
                        strategy,
                        group.state().toString(),
                        String.valueOf(group.members().size()))));
    }

    /** {@code --reset-offsets}: each group's new offsets. */
    static List<String> resetPlan(Map<String, ? extends Map<TopicPartition, Long>> plans) {
        List<List<String>> rows = new ArrayList<>();
        plans.forEach((group, offsets) -> new TreeMap<>(offsets)
                .forEach((tp, offset) ->
                        rows.add(List.of(group, tp.topic(), String.valueOf(tp.partition()), String.valueOf(offset)))));
        return render(
                List.of(
                        new Column("GROUP", 15, true),
                        new Column("TOPIC", 15, true),
                        new Column("PARTITION", 10, false),
                        new Column("NEW-OFFSET", 0, false)),
                rows);
    }

    /** {@code --delete-offsets}: each partition's outcome, {@code Successful} or {@code Error: ...}. */
    static List<String> deletedOffsets(Map<TopicPartition, Optional<String>> outcomes) {
        List<List<String>> rows = new ArrayList<>();
        new TreeMap<>(outcomes)
                .forEach((tp, error) -> rows.add(List.of(
                        tp.topic(),
                        tp.partition() >= 0 ? String.valueOf(tp.partition()) : MISSING,
                        error.map(e -> "Error: " + e).orElse("Successful"))));
        return render(
                List.of(
                        new Column("TOPIC", 15, true),
                        new Column("PARTITION", 10, false),
                        new Column("STATUS", 0, false)),
                rows);
    }
}
