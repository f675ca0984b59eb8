package dev.skiff.broker.group;

import dev.skiff.proto.groups.v1.GroupMetadataValue;
import dev.skiff.proto.groups.v1.MemberMetadata;
import dev.skiff.proto.groups.v1.OffsetCommitKey;
import dev.skiff.proto.groups.v1.OffsetCommitValue;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.HeartbeatResponse;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The groups of one __consumer_offsets partition that this broker leads: the pure core of the
 * coordinator. Every method is a deterministic function of the shard's state, the event and the
 * time passed in; answers and records to write come back as {@link Effects}.
 *
 * <p>Threads: none of its own and no locking. A shard is confined to its owner: while loading,
 * the loader thread that replays the partition into it; then, handed over through the
 * coordinator's executor, the single "group-coordinator" thread (see {@code GroupCoordinator}).
 */
public final class GroupShard {
    private final GroupLimits limits;
    private final Membership membership;
    private final Sync sync;
    private final GroupOffsets offsets;
    private final Map<String, Group> groups = new HashMap<>();

    public GroupShard(GroupLimits limits, Supplier<String> memberIds) {
        this.limits = limits;
        this.membership = new Membership(limits, memberIds);
        this.sync = new Sync(membership);
        this.offsets = new GroupOffsets(limits, this);
    }

    public GroupOffsets offsets() {
        return offsets;
    }

    Optional<Group> group(String groupId) {
        return Optional.ofNullable(groups.get(groupId));
    }

    Group getOrCreate(String groupId, long now) {
        return groups.computeIfAbsent(groupId, id -> new Group(id, now));
    }

    void remove(String groupId) {
        groups.remove(groupId);
    }

    Collection<Group> groups() {
        return groups.values();
    }

    /** Why a group id is refused (INVALID_GROUP_ID), or empty. */
    public static Optional<String> groupIdProblem(String groupId) {
        if (groupId.isEmpty() || groupId.length() > GroupLimits.GROUP_ID_LENGTH_MAX) {
            return Optional.of("group id '" + groupId + "' must be 1 to " + GroupLimits.GROUP_ID_LENGTH_MAX
                    + " characters long, not " + groupId.length());
        }
        return Optional.empty();
    }

    public void join(JoinGroupRequest req, String clientHost, Responder<JoinGroupResponse> r, long now, Effects fx) {
        Optional<String> badId = groupIdProblem(req.getGroupId());
        if (badId.isPresent()) {
            fx.reply(r, Membership.joinError(req.getMemberId(), ErrorCode.INVALID_GROUP_ID, badId.get()));
            return;
        }
        int timeout = req.getSessionTimeoutMs();
        if (timeout < limits.sessionTimeoutMsMin() || timeout > limits.sessionTimeoutMsMax()) {
            fx.reply(
                    r,
                    Membership.joinError(
                            req.getMemberId(),
                            ErrorCode.INVALID_SESSION_TIMEOUT,
                            "session_timeout_ms " + timeout + " is outside group.min.session.timeout.ms="
                                    + limits.sessionTimeoutMsMin() + " to group.max.session.timeout.ms="
                                    + limits.sessionTimeoutMsMax()));
            return;
        }
        if (req.getRebalanceTimeoutMs() <= 0) {
            req = req.toBuilder().setRebalanceTimeoutMs(timeout).build();
        }
        Optional<Group> existing = group(req.getGroupId());
        if (existing.isEmpty() && !req.getMemberId().isEmpty()) {
            fx.reply(
                    r,
                    Membership.joinError(
                            req.getMemberId(),
                            ErrorCode.UNKNOWN_MEMBER_ID,
                            "group " + req.getGroupId() + " has no member " + req.getMemberId()
                                    + ": join again without a member id"));
            return;
        }
        Group g = existing.isPresent() ? existing.get() : getOrCreate(req.getGroupId(), now);
        membership.join(g, req, clientHost, r, now, fx);
    }

    public void sync(SyncGroupRequest req, Responder<SyncGroupResponse> r, long now, Effects fx) {
        Optional<Group> g = group(req.getGroupId());
        if (g.isEmpty()) {
            fx.reply(r, Sync.error(ErrorCode.UNKNOWN_MEMBER_ID, "group " + req.getGroupId() + " does not exist"));
            return;
        }
        sync.sync(g.get(), req, r, now, fx);
    }

    public HeartbeatResponse heartbeat(HeartbeatRequest req, long now) {
        Optional<Group> g = group(req.getGroupId());
        if (g.isEmpty()) {
            return HeartbeatResponse.newBuilder()
                    .setError(ErrorCode.UNKNOWN_MEMBER_ID)
                    .setErrorMessage("group " + req.getGroupId() + " does not exist")
                    .build();
        }
        return sync.heartbeat(g.get(), req, now);
    }

