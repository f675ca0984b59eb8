package dev.skiff.client;

import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * A member of a consumer group: its member id (Kafka's CONSUMER-ID), static instance id if any,
 * client id, host as the coordinator saw it (e.g. {@code /127.0.0.1}), and the partitions of its
 * current assignment (empty while the group rebalances).
 */
public record MemberDescription(
        String consumerId,
        Optional<String> groupInstanceId,
        String clientId,
        String host,
        SortedSet<TopicPartition> assignment) {
    public MemberDescription {
        Objects.requireNonNull(consumerId, "consumerId");
        Objects.requireNonNull(groupInstanceId, "groupInstanceId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(host, "host");
        assignment = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(assignment));
    }
}
