package dev.skiff.client.internals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.client.SkiffException;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.assignor.Subscription;
import dev.skiff.proto.v1.ConsumerAssignment;
import dev.skiff.proto.v1.ConsumerSubscription;
import dev.skiff.proto.v1.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The consumer protocol's bytes (group.proto's ConsumerSubscription and ConsumerAssignment), which
 * the coordinator stores without reading. Version 1; a newer version is read for the fields this
 * one knows, as protobuf allows.
 */
public final class ConsumerProtocol {
    public static final String PROTOCOL_TYPE = "consumer";
    public static final int VERSION = 1;

    private ConsumerProtocol() {}

    public static ByteString subscription(Collection<String> topics, Collection<TopicPartition> owned, int generation) {
        return ConsumerSubscription.newBuilder()
                .setVersion(VERSION)
                .addAllTopics(new java.util.TreeSet<>(topics))
                .addAllOwnedPartitions(group(owned))
                .setGenerationId(generation)
                .build()
                .toByteString();
    }

    /** A member's subscription as the assignor sees it. */
    public static Subscription readSubscription(ByteString bytes, Optional<String> groupInstanceId) {
        try {
            ConsumerSubscription s = ConsumerSubscription.parseFrom(bytes);
            return new Subscription(
                    s.getTopicsList(), ungroup(s.getOwnedPartitionsList()), s.getGenerationId(), groupInstanceId);
        } catch (InvalidProtocolBufferException e) {
            throw new SkiffException("A group member sent a malformed ConsumerSubscription", e);
        }
    }

    public static ByteString assignment(Collection<TopicPartition> partitions) {
        return ConsumerAssignment.newBuilder()
                .setVersion(VERSION)
                .addAllPartitions(group(partitions))
                .build()
                .toByteString();
    }

    public static List<TopicPartition> readAssignment(ByteString bytes) {
        try {
            return ungroup(ConsumerAssignment.parseFrom(bytes).getPartitionsList());
        } catch (InvalidProtocolBufferException e) {
            throw new SkiffException("The group leader sent a malformed ConsumerAssignment", e);
        }
    }

    /** Partitions grouped by topic, topics and partitions sorted. */
    public static List<TopicPartitions> group(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        List<TopicPartitions> out = new ArrayList<>();
        byTopic.forEach((topic, ps) -> {
            ps.sort(Integer::compare);
            out.add(TopicPartitions.newBuilder()
                    .setTopic(topic)
                    .addAllPartitions(ps)
                    .build());
        });
        return out;
    }

    public static List<TopicPartition> ungroup(List<TopicPartitions> grouped) {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicPartitions t : grouped) {
            for (int p : t.getPartitionsList()) {
                out.add(new TopicPartition(t.getTopic(), p));
            }
        }
        return out;
    }
}