    public LeaveGroupResponse leave(LeaveGroupRequest req, long now, Effects fx) {
        Optional<Group> g = group(req.getGroupId());
        if (g.isEmpty()) {
            LeaveGroupResponse.Builder out = LeaveGroupResponse.newBuilder();
            req.getMembersList().forEach(m -> out.addMembersBuilder()
                    .setMemberId(m.getMemberId())
                    .setGroupInstanceId(m.getGroupInstanceId())
                    .setError(ErrorCode.UNKNOWN_MEMBER_ID));
            return out.build();
        }
        return sync.leave(g.get(), req, now, fx);
    }

    /** Session expiry and join deadlines of every group. */
    public void tick(long now, Effects fx) {
        for (Group g : List.copyOf(groups.values())) {
            membership.tick(g, now, fx);
        }
    }

    /** The outcome of a write the shell made for this shard. */
    public void afterWrite(String groupId, Effects.AfterWrite after, ErrorCode writeError, long now, Effects fx) {
        if (after instanceof Effects.SyncStored s) {
            group(groupId).ifPresent(g -> sync.afterSyncStored(g, s.generation(), writeError, now, fx));
        } else if (after instanceof Effects.CommitStored c) {
            offsets.afterCommitStored(groupId, c, writeError, now, fx);
        } else if (after instanceof Effects.GroupDeleted d) {
            offsets.afterGroupDeleted(groupId, d, writeError, fx);
        } else if (after instanceof Effects.OffsetsDeleted d) {
            offsets.afterOffsetsDeleted(groupId, d, writeError, fx);
        }
    }

    /** This broker no longer coordinates the shard: every parked call is answered NOT_COORDINATOR. */
    public void unload(Effects fx) {
        String message = "this broker no longer coordinates these groups: find the coordinator again";
        for (Group g : groups.values()) {
            for (Member m : g.members.values()) {
                if (m.awaitingJoin != null) {
                    fx.reply(m.awaitingJoin, Membership.joinError(m.memberId, ErrorCode.NOT_COORDINATOR, message));
                    m.awaitingJoin = null;
                }
                if (m.awaitingSync != null) {
                    fx.reply(m.awaitingSync, Sync.error(ErrorCode.NOT_COORDINATOR, message));
                    m.awaitingSync = null;
                }
            }
        }
        groups.clear();
    }

    /** Replays one record of the partition, in offset order (loading). */
    public void replay(GroupRecords.Decoded record) {
        switch (record.key().getKeyCase()) {
            case OFFSET_COMMIT -> replayOffset(record.key().getOffsetCommit(), record.value());
            case GROUP_METADATA -> {
                String id = record.key().getGroupMetadata().getGroup();
                if (record.value().isEmpty()) {
                    groups.remove(id);
                } else {
                    restore(getOrCreate(id, 0), (GroupMetadataValue)
                            record.value().get());
                }
            }
            case KEY_NOT_SET -> {}
        }
    }

    private void replayOffset(OffsetCommitKey k, Optional<com.google.protobuf.MessageLite> value) {
        dev.skiff.log.TopicPartition tp = new dev.skiff.log.TopicPartition(k.getTopic(), k.getPartition());
        if (value.isEmpty()) {
            group(k.getGroup()).ifPresent(g -> g.offsets.remove(tp));
            return;
        }
        OffsetCommitValue v = (OffsetCommitValue) value.get();
        getOrCreate(k.getGroup(), v.getCommitTimestampMs())
                .offsets
                .put(
                        tp,
                        new CommittedOffset(
                                v.getOffset(), v.getLeaderEpoch(), v.getMetadata(), v.getCommitTimestampMs()));
    }

    private static void restore(Group g, GroupMetadataValue v) {
        g.members.clear();
        g.staticMembers.clear();
        g.pendingMembers.clear();
        g.generation = v.getGeneration();
        g.protocolType = v.getProtocolType();
        g.protocolName = v.getProtocol();
        g.leaderId = v.getLeader();
        for (MemberMetadata mm : v.getMembersList()) {
            Member m = new Member(
                    mm.getMemberId(),
                    mm.getGroupInstanceId(),
                    mm.getClientId(),
                    mm.getClientHost(),
                    mm.getSessionTimeoutMs(),
                    mm.getRebalanceTimeoutMs(),
                    List.of(JoinGroupProtocol.newBuilder()
                            .setName(v.getProtocol())
                            .setMetadata(mm.getSubscription())
                            .build()));
            m.assignment = mm.getAssignment();
            g.members.put(m.memberId, m);
            if (m.isStatic()) {
                g.staticMembers.put(m.instanceId, m.memberId);
            }
        }
        g.restoreState(g.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE, v.getCurrentStateTimestampMs());
    }

    /** Loading is done: loaded members get a fresh session from now; groups with nothing left go. */
    public void finishLoad(long now) {
        groups.values().removeIf(g -> g.members.isEmpty() && g.offsets.isEmpty() && g.generation == 0);
        for (Group g : groups.values()) {
            g.members.values().forEach(m -> m.touch(now));
        }
    }
}
