package dev.skiff.broker.group;

import com.google.protobuf.ByteString;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.HeartbeatResponse;
import dev.skiff.proto.v1.LeaveGroupMemberResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.LeavingMember;
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SyncGroup, Heartbeat and LeaveGroup of the classic protocol. The leader's assignment is stored
 * in __consumer_offsets before any member receives its share ({@link Effects.SyncStored}).
 */
final class Sync {
    private final Membership membership;

    Sync(Membership membership) {
        this.membership = membership;
    }

    static SyncGroupResponse error(ErrorCode error, String message) {
        return SyncGroupResponse.newBuilder()
                .setError(error)
                .setErrorMessage(message)
                .build();
    }

    /** Why a member's call is refused, or empty if it is a member of the current generation. */
    static Optional<Refusal> check(Group g, String memberId, String instanceId, int generation) {
        if (g.is(GroupState.DEAD)) {
            return Optional.of(new Refusal(
                    ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "group " + g.groupId + " is being removed; find its coordinator again"));
        }
        if (!instanceId.isEmpty()
                && g.staticMembers.containsKey(instanceId)
                && !g.staticMembers.get(instanceId).equals(memberId)) {
            return Optional.of(new Refusal(ErrorCode.FENCED_INSTANCE_ID, Membership.fenced(g, instanceId, memberId)));
        }
        if (!g.members.containsKey(memberId)) {
            return Optional.of(new Refusal(ErrorCode.UNKNOWN_MEMBER_ID, Membership.unknown(g, memberId)));
        }
        if (generation != g.generation) {
            return Optional.of(new Refusal(
                    ErrorCode.ILLEGAL_GENERATION,
                    "generation " + generation + " of group " + g.groupId + " is not its current generation "
                            + g.generation + ": join again"));
        }
        return Optional.empty();
    }

    record Refusal(ErrorCode error, String message) {}

    void sync(Group g, SyncGroupRequest req, Responder<SyncGroupResponse> r, long now, Effects fx) {
        Optional<Refusal> no = check(g, req.getMemberId(), req.getGroupInstanceId(), req.getGenerationId());
        if (no.isPresent()) {
            fx.reply(r, error(no.get().error(), no.get().message()));
            return;
        }
        if (!req.getProtocolType().isEmpty() && !req.getProtocolType().equals(g.protocolType)
                || !req.getProtocolName().isEmpty() && !req.getProtocolName().equals(g.protocolName)) {
            fx.reply(
                    r,
                    error(
                            ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                            "protocol " + req.getProtocolType() + "/" + req.getProtocolName() + " is not group "
                                    + g.groupId + "'s " + g.protocolType + "/" + g.protocolName));
            return;
        }
        Member m = g.members.get(req.getMemberId());
        switch (g.state()) {
            case EMPTY -> fx.reply(r, error(ErrorCode.UNKNOWN_MEMBER_ID, Membership.unknown(g, m.memberId)));
            case PREPARING_REBALANCE -> fx.reply(
                    r, error(ErrorCode.REBALANCE_IN_PROGRESS, "group " + g.groupId + " is rebalancing: join again"));
            case COMPLETING_REBALANCE -> awaitAssignment(g, m, req, r, now, fx);
            case STABLE -> {
                m.touch(now);
                fx.reply(r, assignment(g, m));
            }
            case DEAD -> throw new IllegalStateException("checked above");
        }
    }

    private static void awaitAssignment(
            Group g, Member m, SyncGroupRequest req, Responder<SyncGroupResponse> r, long now, Effects fx) {
        if (m.awaitingSync != null) {
            fx.reply(m.awaitingSync, error(ErrorCode.REBALANCE_IN_PROGRESS, "superseded by a newer SyncGroup"));
        }
        m.awaitingSync = r;
        m.touch(now);
        if (!m.memberId.equals(g.leaderId) || g.assignmentInFlight.isPresent()) {
            return;
        }
        Map<String, ByteString> assignments = new HashMap<>();
        for (SyncGroupAssignment a : req.getAssignmentsList()) {
            if (g.members.containsKey(a.getMemberId())) {
                assignments.put(a.getMemberId(), a.getAssignment());
            }
        }
        g.assignmentInFlight = Optional.of(Map.copyOf(assignments));
        fx.write(
                g.groupId,
                List.of(GroupRecords.metadata(g.groupId, g.metadataValue(assignments))),
                new Effects.SyncStored(g.generation));
    }

