package dev.skiff.client.internals.assignor;

import static dev.skiff.client.internals.assignor.Groups.member;
import static dev.skiff.client.internals.assignor.Groups.staticMember;
import static dev.skiff.client.internals.assignor.Groups.tps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {
    private final RangeAssignor assignor = new RangeAssignor();

    @Test
    void contiguousRangesPerTopicTheFirstMembersTakeTheRest() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t0", 3, "t1", 3),
                Map.of("c1", member(List.of("t0", "t1"), -1), "c0", member(List.of("t1", "t0"), -1)));
        assertEquals(Map.of("c0", tps("t0-0", "t0-1", "t1-0", "t1-1"), "c1", tps("t0-2", "t1-2")), assignment);
    }

    @Test
    void eachTopicIsSplitAmongItsOwnSubscribers() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t0", 5, "t1", 2),
                Map.of(
                        "c0", member(List.of("t0"), -1),
                        "c1", member(List.of("t0", "t1"), -1),
                        "c2", member(List.of("t1"), -1)));
        assertEquals(
                Map.of("c0", tps("t0-0", "t0-1", "t0-2"), "c1", tps("t0-3", "t0-4", "t1-0"), "c2", tps("t1-1")),
                assignment);
    }

    @Test
    void staticMembersComeFirstByInstanceIdThenDynamicOnesById() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t", 4),
                Map.of(
                        "a", member(List.of("t"), -1),
                        "b", staticMember("z", List.of("t")),
                        "c", staticMember("y", List.of("t"))));
        assertEquals(Map.of("c", tps("t-0", "t-1"), "b", tps("t-2"), "a", tps("t-3")), assignment);
    }

    @Test
    void missingTopicsAndMoreMembersThanPartitionsGiveEmptyLists() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t", 1), Map.of("c0", member(List.of("t"), -1), "c1", member(List.of("t", "gone"), -1)));
        assertEquals(Map.of("c0", tps("t-0"), "c1", List.of()), assignment);
    }
}
