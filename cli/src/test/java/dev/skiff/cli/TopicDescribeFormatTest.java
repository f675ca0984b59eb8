package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicDescription;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka's {@code kafka-topics --describe} lines, byte for byte. */
class TopicDescribeFormatTest {
    private static final TopicDescription T = new TopicDescription(
            "orders",
            "nK3ZxQ2uT8ub0yC3r9KkWg",
            false,
            List.of(
                    new PartitionInfo("orders", 0, 1, 0, List.of(1, 2, 3), List.of(1, 2, 3)),
                    new PartitionInfo("orders", 1, 2, 0, List.of(2, 3, 1), List.of(2, 3)),
                    new PartitionInfo("orders", 2, -1, 4, List.of(3, 1, 2), List.of(3))),
            Map.of("segment.bytes", "1048576", "cleanup.policy", "compact"));

    @Test
    void topicLineThenOneLinePerPartition() {
        assertEquals(
                List.of(
                        "Topic: orders\tTopicId: nK3ZxQ2uT8ub0yC3r9KkWg\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: cleanup.policy=compact,segment.bytes=1048576",
                        "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3",
                        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3",
                        "\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3"),
                TopicDescribeFormat.lines(T, TopicDescribeFormat.Filter.NONE));
    }

    @Test
    void noOverridesLeaveConfigsEmpty() {
        TopicDescription t = new TopicDescription(
                "t", "id", false, List.of(new PartitionInfo("t", 0, 1, 0, List.of(1), List.of(1))), Map.of());
        assertEquals(
                List.of(
                        "Topic: t\tTopicId: id\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ",
                        "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1"),
                TopicDescribeFormat.lines(t, TopicDescribeFormat.Filter.NONE));
    }

    @Test
    void filtersShowOnlyMatchingPartitionsAndNoTopicLine() {
        assertEquals(
                List.of(
                        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3",
                        "\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3"),
                TopicDescribeFormat.lines(T, new TopicDescribeFormat.Filter(true, false, false)));
        assertEquals(
                List.of("\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3"),
                TopicDescribeFormat.lines(T, new TopicDescribeFormat.Filter(false, true, false)));
    }

    @Test
    void aPartitionLedByAnOfflineBrokerIsUnavailable() {
        TopicDescription t = new TopicDescription(
                "t",
                "id",
                false,
                List.of(
                        new PartitionInfo("t", 0, 1, 0, List.of(1, 2), List.of(1, 2), List.of(2)),
                        new PartitionInfo("t", 1, 2, 0, List.of(2, 1), List.of(2, 1), List.of(2))),
                Map.of());
        assertEquals(
                List.of("\tTopic: t\tPartition: 1\tLeader: 2\tReplicas: 2,1\tIsr: 2,1"),
                TopicDescribeFormat.lines(t, new TopicDescribeFormat.Filter(false, true, false)));
    }

    @Test
    void underMinIsrComparesTheIsrWithTheTopicsEffectiveMinimum() {
        TopicDescription t = new TopicDescription("orders", T.topicId(), false, T.partitions(), T.configs(), 2);
        assertEquals(
                List.of("\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3"),
                TopicDescribeFormat.lines(t, new TopicDescribeFormat.Filter(false, false, true)));
        assertEquals(
                List.of(),
                TopicDescribeFormat.lines(T, new TopicDescribeFormat.Filter(false, false, true)),
                "a minimum the broker did not report filters nothing in");
        assertEquals(
                List.of(
                        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3",
                        "\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3"),
                TopicDescribeFormat.lines(t, new TopicDescribeFormat.Filter(true, false, true)),
                "filters add up, each partition once");
    }
}
