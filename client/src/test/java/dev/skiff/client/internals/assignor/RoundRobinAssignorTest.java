package dev.skiff.client.internals.assignor;

import static dev.skiff.client.internals.assignor.Groups.member;
import static dev.skiff.client.internals.assignor.Groups.tps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinAssignorTest {
    private final RoundRobinAssignor assignor = new RoundRobinAssignor();

    @Test
    void dealsAllPartitionsInTurn() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t0", 3, "t1", 3),
                Map.of("c1", member(List.of("t0", "t1"), -1), "c0", member(List.of("t0", "t1"), -1)));
        assertEquals(Map.of("c0", tps("t0-0", "t0-2", "t1-1"), "c1", tps("t0-1", "t1-0", "t1-2")), assignment);
    }

    @Test
    void skipsMembersNotSubscribedToThePartitionsTopic() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t0", 1, "t1", 2, "t2", 3),
                Map.of(
                        "c0", member(List.of("t0"), -1),
                        "c1", member(List.of("t0", "t1"), -1),
                        "c2", member(List.of("t0", "t1", "t2"), -1)));
        assertEquals(
                Map.of("c0", tps("t0-0"), "c1", tps("t1-0"), "c2", tps("t1-1", "t2-0", "t2-1", "t2-2")), assignment);
    }

    @Test
    void ignoresWhatMembersOwnAndTopicsThatDoNotExist() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t", 2),
                Map.of("c0", member(List.of("t", "gone"), 3, "t-1"), "c1", member(List.of("t"), 3, "t-0")));
        assertEquals(Map.of("c0", tps("t-0"), "c1", tps("t-1")), assignment);
    }
}
