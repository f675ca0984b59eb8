package dev.skiff.client.internals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.ConsumerGroupListing;
import dev.skiff.client.Errors;
import dev.skiff.client.GroupState;
import dev.skiff.client.MemberDescription;
import dev.skiff.client.Node;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.AdminCall.Outcome;
import dev.skiff.proto.v1.ConsumerAssignment;
import dev.skiff.proto.v1.DeleteGroupsResponse;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.DescribedGroupMember;
import dev.skiff.proto.v1.ListGroupsResponse;
import dev.skiff.proto.v1.ListedGroup;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitPartitionResponse;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetCommitTopicResponse;
import dev.skiff.proto.v1.OffsetDeletePartitionResponse;
import dev.skiff.proto.v1.OffsetDeleteRequest;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import dev.skiff.proto.v1.OffsetDeleteTopic;
import dev.skiff.proto.v1.OffsetDeleteTopicResponse;
import dev.skiff.proto.v1.OffsetFetchPartition;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopic;
import dev.skiff.proto.v1.OffsetFetchTopicResponse;
import dev.skiff.proto.v1.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Translations between the Group service's admin messages and the client's types. Pure functions. */
public final class GroupAdminProtocol {
    /** Kafka's protocol type of consumer groups. */
    public static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private GroupAdminProtocol() {}

    /** Coordinator errors retry (the coordinator is found again); every other error is final. */
    static <V> Outcome<V> failure(Errors e, String message, String subject) {
        if (CoordinatorCall.isCoordinatorError(e)) {
            return new Outcome.Retry<>(e.name());
        }
        String text = message == null || message.isEmpty() ? subject + ": " + e.defaultMessage() : message;
        return new Outcome.Failed<>(e.exception(text));
    }

    /** The consumer groups (protocol type {@code consumer} or empty) of one broker's answer. */
    public static <K> Map<K, Outcome<List<ConsumerGroupListing>>> listed(ListGroupsResponse resp, K key) {
        Errors e = Errors.of(resp.getError());
        if (e != Errors.NONE) {
            return Map.of(key, failure(e, resp.getErrorMessage(), "Listing groups"));
        }
        List<ConsumerGroupListing> out = new ArrayList<>();
        for (ListedGroup g : resp.getGroupsList()) {
            if (g.getProtocolType().isEmpty() || g.getProtocolType().equals(CONSUMER_PROTOCOL_TYPE)) {
                out.add(new ConsumerGroupListing(g.getGroupId(), GroupState.parse(g.getState()), g.getProtocolType()));
            }
        }
        return Map.of(key, new Outcome.Done<>(out));
    }

    public static Map<String, Outcome<ConsumerGroupDescription>> described(
            Node coordinator, DescribeGroupsResponse resp) {
        Map<String, Outcome<ConsumerGroupDescription>> out = new HashMap<>();
        for (DescribedGroup g : resp.getGroupsList()) {
            Errors e = Errors.of(g.getError());
            if (e != Errors.NONE) {
                out.put(g.getGroupId(), failure(e, g.getErrorMessage(), "Group '" + g.getGroupId() + "'"));
                continue;
            }
            List<MemberDescription> members = new ArrayList<>();
            for (DescribedGroupMember m : g.getMembersList()) {
                members.add(new MemberDescription(
                        m.getMemberId(),
                        m.getGroupInstanceId().isEmpty() ? Optional.empty() : Optional.of(m.getGroupInstanceId()),
                        m.getClientId(),
                        m.getClientHost(),
                        assignment(g.getProtocolType(), m.getMemberAssignment())));
            }
            Node node = g.getCoordinator() == coordinator.id() || g.getCoordinator() <= 0
                    ? coordinator
                    : new Node(g.getCoordinator(), coordinator.host(), coordinator.port(), coordinator.rack());
            out.put(
                    g.getGroupId(),
                    new Outcome.Done<>(new ConsumerGroupDescription(
                            g.getGroupId(),
                            g.getProtocolType(),
                            g.getProtocol(),
                            GroupState.parse(g.getState()),
                            node,
                            members,
                            g.getGenerationId())));
        }
        return out;
    }

    /**
     * The partitions of a member's assignment: a ConsumerAssignment for consumer groups. Other
     * protocols' bytes (and bytes that do not parse) show no partitions rather than failing the
     * description.
     */
    public static SortedSet<TopicPartition> assignment(String protocolType, ByteString bytes) {
        SortedSet<TopicPartition> out = new TreeSet<>();
        if (bytes.isEmpty() || !(protocolType.isEmpty() || protocolType.equals(CONSUMER_PROTOCOL_TYPE))) {
            return out;
        }
        try {
            for (TopicPartitions tps : ConsumerAssignment.parseFrom(bytes).getPartitionsList()) {
                tps.getPartitionsList().forEach(p -> out.add(new TopicPartition(tps.getTopic(), p)));
            }
        } catch (InvalidProtocolBufferException e) {
            return new TreeSet<>();
        }
        return out;
    }

    /** OffsetFetch for {@code partitions}, or for every partition with an offset if empty. */
    public static OffsetFetchRequest offsetFetch(
            String groupId, Optional<? extends Collection<TopicPartition>> partitions) {
        OffsetFetchRequest.Builder req = OffsetFetchRequest.newBuilder().setGroupId(groupId);
        partitions.ifPresent(ps -> byTopic(ps)
                .forEach((topic, indexes) -> req.addTopics(
                        OffsetFetchTopic.newBuilder().setName(topic).addAllPartitions(indexes))));
        return req.build();
    }

