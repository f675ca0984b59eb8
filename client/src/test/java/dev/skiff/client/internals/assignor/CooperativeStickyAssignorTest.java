package dev.skiff.client.internals.assignor;

import static dev.skiff.client.internals.assignor.Groups.member;
import static dev.skiff.client.internals.assignor.Groups.nextRound;
import static dev.skiff.client.internals.assignor.Groups.tps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CooperativeStickyAssignorTest {
    private final CooperativeStickyAssignor assignor = new CooperativeStickyAssignor();
    private final List<String> t = List.of("t");

    @Test
    void aFreshGroupGetsTheLeastLoadedFirst() {
        assertEquals(
                Map.of("c0", tps("t-0", "t-2"), "c1", tps("t-1", "t-3")),
                assignor.assign(Map.of("t", 4), Map.of("c0", member(t, -1), "c1", member(t, -1))));
    }

    @Test
    void aJoiningMemberGetsAPartitionOnlyAfterItsOwnerRevokedIt() {
        Map<String, Integer> topics = Map.of("t", 4);
        Map<String, Subscription> joined =
                Map.of("c0", member(t, 1, "t-0", "t-2"), "c1", member(t, 1, "t-1", "t-3"), "c2", member(t, -1));
        Map<String, List<TopicPartition>> first = assignor.assign(topics, joined);
        assertEquals(Map.of("c0", tps("t-0"), "c1", tps("t-1", "t-3"), "c2", List.of()), first);

        Map<String, List<TopicPartition>> second = assignor.assign(topics, nextRound(joined, first));
        assertEquals(Map.of("c0", tps("t-0"), "c1", tps("t-1", "t-3"), "c2", tps("t-2")), second);
    }

    @Test
    void theLeavingMembersPartitionsGoToTheOthersAndNothingElseMoves() {
        Map<String, List<TopicPartition>> assignment = assignor.assign(
                Map.of("t", 6), Map.of("c0", member(t, 4, "t-0", "t-1"), "c1", member(t, 4, "t-2", "t-3")));
        assertEquals(Map.of("c0", tps("t-0", "t-1", "t-4"), "c1", tps("t-2", "t-3", "t-5")), assignment);
    }

    @Test
    void aStaleClaimLosesToTheNewerGeneration() {
        Map<String, List<TopicPartition>> assignment =
                assignor.assign(Map.of("t", 2), Map.of("c0", member(t, 2, "t-0"), "c1", member(t, 1, "t-0", "t-1")));
        assertEquals(Map.of("c0", tps("t-0"), "c1", tps("t-1")), assignment);
    }

    @Test
    void aPartitionOfATopicItsOwnerNoLongerWantsWaitsForTheRevocation() {
        Map<String, Subscription> changed = Map.of("c0", member(List.of("u"), 1, "t-0", "t-1"), "c1", member(t, 1));
        Map<String, Integer> topics = Map.of("t", 2, "u", 1);
        Map<String, List<TopicPartition>> first = assignor.assign(topics, changed);
        assertEquals(Map.of("c0", tps("u-0"), "c1", List.of()), first);
        assertEquals(
                Map.of("c0", tps("u-0"), "c1", tps("t-0", "t-1")), assignor.assign(topics, nextRound(changed, first)));
    }

    @Test
    void withDifferentSubscriptionsPartitionsPassAlongAChainToBalance() {
        // a can only take t1, c only t2; b, who takes both, passes a t2 partition to c and takes
        // one of a's t1 partitions, and loads (4, 3, 0) become (3, 2, 2) with three moves.
        Map<String, Subscription> joined = Map.of(
                "a", member(List.of("t1"), 1, "t1-0", "t1-1", "t1-2", "t1-3"),
                "b", member(List.of("t1", "t2"), 1, "t2-0", "t2-1", "t2-2"),
                "c", member(List.of("t2"), -1));
        Map<String, Integer> topics = Map.of("t1", 4, "t2", 3);
        Map<String, List<TopicPartition>> first = assignor.assign(topics, joined);
        assertEquals(Map.of("a", tps("t1-0", "t1-1", "t1-2"), "b", tps("t2-0"), "c", List.of()), first);
        assertEquals(
                Map.of("a", tps("t1-0", "t1-1", "t1-2"), "b", tps("t1-3", "t2-0"), "c", tps("t2-1", "t2-2")),
                assignor.assign(topics, nextRound(joined, first)));
    }
}
