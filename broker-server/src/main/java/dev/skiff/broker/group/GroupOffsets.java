package dev.skiff.broker.group;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ConsumerSubscription;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetCommitTopicResponse;
import dev.skiff.proto.v1.OffsetDeleteRequest;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import dev.skiff.proto.v1.OffsetDeleteTopic;
import dev.skiff.proto.v1.OffsetDeleteTopicResponse;
import dev.skiff.proto.v1.OffsetFetchPartition;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopic;
import dev.skiff.proto.v1.OffsetFetchTopicResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Committed offsets of a shard's groups: commit, fetch, delete, expiry. Part of the pure core. */
public final class GroupOffsets {
    private final GroupLimits limits;
    private final GroupShard shard;

    GroupOffsets(GroupLimits limits, GroupShard shard) {
        this.limits = limits;
        this.shard = shard;
    }

    /**
     * Validates a commit; what passes is written (answered after replication), what does not is
     * answered with its error. {@code partitionExists} tells UNKNOWN_TOPIC_OR_PARTITION apart.
     */
    public void commit(
            OffsetCommitRequest req,
            Predicate<TopicPartition> partitionExists,
            Responder<OffsetCommitResponse> r,
            long now,
            Effects fx) {
        Optional<String> badId = GroupShard.groupIdProblem(req.getGroupId());
        if (badId.isPresent()) {
            fx.reply(
                    r,
                    OffsetCommitResponse.newBuilder()
                            .setError(ErrorCode.INVALID_GROUP_ID)
                            .setErrorMessage(badId.get())
                            .build());
            return;
        }
        Optional<Sync.Refusal> refused = validate(req, now);
        Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        OffsetCommitResponse.Builder answer = OffsetCommitResponse.newBuilder();
        for (OffsetCommitTopic t : req.getTopicsList()) {
            OffsetCommitTopicResponse.Builder tr = answer.addTopicsBuilder().setName(t.getName());
            for (OffsetCommitPartition p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                int metadataBytes = p.getMetadata().getBytes(StandardCharsets.UTF_8).length;
                if (refused.isPresent()) {
                    partitionError(
                            tr,
                            p.getIndex(),
                            refused.get().error(),
                            refused.get().message());
                } else if (metadataBytes > limits.offsetMetadataBytesMax()) {
                    partitionError(
                            tr,
                            p.getIndex(),
                            ErrorCode.OFFSET_METADATA_TOO_LARGE,
                            "metadata of " + tp + " has " + metadataBytes
                                    + " bytes, more than offset.metadata.max.bytes=" + limits.offsetMetadataBytesMax());
                } else if (!partitionExists.test(tp)) {
                    partitionError(
                            tr,
                            p.getIndex(),
                            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "partition " + tp + " does not exist");
                } else {
                    accepted.put(
                            tp,
                            new CommittedOffset(
                                    p.getCommittedOffset(), p.getCommittedLeaderEpoch(), p.getMetadata(), now));
                }
            }
        }
        if (accepted.isEmpty()) {
            fx.reply(r, answer.build());
            return;
        }
        List<Effects.StoredRecord> records = new ArrayList<>();
        accepted.forEach((tp, o) -> records.add(GroupRecords.offset(req.getGroupId(), tp, o)));
        fx.write(req.getGroupId(), records, new Effects.CommitStored(Map.copyOf(accepted), answer, r));
    }

    private static void partitionError(OffsetCommitTopicResponse.Builder tr, int index, ErrorCode e, String message) {
        tr.addPartitionsBuilder().setIndex(index).setError(e).setErrorMessage(message);
    }

    /** Kafka's rules: members of the current generation, or generation -1 while the group has no members. */
    private Optional<Sync.Refusal> validate(OffsetCommitRequest req, long now) {
        Optional<Group> found = shard.group(req.getGroupId());
        if (found.isEmpty()) {
            if (req.getGenerationId() < 0) {
                shard.getOrCreate(req.getGroupId(), now);
                return Optional.empty();
            }
            return Optional.of(new Sync.Refusal(
                    ErrorCode.ILLEGAL_GENERATION,
                    "group " + req.getGroupId() + " does not exist, so generation " + req.getGenerationId()
                            + " is not its generation"));
        }
        Group g = found.get();
        if (g.is(GroupState.DEAD)) {
            return Optional.of(new Sync.Refusal(
                    ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "group " + g.groupId + " is being removed; find its coordinator again"));
        }
        if (req.getGenerationId() < 0 && req.getMemberId().isEmpty()) {
            if (g.members.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Sync.Refusal(
                    ErrorCode.UNKNOWN_MEMBER_ID,
                    "group " + g.groupId + " has members: commit as one of them (a commit outside the group"
                            + " is accepted only while it has none)"));
        }
        Optional<Sync.Refusal> no = Sync.check(g, req.getMemberId(), req.getGroupInstanceId(), req.getGenerationId());
        if (no.isPresent()) {
            return no;
        }
        if (g.is(GroupState.COMPLETING_REBALANCE)) {
            return Optional.of(new Sync.Refusal(
                    ErrorCode.REBALANCE_IN_PROGRESS,
                    "group " + g.groupId + " is completing a rebalance: sync, then commit"));
        }
        g.members.get(req.getMemberId()).touch(now);
        return Optional.empty();
    }

