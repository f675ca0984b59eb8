package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A group for the assignor properties: up to five topics t0..t4 with 0-30 partitions each (or
 * missing), 1-12 members each subscribed to a non-empty subset, and random claims of ownership,
 * in random generations: overlapping ones, ones of partitions that do not exist, ones of topics the
 * member does not subscribe to.
 */
record RandomGroup(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    static final int TOPICS = 5;
    static final int MEMBERS_MAX = 12;

    /** One member before it gets its id: which topics (a bit mask), generation, static or not, claims. */
    private record Member(int topicMask, int generation, boolean isStatic, List<TopicPartition> claims) {}

    static Arbitrary<RandomGroup> any() {
        return groups(false, 30, MEMBERS_MAX);
    }

    /** At most 4 members and 3 partitions a topic: small enough to try every assignment. */
    static Arbitrary<RandomGroup> small() {
        return groups(false, 3, 4);
    }

    /** Every member subscribes to the same topics, the case where every assignor must be balanced. */
    static Arbitrary<RandomGroup> identicalSubscriptions() {
        return groups(true, 30, MEMBERS_MAX);
    }

    private static Arbitrary<RandomGroup> groups(boolean identical, int partitionsMax, int membersMax) {
        Arbitrary<List<Integer>> counts =
                Arbitraries.integers().between(-1, partitionsMax).list().ofSize(TOPICS);
        Arbitrary<TopicPartition> claim = Combinators.combine(
                        Arbitraries.integers().between(0, TOPICS - 1),
                        Arbitraries.integers().between(0, 31))
                .as((topic, partition) -> new TopicPartition("t" + topic, partition));
        Arbitrary<Member> member = Combinators.combine(
                        Arbitraries.integers().between(1, (1 << TOPICS) - 1),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.of(false, false, true),
                        claim.list().ofMaxSize(16))
                .as(Member::new);
        return Combinators.combine(counts, member.list().ofMinSize(1).ofMaxSize(membersMax))
                .as((c, members) -> build(c, members, identical));
    }

    private static RandomGroup build(List<Integer> counts, List<Member> members, boolean identical) {
        Map<String, Integer> partitionsPerTopic = new TreeMap<>();
        for (int t = 0; t < counts.size(); t++) {
            if (counts.get(t) >= 0) {
                partitionsPerTopic.put("t" + t, counts.get(t));
            }
        }
        Map<String, Subscription> subscriptions = new TreeMap<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            int mask = identical ? members.get(0).topicMask() : m.topicMask();
            // Instance ids run against member ids, so that the order of static members shows.
            Optional<String> instanceId = m.isStatic() ? Optional.of("i" + (MEMBERS_MAX - i)) : Optional.empty();
            subscriptions.put("m" + i, new Subscription(topics(mask), m.claims(), m.generation(), instanceId));
        }
        return new RandomGroup(partitionsPerTopic, subscriptions);
    }

    static List<String> topics(int mask) {
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < TOPICS; t++) {
            if ((mask & (1 << t)) != 0) {
                topics.add("t" + t);
            }
        }
        return topics;
    }

    /** The same group with everyone's claims replaced by {@code owned}, all in the next generation. */
    RandomGroup owning(Map<String, List<TopicPartition>> owned) {
        return new RandomGroup(partitionsPerTopic, Groups.nextRound(subscriptions, owned));
    }

    RandomGroup without(String memberId) {
        Map<String, Subscription> rest = new TreeMap<>(subscriptions);
        rest.remove(memberId);
        return new RandomGroup(partitionsPerTopic, rest);
    }

    RandomGroup with(String memberId, Subscription subscription) {
        Map<String, Subscription> more = new TreeMap<>(subscriptions);
        more.put(memberId, subscription);
        return new RandomGroup(partitionsPerTopic, more);
    }

    Map<String, List<TopicPartition>> assign(PartitionAssignor assignor) {
        return assignor.assign(partitionsPerTopic, subscriptions);
    }
}
