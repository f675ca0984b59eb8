package dev.skiff.client.internals.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What every assignment must be, checked independently of how the assignors work. */
final class AssignmentChecks {
    private AssignmentChecks() {}

    /** An entry per member, sorted lists, no partition twice, each only to a subscriber of its topic. */
    static void assertExclusiveAndSubscribed(RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        assertEquals(group.subscriptions().keySet(), assignment.keySet());
        Set<TopicPartition> seen = new HashSet<>();
        Set<TopicPartition> subscribed = Groups.subscribedPartitions(group.partitionsPerTopic(), group.subscriptions());
        assignment.forEach((memberId, partitions) -> {
            assertEquals(new ArrayList<>(new TreeSet<>(partitions)), partitions, "sorted, no repeats: " + memberId);
            for (TopicPartition tp : partitions) {
                assertTrue(seen.add(tp), () -> tp + " assigned twice");
                assertTrue(subscribed.contains(tp), () -> tp + " does not exist");
                assertTrue(
                        group.subscriptions().get(memberId).topics().contains(tp.topic()),
                        () -> memberId + " does not subscribe to " + tp);
            }
        });
    }

    static void assertComplete(RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        assertExclusiveAndSubscribed(group, assignment);
        Set<TopicPartition> assigned = new TreeSet<>();
        assignment.values().forEach(assigned::addAll);
        assertEquals(Groups.subscribedPartitions(group.partitionsPerTopic(), group.subscriptions()), assigned);
    }

    /** Members with the same subscriptions differ by at most one partition. */
    static void assertBalancedAmongIdenticalSubscriptions(
            RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        Map<Set<String>, List<Integer>> countsBySubscription = new HashMap<>();
        group.subscriptions().forEach((memberId, s) -> countsBySubscription
                .computeIfAbsent(new HashSet<>(s.topics()), k -> new ArrayList<>())
                .add(assignment.get(memberId).size()));
        countsBySubscription.forEach((topics, counts) -> assertTrue(
                counts.stream().mapToInt(c -> c).max().orElse(0)
                                - counts.stream().mapToInt(c -> c).min().orElse(0)
                        <= 1,
                () -> "subscribers of " + topics + " hold " + counts));
    }

    /** Range's balance: per topic, its subscribers' shares differ by at most one. */
    static void assertBalancedPerTopic(RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        for (String topic : group.partitionsPerTopic().keySet()) {
            List<Integer> counts = new ArrayList<>();
            group.subscriptions().forEach((memberId, s) -> {
                if (s.topics().contains(topic)) {
                    counts.add((int) assignment.get(memberId).stream()
                            .filter(tp -> tp.topic().equals(topic))
                            .count());
                }
            });
            int spread = counts.isEmpty()
                    ? 0
                    : counts.stream().mapToInt(c -> c).max().getAsInt()
                            - counts.stream().mapToInt(c -> c).min().getAsInt();
            assertTrue(spread <= 1, () -> topic + " is split " + counts);
        }
    }

    /**
     * No single move would even the counts out: nobody holds a partition that a member with two
     * fewer partitions could take.
     */
    static void assertNoMoveEvensItOut(RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        assignment.forEach((giver, partitions) -> {
            for (TopicPartition tp : partitions) {
                group.subscriptions()
                        .forEach((taker, s) -> assertTrue(
                                !s.topics().contains(tp.topic())
                                        || assignment.get(taker).size() >= partitions.size() - 1,
                                () -> taker + " with " + assignment.get(taker).size() + " could take " + tp + " from "
                                        + giver + " with " + partitions.size()));
            }
        });
    }

    /**
     * KIP-429's safety: a partition goes to a member only if nobody else holds it, or if the member
     * holds it too, in a generation at least as new as every other claim.
     */
    static void assertNoPartitionGoesToANewOwnerBeforeItIsRevoked(
            RandomGroup group, Map<String, List<TopicPartition>> assignment) {
        assignment.forEach((memberId, partitions) -> {
            Subscription member = group.subscriptions().get(memberId);
            for (TopicPartition tp : partitions) {
                group.subscriptions().forEach((otherId, other) -> {
                    if (!otherId.equals(memberId) && other.ownedPartitions().contains(tp)) {
                        assertTrue(
                                member.ownedPartitions().contains(tp) && member.generation() >= other.generation(),
                                () -> tp + " goes to " + memberId + " while " + otherId + " owns it");
                    }
                });
            }
        });
    }

    /** The partitions of {@code assignment} whose member differs in {@code before}. */
    static Set<TopicPartition> moved(
            Map<String, List<TopicPartition>> before, Map<String, List<TopicPartition>> assignment) {
        Set<TopicPartition> moved = new TreeSet<>();
        assignment.forEach((memberId, partitions) -> {
            for (TopicPartition tp : partitions) {
                if (!before.getOrDefault(memberId, List.of()).contains(tp)) {
                    moved.add(tp);
                }
            }
        });
        return moved;
    }

    static int sumOfSquares(Map<String, List<TopicPartition>> assignment) {
        return assignment.values().stream().mapToInt(p -> p.size() * p.size()).sum();
    }

    /** By trying every assignment: the least sum of squared counts the subscriptions allow. */
    static int leastSumOfSquares(RandomGroup group, List<TopicPartition> partitions) {
        List<Subscription> members = new ArrayList<>(group.subscriptions().values());
        return leastSumOfSquares(members, partitions, 0, new int[members.size()]);
    }

    private static int leastSumOfSquares(
            List<Subscription> members, List<TopicPartition> partitions, int next, int[] counts) {
        if (next == partitions.size()) {
            int sum = 0;
            for (int count : counts) {
                sum += count * count;
            }
            return sum;
        }
        int least = Integer.MAX_VALUE;
        for (int m = 0; m < members.size(); m++) {
            if (members.get(m).topics().contains(partitions.get(next).topic())) {
                counts[m]++;
                least = Math.min(least, leastSumOfSquares(members, partitions, next + 1, counts));
                counts[m]--;
            }
        }
        return least;
    }
}