    private static SyncGroupResponse assignment(Group g, Member m) {
        return SyncGroupResponse.newBuilder()
                .setError(ErrorCode.NONE)
                .setProtocolType(g.protocolType)
                .setProtocolName(g.protocolName)
                .setAssignment(m.assignment)
                .build();
    }

    /** The leader's assignment was written (or not): members get their shares, or join again. */
    void afterSyncStored(Group g, int generation, ErrorCode writeError, long now, Effects fx) {
        Optional<Map<String, ByteString>> stored = g.assignmentInFlight;
        g.assignmentInFlight = Optional.empty();
        if (!g.is(GroupState.COMPLETING_REBALANCE) || g.generation != generation || stored.isEmpty()) {
            return;
        }
        if (writeError != ErrorCode.NONE) {
            ErrorCode error = Effects.coordinatorError(writeError);
            resetAssignments(
                    g, error, "the assignment of group " + g.groupId + " could not be stored: " + writeError, fx);
            membership.prepareRebalance(g, now, fx);
            return;
        }
        for (Member m : g.members.values()) {
            m.assignment = stored.get().getOrDefault(m.memberId, ByteString.EMPTY);
        }
        g.transitionTo(GroupState.STABLE, now);
        for (Member m : g.members.values()) {
            if (m.awaitingSync != null) {
                fx.reply(m.awaitingSync, assignment(g, m));
                m.awaitingSync = null;
                m.touch(now);
            }
        }
    }

    /** Forgets the assignment being made; parked SyncGroup calls get {@code error}. */
    static void resetAssignments(Group g, ErrorCode error, String message, Effects fx) {
        for (Member m : g.members.values()) {
            m.assignment = ByteString.EMPTY;
            if (m.awaitingSync != null) {
                fx.reply(m.awaitingSync, error(error, message));
                m.awaitingSync = null;
            }
        }
    }

    HeartbeatResponse heartbeat(Group g, HeartbeatRequest req, long now) {
        Optional<Refusal> no = check(g, req.getMemberId(), req.getGroupInstanceId(), req.getGenerationId());
        if (no.isPresent()) {
            return HeartbeatResponse.newBuilder()
                    .setError(no.get().error())
                    .setErrorMessage(no.get().message())
                    .build();
        }
        Member m = g.members.get(req.getMemberId());
        return switch (g.state()) {
            case EMPTY -> HeartbeatResponse.newBuilder()
                    .setError(ErrorCode.UNKNOWN_MEMBER_ID)
                    .setErrorMessage(Membership.unknown(g, m.memberId))
                    .build();
            case PREPARING_REBALANCE -> {
                m.touch(now);
                yield HeartbeatResponse.newBuilder()
                        .setError(ErrorCode.REBALANCE_IN_PROGRESS)
                        .setErrorMessage("group " + g.groupId + " is rebalancing: join again")
                        .build();
            }
            case COMPLETING_REBALANCE, STABLE -> {
                m.touch(now);
                yield HeartbeatResponse.getDefaultInstance();
            }
            case DEAD -> throw new IllegalStateException("checked above");
        };
    }

    LeaveGroupResponse leave(Group g, LeaveGroupRequest req, long now, Effects fx) {
        LeaveGroupResponse.Builder out = LeaveGroupResponse.newBuilder();
        if (g.is(GroupState.DEAD)) {
            return out.setError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
                    .setErrorMessage("group " + g.groupId + " is being removed")
                    .build();
        }
        for (LeavingMember lm : req.getMembersList()) {
            out.addMembers(LeaveGroupMemberResponse.newBuilder()
                    .setMemberId(lm.getMemberId())
                    .setGroupInstanceId(lm.getGroupInstanceId())
                    .setError(leaveOne(g, lm, now, fx)));
        }
        return out.build();
    }

    private ErrorCode leaveOne(Group g, LeavingMember lm, long now, Effects fx) {
        String id = lm.getMemberId();
        if (!lm.getGroupInstanceId().isEmpty()) {
            String current = g.staticMembers.get(lm.getGroupInstanceId());
            if (current == null) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (!id.isEmpty() && !id.equals(current)) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
            id = current;
        }
        if (g.pendingMembers.remove(id) != null) {
            membership.checkJoinComplete(g, now, fx);
            return ErrorCode.NONE;
        }
        Member m = g.members.get(id);
        if (m == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        membership.removeAndRebalance(g, m, now, fx);
        return ErrorCode.NONE;
    }
}
