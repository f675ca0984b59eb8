package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Small builders and checks for assignor tests. */
final class Groups {
    private Groups() {}

    /** {@code "t0-1"} style names to partitions. */
    static List<TopicPartition> tps(String... names) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String name : names) {
            int dash = name.lastIndexOf('-');
            partitions.add(new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1))));
        }
        return partitions;
    }

    static Subscription member(List<String> topics, int generation, String... owned) {
        return new Subscription(topics, tps(owned), generation, Optional.empty());
    }

    static Subscription staticMember(String instanceId, List<String> topics) {
        return new Subscription(topics, List.of(), -1, Optional.of(instanceId));
    }

    /**
     * The next round's subscriptions: each member owns what it was just assigned (a cooperative
     * member revokes the rest, an eager one revoked everything and takes the new assignment), in a
     * generation one higher than the newest before.
     */
    static Map<String, Subscription> nextRound(
            Map<String, Subscription> subscriptions, Map<String, List<TopicPartition>> assignment) {
        int generation = subscriptions.values().stream()
                        .mapToInt(Subscription::generation)
                        .max()
                        .orElse(0)
                + 1;
        Map<String, Subscription> next = new TreeMap<>();
        subscriptions.forEach((memberId, s) -> next.put(
                memberId, new Subscription(s.topics(), assignment.get(memberId), generation, s.groupInstanceId())));
        return next;
    }

    /** Every partition the members' subscriptions cover, of topics that exist. */
    static TreeSet<TopicPartition> subscribedPartitions(
            Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
        TreeSet<TopicPartition> partitions = new TreeSet<>();
        for (Subscription s : subscriptions.values()) {
            for (String topic : s.topics()) {
                for (int p = 0; p < partitionsPerTopic.getOrDefault(topic, 0); p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
        }
        return partitions;
    }
}
