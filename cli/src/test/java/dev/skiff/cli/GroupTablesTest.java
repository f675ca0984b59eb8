package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.ConsumerGroupListing;
import dev.skiff.client.GroupState;
import dev.skiff.client.MemberDescription;
import dev.skiff.client.Node;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The consumer-groups tables, line for line: Kafka's headers, column order, widths and {@code -} cells. */
class GroupTablesTest {
    private static final Node COORDINATOR = new Node(2, "127.0.0.2", 9092, "");

    private static MemberDescription member(String id, TopicPartition... partitions) {
        return new MemberDescription(
                id, Optional.empty(), "console-consumer", "/127.0.0.1", new TreeSet<>(List.of(partitions)));
    }

    private static ConsumerGroupDescription group(GroupState state, MemberDescription... members) {
        return new ConsumerGroupDescription("g1", "consumer", "range", state, COORDINATOR, List.of(members), 3);
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    @Test
    void offsetsViewOrdersMembersThenUnownedPartitionsWithDashes() {
        ConsumerGroupDescription g = group(
                GroupState.STABLE,
                member("consumer-1-aaaa", tp("orders", 2)),
                member("consumer-2-bbbbbbbbbbbbbbbbbbbb", tp("orders", 1), tp("orders", 0)));
        Map<TopicPartition, OffsetAndMetadata> committed = new TreeMap<>(Map.of(
                tp("orders", 0), new OffsetAndMetadata(5),
                tp("orders", 2), new OffsetAndMetadata(7),
                tp("audit", 0), new OffsetAndMetadata(3)));
        Map<TopicPartition, Long> ends = Map.of(tp("orders", 0), 10L, tp("orders", 1), 4L, tp("orders", 2), 7L);
        List<String> lines = GroupTables.offsets(GroupTables.offsetRows(g, committed, ends));
        assertEquals(
                List.of(
                        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                     HOST            CLIENT-ID",
                        "g1              orders          0          5               10              5               consumer-2-bbbbbbbbbbbbbbbbbbbb /127.0.0.1      console-consumer",
                        "g1              orders          1          -               4               -               consumer-2-bbbbbbbbbbbbbbbbbbbb /127.0.0.1      console-consumer",
                        "g1              orders          2          7               7               0               consumer-1-aaaa                 /127.0.0.1      console-consumer",
                        "g1              audit           0          3               -               -               -                               -               -"),
                lines);
    }

    @Test
    void membersView() {
        ConsumerGroupDescription g = group(
                GroupState.STABLE,
                member("consumer-1-aaaa", tp("orders", 2), tp("audit", 0), tp("orders", 0)),
                member("consumer-2-bbbb"));
        assertEquals(
                List.of(
                        "GROUP           CONSUMER-ID     HOST            CLIENT-ID        #PARTITIONS",
                        "g1              consumer-1-aaaa /127.0.0.1      console-consumer 3",
                        "g1              consumer-2-bbbb /127.0.0.1      console-consumer 0"),
                GroupTables.members(g, false));
        assertEquals(
                List.of(
                        "GROUP           CONSUMER-ID     HOST            CLIENT-ID        #PARTITIONS     ASSIGNMENT",
                        "g1              consumer-1-aaaa /127.0.0.1      console-consumer 3               audit(0), orders(0,2)",
                        "g1              consumer-2-bbbb /127.0.0.1      console-consumer 0               -"),
                GroupTables.members(g, true));
    }

    @Test
    void membersViewShowsInstanceIdsWhenAnyMemberHasOne() {
        MemberDescription stat = new MemberDescription("m-1", Optional.of("host-a"), "c", "/10.0.0.1", new TreeSet<>());
        ConsumerGroupDescription g = group(GroupState.STABLE, stat);
        assertEquals(
                "GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS",
                GroupTables.members(g, false).get(0));
        assertEquals(
                "g1              m-1             host-a            /10.0.0.1       c               0",
                GroupTables.members(g, false).get(1));
    }

    @Test
    void stateView() {
        assertEquals(
                List.of(
                        "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS",
                        "g1              127.0.0.2:9092  (2)       range                Stable               1"),
                GroupTables.state(group(GroupState.STABLE, member("m"))));
        ConsumerGroupDescription empty =
                new ConsumerGroupDescription("g1", "consumer", "", GroupState.EMPTY, COORDINATOR, List.of(), 0);
        assertEquals(
                "g1              127.0.0.2:9092  (2)       -                    Empty                0",
                GroupTables.state(empty).get(1));
    }

    @Test
    void listingWithStates() {
        assertEquals(
                List.of(
                        "GROUP                              STATE",
                        "g1                                 Stable",
                        "a-much-longer-group-name           Empty"),
                GroupTables.listing(List.of(
                        new ConsumerGroupListing("g1", GroupState.STABLE, "consumer"),
                        new ConsumerGroupListing("a-much-longer-group-name", GroupState.EMPTY, "consumer"))));
    }

    @Test
    void resetPlanAndDeletedOffsets() {
        assertEquals(
                List.of(
                        "GROUP           TOPIC           PARTITION  NEW-OFFSET",
                        "g1              orders          0          0",
                        "g1              orders          1          12"),
                GroupTables.resetPlan(Map.of("g1", Map.of(tp("orders", 1), 12L, tp("orders", 0), 0L))));
        assertEquals(
                List.of(
                        "TOPIC           PARTITION  STATUS",
                        "gone            -          Error: This server does not host this topic-partition.",
                        "orders          0          Successful",
                        "orders          1          Error: The consumer group is actively subscribed to the topic"),
                GroupTables.deletedOffsets(Map.of(
                        tp("orders", 0), Optional.empty(),
                        tp("orders", 1), Optional.of("The consumer group is actively subscribed to the topic"),
                        tp("gone", -1), Optional.of("This server does not host this topic-partition."))));
    }
}