    void afterCommitStored(String groupId, Effects.CommitStored c, ErrorCode writeError, long now, Effects fx) {
        if (Effects.coordinatorError(writeError) == ErrorCode.NONE) {
            Group g = shard.getOrCreate(groupId, now);
            g.offsets.putAll(c.offsets());
        }
        answerCommit(c, writeError, fx);
    }

    /** Answers a commit: the written partitions get the write's outcome, as a group client reads it. */
    public static void answerCommit(Effects.CommitStored c, ErrorCode writeError, Effects fx) {
        ErrorCode error = Effects.coordinatorError(writeError);
        Map<String, OffsetCommitTopicResponse.Builder> byTopic = new LinkedHashMap<>();
        for (OffsetCommitTopicResponse.Builder t : c.answer().getTopicsBuilderList()) {
            byTopic.put(t.getName(), t);
        }
        String message = error == ErrorCode.NONE ? "" : "the commit could not be stored (" + writeError + "): retry";
        c.offsets().keySet().forEach(tp -> byTopic.get(tp.topic())
                .addPartitionsBuilder()
                .setIndex(tp.partition())
                .setError(error)
                .setErrorMessage(message));
        fx.reply(c.to(), c.answer().build());
    }

    public OffsetFetchResponse fetch(OffsetFetchRequest req) {
        Map<TopicPartition, CommittedOffset> have =
                shard.group(req.getGroupId()).map(g -> g.offsets).orElse(Map.of());
        Map<String, List<Integer>> wanted = new TreeMap<>();
        if (req.getTopicsCount() == 0) {
            have.keySet().forEach(tp -> wanted.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                    .add(tp.partition()));
            wanted.values().forEach(l -> l.sort(null));
        } else {
            for (OffsetFetchTopic t : req.getTopicsList()) {
                wanted.computeIfAbsent(t.getName(), n -> new ArrayList<>()).addAll(t.getPartitionsList());
            }
        }
        OffsetFetchResponse.Builder out = OffsetFetchResponse.newBuilder();
        wanted.forEach((topic, partitions) -> {
            OffsetFetchTopicResponse.Builder t = out.addTopicsBuilder().setName(topic);
            for (int p : partitions) {
                CommittedOffset o = have.get(new TopicPartition(topic, p));
                OffsetFetchPartition.Builder b = t.addPartitionsBuilder().setIndex(p);
                if (o == null) {
                    b.setCommittedOffset(-1).setCommittedLeaderEpoch(-1);
                } else {
                    b.setCommittedOffset(o.offset())
                            .setCommittedLeaderEpoch(o.leaderEpoch())
                            .setMetadata(o.metadata());
                }
            }
        });
        return out.build();
    }

    /**
     * Deletes an empty group with its offsets (NON_EMPTY_GROUP while it has members). The group
     * is Dead, refusing joins and commits, until its tombstones are replicated; then {@code done}
     * is answered.
     */
    public void deleteGroup(String groupId, Responder<DeletedGroupResult> done, long now, Effects fx) {
        DeletedGroupResult.Builder result = DeletedGroupResult.newBuilder().setGroupId(groupId);
        Optional<Group> found = shard.group(groupId);
        if (found.isEmpty() || found.get().is(GroupState.DEAD)) {
            fx.reply(
                    done,
                    result.setError(ErrorCode.GROUP_ID_NOT_FOUND)
                            .setErrorMessage("group " + groupId + " does not exist")
                            .build());
            return;
        }
        Group g = found.get();
        if (!g.is(GroupState.EMPTY)) {
            fx.reply(
                    done,
                    result.setError(ErrorCode.NON_EMPTY_GROUP)
                            .setErrorMessage("group " + groupId + " still has members")
                            .build());
            return;
        }
        List<Effects.StoredRecord> records = new ArrayList<>();
        g.offsets.keySet().forEach(tp -> records.add(GroupRecords.offsetTombstone(groupId, tp)));
        records.add(GroupRecords.metadataTombstone(groupId));
        long emptySince = g.stateSinceMs;
        g.transitionTo(GroupState.DEAD, now);
        fx.write(groupId, records, new Effects.GroupDeleted(emptySince, done));
    }

