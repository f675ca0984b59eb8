package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the assignors share: the order of members and the shape of a result. */
final class Members {
    private Members() {}

    /**
     * Static members first, by group instance id, then dynamic members by member id (Kafka's order
     * since KIP-345): a static member that restarts with a new member id keeps its place, and so
     * its share.
     */
    static List<String> sorted(Map<String, Subscription> subscriptions) {
        Comparator<Map.Entry<String, Subscription>> byInstanceIdFirst = Comparator.comparing(
                (Map.Entry<String, Subscription> e) -> e.getValue().groupInstanceId(), Members::compareInstanceIds);
        List<Map.Entry<String, Subscription>> entries = new ArrayList<>(subscriptions.entrySet());
        entries.sort(byInstanceIdFirst.thenComparing(Map.Entry::getKey));
        List<String> memberIds = new ArrayList<>(entries.size());
        for (Map.Entry<String, Subscription> entry : entries) {
            memberIds.add(entry.getKey());
        }
        return memberIds;
    }

    private static int compareInstanceIds(Optional<String> a, Optional<String> b) {
        if (a.isPresent() && b.isPresent()) {
            return a.get().compareTo(b.get());
        }
        // Present sorts before absent; two absent ones tie and fall through to the member id.
        return Boolean.compare(a.isEmpty(), b.isEmpty());
    }

    /** An empty, mutable list for every member, in {@link #sorted} order. */
    static Map<String, List<TopicPartition>> emptyAssignment(List<String> memberIds) {
        Map<String, List<TopicPartition>> assignment = new LinkedHashMap<>();
        for (String memberId : memberIds) {
            assignment.put(memberId, new ArrayList<>());
        }
        return assignment;
    }

    /** The result the {@link PartitionAssignor} contract promises: every list sorted and immutable. */
    static Map<String, List<TopicPartition>> sealed(Map<String, List<TopicPartition>> assignment) {
        Map<String, List<TopicPartition>> result = new LinkedHashMap<>();
        assignment.forEach((memberId, partitions) -> {
            List<TopicPartition> sorted = new ArrayList<>(partitions);
            sorted.sort(null);
            result.put(memberId, List.copyOf(sorted));
        });
        return Collections.unmodifiableMap(result);
    }

    /** The partition count of {@code topic}, 0 if it does not exist. */
    static int partitionCount(Map<String, Integer> partitionsPerTopic, String topic) {
        Integer count = partitionsPerTopic.get(topic);
        return count == null ? 0 : Math.max(0, count);
    }
}
