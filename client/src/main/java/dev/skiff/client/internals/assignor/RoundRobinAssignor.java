package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Kafka's "roundrobin" assignor: every partition of every subscribed topic, sorted by topic and
 * partition, is dealt in turn to the members in {@link Members#sorted} order, skipping a member
 * that does not subscribe to the partition's topic. With identical subscriptions the counts differ
 * by at most one; with different ones the dealing can leave it less balanced than it could be.
 */
public final class RoundRobinAssignor implements PartitionAssignor {
    public static final String NAME = "roundrobin";

    public RoundRobinAssignor() {}

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
        TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(s -> topics.addAll(s.topics()));
        int turn = 0;
        for (String topic : topics) {
            for (int p = 0; p < Members.partitionCount(partitionsPerTopic, topic); p++) {
                // Some member subscribes to this topic, so the search ends within one lap.
                while (!subscriptions.get(memberIds.get(turn)).topics().contains(topic)) {
                    turn = (turn + 1) % memberIds.size();
                }
                assignment.get(memberIds.get(turn)).add(new TopicPartition(topic, p));
                turn = (turn + 1) % memberIds.size();
            }
        }
        return Members.sealed(assignment);
    }
}
