package dev.skiff.client.internals.assignor;

import static dev.skiff.client.internals.assignor.AssignmentChecks.assertBalancedAmongIdenticalSubscriptions;
import static dev.skiff.client.internals.assignor.AssignmentChecks.assertBalancedPerTopic;
import static dev.skiff.client.internals.assignor.AssignmentChecks.assertComplete;
import static dev.skiff.client.internals.assignor.AssignmentChecks.assertExclusiveAndSubscribed;
import static dev.skiff.client.internals.assignor.AssignmentChecks.assertNoMoveEvensItOut;
import static dev.skiff.client.internals.assignor.AssignmentChecks.assertNoPartitionGoesToANewOwnerBeforeItIsRevoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The assignors over random groups ({@link RandomGroup}). Tries come from {@code
 * jqwik.tries.default} (the parent pom; {@code -Pproperties-long} raises it); a failure prints the
 * seed, and {@code @Property(seed = "...")} replays it.
 */
class AssignorsPropertiesTest {
    @Provide
    Arbitrary<RandomGroup> groups() {
        return RandomGroup.any();
    }

    @Provide
    Arbitrary<RandomGroup> identical() {
        return RandomGroup.identicalSubscriptions();
    }

    @Provide
    Arbitrary<RandomGroup> small() {
        return RandomGroup.small();
    }

    @Provide
    Arbitrary<String> assignors() {
        return Arbitraries.of(RangeAssignor.NAME, RoundRobinAssignor.NAME, CooperativeStickyAssignor.NAME);
    }

    private static final PartitionAssignor STICKY = new CooperativeStickyAssignor();

    /** A cooperative assignment after the owners revoked what it left out, and the group rejoined. */
    private static Map<String, List<TopicPartition>> converged(RandomGroup group) {
        return group.owning(group.assign(STICKY)).assign(STICKY);
    }

    @Property
    void everyPartitionGoesToExactlyOneSubscriber(
            @ForAll("groups") RandomGroup group, @ForAll("assignors") String name) {
        PartitionAssignor assignor = Assignors.forName(name);
        Map<String, List<TopicPartition>> assignment = group.assign(assignor);
        if (assignor.protocol() == RebalanceProtocol.EAGER) {
            assertComplete(group, assignment);
        } else {
            assertExclusiveAndSubscribed(group, assignment);
            assertNoPartitionGoesToANewOwnerBeforeItIsRevoked(group, assignment);
            RandomGroup next = group.owning(assignment);
            Map<String, List<TopicPartition>> followUp = next.assign(assignor);
            assertComplete(next, followUp);
            // The follow-up only adds what the first round left out; nobody loses anything.
            assignment.forEach((memberId, partitions) ->
                    assertTrue(followUp.get(memberId).containsAll(partitions), () -> memberId + " lost a partition"));
        }
    }

    @Property
    void theSameInputInAnyOrderGivesTheSameAssignment(
            @ForAll("groups") RandomGroup group, @ForAll("assignors") String name) {
        Map<String, Subscription> reversed = new LinkedHashMap<>();
        List<String> memberIds = new ArrayList<>(group.subscriptions().keySet());
        for (int i = memberIds.size() - 1; i >= 0; i--) {
            reversed.put(memberIds.get(i), group.subscriptions().get(memberIds.get(i)));
        }
        Map<String, List<TopicPartition>> first = group.assign(Assignors.forName(name));
        assertEquals(first, Assignors.forName(name).assign(Map.copyOf(group.partitionsPerTopic()), reversed));
        assertEquals(first, group.assign(Assignors.forName(name)));
    }

    @Property
    void balanced(@ForAll("groups") RandomGroup group) {
        assertBalancedPerTopic(group, group.assign(new RangeAssignor()));
        Map<String, List<TopicPartition>> sticky = converged(group);
        assertBalancedAmongIdenticalSubscriptions(group, sticky);
        assertNoMoveEvensItOut(group, sticky);
    }

    @Property
    void balancedWhenSubscriptionsAreIdentical(
            @ForAll("identical") RandomGroup group, @ForAll("assignors") String name) {
        PartitionAssignor assignor = Assignors.forName(name);
        if (assignor instanceof RangeAssignor) {
            // Range splits each topic evenly, and the first members take the extra of each.
            assertBalancedPerTopic(group, group.assign(assignor));
        } else if (assignor.protocol() == RebalanceProtocol.COOPERATIVE) {
            assertBalancedAmongIdenticalSubscriptions(group, converged(group));
        } else {
            assertBalancedAmongIdenticalSubscriptions(group, group.assign(assignor));
        }
    }

    @Property
    void aConvergedCooperativeAssignmentStaysPut(@ForAll("groups") RandomGroup group) {
        Map<String, List<TopicPartition>> converged = converged(group);
        assertEquals(converged, group.owning(converged).assign(STICKY));
    }

    @Property
    void aBalancedAssignmentStaysPut(@ForAll("identical") RandomGroup group) {
        Map<String, List<TopicPartition>> roundRobin = group.assign(new RoundRobinAssignor());
        assertEquals(roundRobin, group.owning(roundRobin).assign(STICKY));
    }

    @Property
    void whenAMemberLeavesTheOthersKeepAllTheyHad(@ForAll("identical") RandomGroup group, @ForAll int pick) {
        Map<String, List<TopicPartition>> before = converged(group);
        List<String> memberIds = new ArrayList<>(group.subscriptions().keySet());
        String leaving = memberIds.get(Math.floorMod(pick, memberIds.size()));
        RandomGroup rest = group.owning(before).without(leaving);
        Map<String, List<TopicPartition>> after = rest.assign(STICKY);
        assertComplete(rest, after);
        assertBalancedAmongIdenticalSubscriptions(rest, after);
        after.forEach((memberId, partitions) -> assertTrue(
                partitions.containsAll(before.get(memberId)),
                () -> memberId + " lost some of " + before.get(memberId)));
    }

    @Property
    void whenAMemberJoinsPartitionsMoveOnlyToIt(@ForAll("identical") RandomGroup group) {
        Map<String, List<TopicPartition>> before = converged(group);
        List<String> topics = group.subscriptions().values().iterator().next().topics();
        RandomGroup joined = group.owning(before).with("joiner", Subscription.of(topics));
        Map<String, List<TopicPartition>> first = joined.assign(STICKY);
        assertNoPartitionGoesToANewOwnerBeforeItIsRevoked(joined, first);
        RandomGroup next = joined.owning(first);
        Map<String, List<TopicPartition>> second = next.assign(STICKY);
        assertComplete(next, second);
        assertBalancedAmongIdenticalSubscriptions(next, second);
        second.forEach((memberId, partitions) -> {
            if (!memberId.equals("joiner")) {
                assertTrue(before.get(memberId).containsAll(partitions), () -> memberId + " took a partition");
            }
        });
    }

    @Property
    void asBalancedAsTheSubscriptionsAllow(@ForAll("small") RandomGroup group) {
        List<TopicPartition> partitions =
                new ArrayList<>(Groups.subscribedPartitions(group.partitionsPerTopic(), group.subscriptions()));
        Assume.that(partitions.size() <= 8);
        Map<String, List<TopicPartition>> sticky = converged(group);
        assertEquals(
                AssignmentChecks.leastSumOfSquares(group, partitions),
                AssignmentChecks.sumOfSquares(sticky),
                () -> "no assignment evens the counts out more than " + sticky);
    }
}
