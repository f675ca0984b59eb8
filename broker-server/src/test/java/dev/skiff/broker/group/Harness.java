package dev.skiff.broker.group;

import com.google.protobuf.ByteString;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ConsumerSubscription;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drives one {@link GroupShard} with a fake clock: every answer lands in a {@link Call}; writes
 * are held until {@link #completeWrites} reports their outcome (NONE unless told otherwise).
 */
final class Harness {
    final GroupShard shard;
    long now = 1_000;
    private int nextId;
    final List<Effects.Write> pendingWrites = new ArrayList<>();
    final List<Effects.Write> allWrites = new ArrayList<>();
    boolean autoCompleteWrites = true;

    /** A recorded call: empty until answered. */
    static final class Call<T> implements Responder<T> {
        final List<T> answers = new ArrayList<>();

        @Override
        public void complete(T response) {
            answers.add(response);
        }

        boolean answered() {
            return !answers.isEmpty();
        }

        T answer() {
            if (answers.size() != 1) {
                throw new AssertionError("expected one answer, got " + answers);
            }
            return answers.get(0);
        }
    }

    Harness(GroupLimits limits) {
        shard = new GroupShard(limits, () -> "id" + nextId++);
    }

    static GroupLimits limits(long initialDelayMs) {
        return new GroupLimits(100, 100_000, 10, initialDelayMs, 20, 60_000);
    }

    void run(Consumer<Effects> event) {
        Effects fx = new Effects();
        event.accept(fx);
        handle(fx);
    }

    private void handle(Effects fx) {
        fx.replies().forEach(Effects.Reply::send);
        pendingWrites.addAll(fx.writes());
        allWrites.addAll(fx.writes());
        if (autoCompleteWrites) {
            completeWrites(ErrorCode.NONE);
        }
    }

    void completeWrites(ErrorCode outcome) {
        while (!pendingWrites.isEmpty()) {
            Effects.Write w = pendingWrites.remove(0);
            Effects fx = new Effects();
            shard.afterWrite(w.groupId(), w.after(), outcome, now, fx);
            handle(fx);
        }
    }

    void advance(long ms) {
        now += ms;
        run(fx -> shard.tick(now, fx));
    }

    static ByteString subscription(String... topics) {
        return ConsumerSubscription.newBuilder()
                .setVersion(1)
                .addAllTopics(List.of(topics))
                .build()
                .toByteString();
    }

    static JoinGroupRequest.Builder joinRequest(String group, String memberId) {
        return JoinGroupRequest.newBuilder()
                .setGroupId(group)
                .setMemberId(memberId)
                .setSessionTimeoutMs(1_000)
                .setRebalanceTimeoutMs(5_000)
                .setProtocolType("consumer")
                .setClientId("c")
                .addProtocols(JoinGroupProtocol.newBuilder().setName("range").setMetadata(subscription("t")));
    }

    Call<JoinGroupResponse> join(JoinGroupRequest req) {
        Call<JoinGroupResponse> c = new Call<>();
        run(fx -> shard.join(req, "/10.0.0.1", c, now, fx));
        return c;
    }

    /** A dynamic member's id, by the MEMBER_ID_REQUIRED round trip. */
    String newMember(String group) {
        JoinGroupResponse r = join(joinRequest(group, "").build()).answer();
        if (r.getError() != ErrorCode.MEMBER_ID_REQUIRED) {
            throw new AssertionError(r);
        }
        return r.getMemberId();
    }

    Call<JoinGroupResponse> join(String group, String memberId) {
        return join(joinRequest(group, memberId).build());
    }

    Call<SyncGroupResponse> sync(String group, String memberId, int generation, Map<String, String> assignment) {
        SyncGroupRequest.Builder b = SyncGroupRequest.newBuilder()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGenerationId(generation);
        assignment.forEach((m, a) -> b.addAssignments(
                SyncGroupAssignment.newBuilder().setMemberId(m).setAssignment(ByteString.copyFromUtf8(a))));
        Call<SyncGroupResponse> c = new Call<>();
        run(fx -> shard.sync(b.build(), c, now, fx));
        return c;
    }

    Call<OffsetCommitResponse> commit(String group, int generation, String member, String metadata, long... offsets) {
        OffsetCommitTopic.Builder t = OffsetCommitTopic.newBuilder().setName("t");
        for (int i = 0; i < offsets.length; i++) {
            t.addPartitions(OffsetCommitPartition.newBuilder()
                    .setIndex(i)
                    .setCommittedOffset(offsets[i])
                    .setCommittedLeaderEpoch(3)
                    .setMetadata(metadata));
        }
        OffsetCommitRequest req = OffsetCommitRequest.newBuilder()
                .setGroupId(group)
                .setGenerationId(generation)
                .setMemberId(member)
                .addTopics(t)
                .build();
        Call<OffsetCommitResponse> c = new Call<>();
        run(fx -> shard.offsets().commit(req, tp -> tp.partition() < 10, c, now, fx));
        return c;
    }

    Optional<Group> group(String id) {
        return shard.group(id);
    }

    GroupState state(String id) {
        return shard.group(id).map(Group::state).orElse(GroupState.DEAD);
    }

    Optional<CommittedOffset> offset(String group, int partition) {
        return shard.group(group).map(g -> g.offsets.get(new TopicPartition("t", partition)));
    }
}