    /** The committed offsets of an answer; partitions without one (-1) are left out. */
    public static <K> Map<K, Outcome<SortedMap<TopicPartition, OffsetAndMetadata>>> fetched(
            OffsetFetchResponse resp, K key, String groupId) {
        Errors e = Errors.of(resp.getError());
        if (e != Errors.NONE) {
            return Map.of(key, failure(e, resp.getErrorMessage(), "Group '" + groupId + "'"));
        }
        SortedMap<TopicPartition, OffsetAndMetadata> out = new TreeMap<>();
        for (OffsetFetchTopicResponse t : resp.getTopicsList()) {
            for (OffsetFetchPartition p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                Errors pe = Errors.of(p.getError());
                if (pe != Errors.NONE) {
                    return Map.of(key, failure(pe, "", "Group '" + groupId + "', partition " + tp));
                }
                if (p.getCommittedOffset() >= 0) {
                    Optional<Integer> epoch = p.getCommittedLeaderEpoch() >= 0
                            ? Optional.of(p.getCommittedLeaderEpoch())
                            : Optional.empty();
                    out.put(tp, new OffsetAndMetadata(p.getCommittedOffset(), epoch, p.getMetadata()));
                }
            }
        }
        return Map.of(key, new Outcome.Done<>(Collections.unmodifiableSortedMap(out)));
    }

    /** A commit from outside the group (generation -1, no member id), as admin tools send it. */
    public static OffsetCommitRequest offsetCommit(
            String groupId, Map<TopicPartition, OffsetAndMetadata> offsets, Set<TopicPartition> only) {
        Map<String, OffsetCommitTopic.Builder> topics = new TreeMap<>();
        for (TopicPartition tp : new TreeSet<>(only)) {
            OffsetAndMetadata o = offsets.get(tp);
            topics.computeIfAbsent(
                            tp.topic(), t -> OffsetCommitTopic.newBuilder().setName(t))
                    .addPartitions(OffsetCommitPartition.newBuilder()
                            .setIndex(tp.partition())
                            .setCommittedOffset(o.offset())
                            .setCommittedLeaderEpoch(o.leaderEpoch().orElse(-1))
                            .setMetadata(o.metadata()));
        }
        OffsetCommitRequest.Builder req =
                OffsetCommitRequest.newBuilder().setGroupId(groupId).setGenerationId(-1);
        topics.values().forEach(req::addTopics);
        return req.build();
    }

    public static Map<TopicPartition, Outcome<Void>> committed(
            OffsetCommitResponse resp, Set<TopicPartition> keys, String groupId) {
        Map<TopicPartition, Map.Entry<Errors, String>> partitions = new HashMap<>();
        for (OffsetCommitTopicResponse t : resp.getTopicsList()) {
            for (OffsetCommitPartitionResponse p : t.getPartitionsList()) {
                partitions.put(
                        new TopicPartition(t.getName(), p.getIndex()),
                        Map.entry(Errors.of(p.getError()), p.getErrorMessage()));
            }
        }
        return perPartition(Errors.of(resp.getError()), resp.getErrorMessage(), keys, groupId, partitions);
    }

    /** An error of the whole request fails every key; otherwise each partition has its own outcome. */
    private static Map<TopicPartition, Outcome<Void>> perPartition(
            Errors whole,
            String wholeMessage,
            Set<TopicPartition> keys,
            String groupId,
            Map<TopicPartition, Map.Entry<Errors, String>> partitions) {
        Map<TopicPartition, Outcome<Void>> out = new HashMap<>();
        if (whole != Errors.NONE) {
            Outcome<Void> all = failure(whole, wholeMessage, "Group '" + groupId + "'");
            keys.forEach(k -> out.put(k, all));
            return out;
        }
        partitions.forEach((tp, error) -> out.put(
                tp,
                error.getKey() == Errors.NONE
                        ? new Outcome.Done<>(null)
                        : failure(error.getKey(), error.getValue(), "Group '" + groupId + "', partition " + tp)));
        return out;
    }

    public static Map<String, Outcome<Void>> deleted(DeleteGroupsResponse resp) {
        Map<String, Outcome<Void>> out = new HashMap<>();
        for (DeletedGroupResult r : resp.getResultsList()) {
            Errors e = Errors.of(r.getError());
            out.put(
                    r.getGroupId(),
                    e == Errors.NONE
                            ? new Outcome.Done<>(null)
                            : failure(e, r.getErrorMessage(), "Group '" + r.getGroupId() + "'"));
        }
        return out;
    }

    public static OffsetDeleteRequest offsetDelete(String groupId, Collection<TopicPartition> partitions) {
        OffsetDeleteRequest.Builder req = OffsetDeleteRequest.newBuilder().setGroupId(groupId);
        byTopic(partitions)
                .forEach((topic, indexes) -> req.addTopics(
                        OffsetDeleteTopic.newBuilder().setName(topic).addAllPartitions(indexes)));
        return req.build();
    }

    public static Map<TopicPartition, Outcome<Void>> offsetsDeleted(
            OffsetDeleteResponse resp, Set<TopicPartition> keys, String groupId) {
        Map<TopicPartition, Map.Entry<Errors, String>> partitions = new HashMap<>();
        for (OffsetDeleteTopicResponse t : resp.getTopicsList()) {
            for (OffsetDeletePartitionResponse p : t.getPartitionsList()) {
                partitions.put(new TopicPartition(t.getName(), p.getIndex()), Map.entry(Errors.of(p.getError()), ""));
            }
        }
        return perPartition(Errors.of(resp.getError()), resp.getErrorMessage(), keys, groupId, partitions);
    }

    private static Map<String, List<Integer>> byTopic(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (TopicPartition tp : new TreeSet<>(partitions)) {
            out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        return out;
    }
}
