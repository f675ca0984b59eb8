package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * A consumer group's partition assignor, run by the group's leader member: a pure function from
 * the members' subscriptions and the topics' partition counts to each member's partitions. No
 * clock, no randomness, no I/O: the same input always gives the same assignment, so that jqwik can
 * drive it and a rebalance can be replayed.
 *
 * <p>Every assignment returned must be complete (each partition of a subscribed topic that exists
 * goes to exactly one member subscribed to its topic), except that a {@link
 * RebalanceProtocol#COOPERATIVE} assignor leaves out, for one round, the partitions that move from
 * one owner to another: their owner revokes them first, the group rebalances again, and the next
 * round assigns them (Kafka's KIP-429).
 */
public interface PartitionAssignor {
    /** The protocol name members announce in JoinGroup: "range", "roundrobin", "cooperative-sticky". */
    String name();

    RebalanceProtocol protocol();

    /**
     * Each member's partitions.
     *
     * @param partitionsPerTopic the partition count of every subscribed topic that exists; topics
     *     missing here get no partitions
     * @param subscriptions every member of the group by member id
     * @return an entry for every member in {@code subscriptions}, possibly an empty list, each list
     *     sorted
     */
    Map<String, List<TopicPartition>> assign(
            Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions);
}