    void afterGroupDeleted(String groupId, Effects.GroupDeleted d, ErrorCode writeError, Effects fx) {
        ErrorCode error = Effects.coordinatorError(writeError);
        Optional<Group> deleting = shard.group(groupId).filter(g -> g.is(GroupState.DEAD));
        if (error == ErrorCode.NONE) {
            deleting.ifPresent(g -> shard.remove(groupId));
        } else {
            deleting.ifPresent(g -> g.restoreState(GroupState.EMPTY, d.emptySinceMs()));
        }
        DeletedGroupResult.Builder result =
                DeletedGroupResult.newBuilder().setGroupId(groupId).setError(error);
        if (error != ErrorCode.NONE) {
            result.setErrorMessage("the group's tombstones could not be stored (" + writeError + "): retry");
        }
        fx.reply(d.to(), result.build());
    }

    /**
     * Deletes some committed offsets; a topic a member subscribes to keeps its offsets. Answered
     * once the tombstones are replicated. Every named partition gets a tombstone, held or not, so
     * a retry after a failed write still removes what the log holds.
     */
    public void deleteOffsets(OffsetDeleteRequest req, Responder<OffsetDeleteResponse> r, Effects fx) {
        Optional<Group> found = shard.group(req.getGroupId());
        OffsetDeleteResponse.Builder out = OffsetDeleteResponse.newBuilder();
        if (found.isEmpty() || found.get().is(GroupState.DEAD)) {
            fx.reply(
                    r,
                    out.setError(ErrorCode.GROUP_ID_NOT_FOUND)
                            .setErrorMessage("group " + req.getGroupId() + " does not exist")
                            .build());
            return;
        }
        Group g = found.get();
        if (!g.is(GroupState.EMPTY) && !g.protocolType.equals("consumer")) {
            fx.reply(
                    r,
                    out.setError(ErrorCode.NON_EMPTY_GROUP)
                            .setErrorMessage("group " + g.groupId + " has members of protocol type '" + g.protocolType
                                    + "', whose subscriptions the coordinator cannot read")
                            .build());
            return;
        }
        Set<String> subscribed = subscribedTopics(g);
        List<Effects.StoredRecord> records = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> removed = new LinkedHashMap<>();
        for (OffsetDeleteTopic t : req.getTopicsList()) {
            OffsetDeleteTopicResponse.Builder tr = out.addTopicsBuilder().setName(t.getName());
            for (int p : t.getPartitionsList()) {
                if (subscribed.contains(t.getName())) {
                    tr.addPartitionsBuilder().setIndex(p).setError(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
                    continue;
                }
                TopicPartition tp = new TopicPartition(t.getName(), p);
                CommittedOffset was = g.offsets.remove(tp);
                if (was != null) {
                    removed.put(tp, was);
                }
                records.add(GroupRecords.offsetTombstone(g.groupId, tp));
                tr.addPartitionsBuilder().setIndex(p).setError(ErrorCode.NONE);
            }
        }
        if (records.isEmpty()) {
            fx.reply(r, out.build());
            return;
        }
        fx.write(g.groupId, records, new Effects.OffsetsDeleted(Map.copyOf(removed), out.build(), r));
    }

    void afterOffsetsDeleted(String groupId, Effects.OffsetsDeleted d, ErrorCode writeError, Effects fx) {
        ErrorCode error = Effects.coordinatorError(writeError);
        if (error == ErrorCode.NONE) {
            fx.reply(d.to(), d.answer());
            return;
        }
        shard.group(groupId).ifPresent(g -> d.removed().forEach(g.offsets::putIfAbsent));
        fx.reply(
                d.to(),
                d.answer().toBuilder()
                        .clearTopics()
                        .setError(error)
                        .setErrorMessage("the offset tombstones could not be stored (" + writeError + "): retry")
                        .build());
    }

    /**
     * Answers whoever waits on a write whose shard is gone (leadership moved): the write's fate is
     * unknown, so the caller is told to find the coordinator again.
     */
    static void answerLost(Effects.Write w, Effects fx) {
        Effects.AfterWrite after = w.after();
        ErrorCode lost = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        String message = "the coordinator moved before the write was stored: find the coordinator again";
        if (after instanceof Effects.CommitStored c) {
            answerCommit(c, lost, fx);
        } else if (after instanceof Effects.GroupDeleted d) {
            fx.reply(
                    d.to(),
                    DeletedGroupResult.newBuilder()
                            .setGroupId(w.groupId())
                            .setError(Effects.coordinatorError(lost))
                            .setErrorMessage(message)
                            .build());
        } else if (after instanceof Effects.OffsetsDeleted d) {
            fx.reply(
                    d.to(),
                    OffsetDeleteResponse.newBuilder()
                            .setError(Effects.coordinatorError(lost))
                            .setErrorMessage(message)
                            .build());
        }
    }

    /** The topics the members' ConsumerSubscriptions name (for their group's chosen protocol). */
    static Set<String> subscribedTopics(Group g) {
        Set<String> out = new HashSet<>();
        for (Member m : g.members.values()) {
            Optional<ByteString> metadata = g.protocolName.isEmpty()
                    ? m.protocols.stream().findFirst().map(p -> p.getMetadata())
                    : m.metadata(g.protocolName);
            if (metadata.isEmpty()) {
                continue;
            }
            try {
                out.addAll(ConsumerSubscription.parseFrom(metadata.get()).getTopicsList());
            } catch (InvalidProtocolBufferException e) {
                // Not a consumer's subscription: it names no topic the coordinator can protect.
            }
        }
        return out;
    }

    /**
     * The topics a Stable consumer group's members subscribe to, if every member's subscription
     * could be read (else empty: nothing can be said about the others).
     */
    private static Optional<Set<String>> readableSubscriptions(Group g) {
        if (!g.is(GroupState.STABLE) || !g.protocolType.equals("consumer") || g.protocolName.isEmpty()) {
            return Optional.empty();
        }
        Set<String> out = new HashSet<>();
        for (Member m : g.members.values()) {
            Optional<ByteString> metadata = m.metadata(g.protocolName);
            if (metadata.isEmpty()) {
                return Optional.empty();
            }
            try {
                out.addAll(ConsumerSubscription.parseFrom(metadata.get()).getTopicsList());
            } catch (InvalidProtocolBufferException e) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    /**
     * Expires offsets after offsets.retention.minutes: every offset of an empty group (counted
     * from when the group became empty, or for a group that never had members from the commit),
     * and in a Stable consumer group the offsets of topics no member subscribes to any more
     * (counted from the commit, Kafka's KIP-496). Empty groups left with no offsets are removed.
     */
    public void expire(long now, Effects fx) {
        for (Group g : List.copyOf(shard.groups())) {
            Optional<Set<String>> subscribed = readableSubscriptions(g);
            if (subscribed.isPresent()) {
                expireUnsubscribed(g, subscribed.get(), now, fx);
                continue;
            }
            if (!g.is(GroupState.EMPTY) || !g.pendingMembers.isEmpty()) {
                continue;
            }
            List<Effects.StoredRecord> records = new ArrayList<>();
            for (Map.Entry<TopicPartition, CommittedOffset> e : List.copyOf(g.offsets.entrySet())) {
                long since = g.protocolType.isEmpty() ? e.getValue().commitTimestampMs() : g.stateSinceMs;
                if (now - since >= limits.offsetsRetentionMs()) {
                    g.offsets.remove(e.getKey());
                    records.add(GroupRecords.offsetTombstone(g.groupId, e.getKey()));
                }
            }
            if (g.offsets.isEmpty()) {
                records.add(GroupRecords.metadataTombstone(g.groupId));
                g.transitionTo(GroupState.DEAD, now);
                shard.remove(g.groupId);
            }
            fx.write(g.groupId, records, new Effects.NothingWaits());
        }
    }

    private void expireUnsubscribed(Group g, Set<String> subscribed, long now, Effects fx) {
        List<Effects.StoredRecord> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : List.copyOf(g.offsets.entrySet())) {
            if (!subscribed.contains(e.getKey().topic())
                    && now - e.getValue().commitTimestampMs() >= limits.offsetsRetentionMs()) {
                g.offsets.remove(e.getKey());
                records.add(GroupRecords.offsetTombstone(g.groupId, e.getKey()));
            }
        }
        fx.write(g.groupId, records, new Effects.NothingWaits());
    }
}
