package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's "range" assignor: topic by topic, the members subscribed to the topic, in {@link
 * Members#sorted} order, each take a contiguous range of its partitions; with {@code n} partitions
 * and {@code m} members the first {@code n % m} members take one more. Members subscribed to the
 * same topics get the same partition numbers of every topic (useful for co-partitioned joins), at
 * the cost of balance across topics: the first members take the extra partition of each.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    public RangeAssignor() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RebalanceProtocol protocol() {
        return RebalanceProtocol.EAGER;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(
            Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
        List<String> memberIds = Members.sorted(subscriptions);
        Map<String, List<TopicPartition>> assignment = Members.emptyAssignment(memberIds);
        for (Map.Entry<String, List<String>> topic :
                membersPerTopic(memberIds, subscriptions).entrySet()) {
            int partitions = Members.partitionCount(partitionsPerTopic, topic.getKey());
            List<String> members = topic.getValue();
            int share = partitions / members.size();
            int extra = partitions % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int length = share + (i < extra ? 1 : 0);
                for (int p = next; p < next + length; p++) {
                    assignment.get(members.get(i)).add(new TopicPartition(topic.getKey(), p));
                }
                next += length;
            }
        }
        return Members.sealed(assignment);
    }

    /** Each subscribed topic, with its subscribers in member order. */
    private static Map<String, List<String>> membersPerTopic(
            List<String> memberIds, Map<String, Subscription> subscriptions) {
        Map<String, List<String>> membersPerTopic = new TreeMap<>();
        for (String memberId : memberIds) {
            for (String topic : subscriptions.get(memberId).topics()) {
                List<String> members = membersPerTopic.computeIfAbsent(topic, t -> new ArrayList<>());
                if (!members.contains(memberId)) {
                    members.add(memberId);
                }
            }
        }
        return membersPerTopic;
    }
}
