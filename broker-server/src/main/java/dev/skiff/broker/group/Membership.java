package dev.skiff.broker.group;

import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.JoinGroupMember;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Joining and rebalancing (Kafka's classic protocol): JoinGroup, the delayed join that ends a
 * rebalance, session expiry. Deterministic: the caller passes the time, member ids come from the
 * injected supplier, answers and writes go into {@link Effects}.
 */
final class Membership {
    private final GroupLimits limits;
    private final Supplier<String> ids;

    Membership(GroupLimits limits, Supplier<String> ids) {
        this.limits = limits;
        this.ids = ids;
    }

    static JoinGroupResponse joinError(String memberId, ErrorCode error, String message) {
        return JoinGroupResponse.newBuilder()
                .setError(error)
                .setErrorMessage(message)
                .setMemberId(memberId)
                .setGenerationId(-1)
                .build();
    }

    void join(Group g, JoinGroupRequest req, String host, Responder<JoinGroupResponse> r, long now, Effects fx) {
        if (g.is(GroupState.DEAD)) {
            fx.reply(
                    r,
                    joinError(
                            req.getMemberId(),
                            ErrorCode.COORDINATOR_NOT_AVAILABLE,
                            "group " + g.groupId + " is being removed; find its coordinator again"));
        } else if (!g.supportsProtocols(req.getProtocolType(), req.getProtocolsList())) {
            fx.reply(
                    r,
                    joinError(
                            req.getMemberId(),
                            ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                            "protocol type '" + req.getProtocolType() + "' and protocols " + names(req)
                                    + " do not match group " + g.groupId + " (type '" + g.protocolType
                                    + "', protocols every member supports: " + g.candidateProtocols() + ")"));
        } else if (req.getMemberId().isEmpty()) {
            joinUnknown(g, req, host, r, now, fx);
        } else {
            joinKnown(g, req, host, r, now, fx);
        }
    }

    private static List<String> names(JoinGroupRequest req) {
        List<String> out = new ArrayList<>();
        req.getProtocolsList().forEach(p -> out.add(p.getName()));
        return out;
    }

    private void joinUnknown(
            Group g, JoinGroupRequest req, String host, Responder<JoinGroupResponse> r, long now, Effects fx) {
        String instance = req.getGroupInstanceId();
        String known = instance.isEmpty() ? null : g.staticMembers.get(instance);
        if (known == null && g.size() >= limits.groupSizeMax()) {
            fx.reply(
                    r,
                    joinError(
                            "",
                            ErrorCode.GROUP_MAX_SIZE_REACHED,
                            "group " + g.groupId + " already has " + g.size() + " members, the most group.max.size="
                                    + limits.groupSizeMax() + " allows"));
            return;
        }
        String newId = (req.getClientId().isEmpty() ? "member" : req.getClientId()) + "-" + ids.get();
        if (known != null) {
            replaceStaticMember(g, known, newId, req, host, r, now, fx);
        } else if (!instance.isEmpty()) {
            addMemberAndRebalance(g, newId, req, host, r, now, fx);
        } else {
            g.pendingMembers.put(newId, now + req.getSessionTimeoutMs());
            fx.reply(
                    r,
                    joinError(
                            newId,
                            ErrorCode.MEMBER_ID_REQUIRED,
                            "join group " + g.groupId + " again with member id " + newId + " (KIP-394)"));
        }
    }

    private void joinKnown(
            Group g, JoinGroupRequest req, String host, Responder<JoinGroupResponse> r, long now, Effects fx) {
        String id = req.getMemberId();
        if (g.pendingMembers.remove(id) != null) {
            addMemberAndRebalance(g, id, req, host, r, now, fx);
            return;
        }
        String instance = req.getGroupInstanceId();
        if (!instance.isEmpty()
                && g.staticMembers.containsKey(instance)
                && !g.staticMembers.get(instance).equals(id)) {
            fx.reply(r, joinError(id, ErrorCode.FENCED_INSTANCE_ID, fenced(g, instance, id)));
            return;
        }
        Member m = g.members.get(id);
        if (m == null || g.is(GroupState.EMPTY)) {
            fx.reply(r, joinError(id, ErrorCode.UNKNOWN_MEMBER_ID, unknown(g, id)));
            return;
        }
        m.clientHost = host;
        boolean same = m.sameProtocols(req.getProtocolsList());
        boolean rebalance =
                switch (g.state()) {
                    case PREPARING_REBALANCE -> true;
                    case COMPLETING_REBALANCE -> !same;
                    case STABLE -> !same || id.equals(g.leaderId);
                    default -> throw new IllegalStateException(g.state().name());
                };
        if (rebalance) {
            updateMemberAndRebalance(g, m, req, r, now, fx);
        } else {
            m.touch(now);
            fx.reply(r, joinResponse(g, m, g.is(GroupState.COMPLETING_REBALANCE) && id.equals(g.leaderId)));
        }
    }

    static String fenced(Group g, String instance, String memberId) {
        return "member " + memberId + " of group " + g.groupId + " was replaced by a newer instance with"
                + " group.instance.id " + instance;
    }

    static String unknown(Group g, String memberId) {
        return "member " + memberId + " is not in group " + g.groupId + " (it left, was removed after its session"
                + " timed out, or the coordinator moved): join again without a member id";
    }

    private void addMemberAndRebalance(
            Group g,
            String id,
            JoinGroupRequest req,
            String host,
            Responder<JoinGroupResponse> r,
            long now,
            Effects fx) {
        Member m = new Member(
                id,
                req.getGroupInstanceId(),
                req.getClientId(),
                host,
                req.getSessionTimeoutMs(),
                req.getRebalanceTimeoutMs(),
                req.getProtocolsList());
        m.awaitingJoin = r;
        m.touch(now);
        if (g.members.isEmpty()) {
            g.protocolType = req.getProtocolType();
        }
        g.members.put(id, m);
        if (m.isStatic()) {
            g.staticMembers.put(m.instanceId, id);
        }
        if (g.leaderId.isEmpty()) {
            g.leaderId = id;
        }
        if (g.is(GroupState.PREPARING_REBALANCE) && g.initialDelay) {
            g.newMemberAdded = true;
        }
        maybePrepareRebalance(g, now, fx);
    }

    private void updateMemberAndRebalance(
            Group g, Member m, JoinGroupRequest req, Responder<JoinGroupResponse> r, long now, Effects fx) {
        m.protocols = List.copyOf(req.getProtocolsList());
        m.sessionTimeoutMs = req.getSessionTimeoutMs();
        m.rebalanceTimeoutMs = req.getRebalanceTimeoutMs();
        m.clientId = req.getClientId();
        if (m.awaitingJoin != null) {
            fx.reply(
                    m.awaitingJoin,
                    joinError(
                            m.memberId,
                            ErrorCode.REBALANCE_IN_PROGRESS,
                            "superseded by a newer JoinGroup of member " + m.memberId));
        }
        m.awaitingJoin = r;
        m.touch(now);
        maybePrepareRebalance(g, now, fx);
    }

    /**
     * A static member rejoins without its member id (a restart): it takes a new id and keeps its
     * place and assignment; the old instance is fenced. A stable group with unchanged protocols
     * does not rebalance.
     */
    private void replaceStaticMember(
            Group g,
            String oldId,
            String newId,
            JoinGroupRequest req,
            String host,
            Responder<JoinGroupResponse> r,
            long now,
            Effects fx) {
        Member m = g.members.remove(oldId);
        String message = fenced(g, m.instanceId, oldId);
        if (m.awaitingJoin != null) {
            fx.reply(m.awaitingJoin, joinError(oldId, ErrorCode.FENCED_INSTANCE_ID, message));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            fx.reply(m.awaitingSync, Sync.error(ErrorCode.FENCED_INSTANCE_ID, message));
            m.awaitingSync = null;
        }
        boolean same = m.sameProtocols(req.getProtocolsList());
        m.memberId = newId;
        m.clientHost = host;
        g.members.put(newId, m);
        g.staticMembers.put(m.instanceId, newId);
        if (g.leaderId.equals(oldId)) {
            g.leaderId = newId;
        }
        if (g.is(GroupState.STABLE) && same) {
            m.touch(now);
            fx.write(
                    g.groupId,
                    List.of(GroupRecords.metadata(g.groupId, g.metadataValue(g.currentAssignments()))),
                    new Effects.NothingWaits());
            fx.reply(r, joinResponse(g, m, false));
            return;
        }
        updateMemberAndRebalance(g, m, req, r, now, fx);
    }

    void maybePrepareRebalance(Group g, long now, Effects fx) {
        switch (g.state()) {
            case STABLE, COMPLETING_REBALANCE, EMPTY -> prepareRebalance(g, now, fx);
            case PREPARING_REBALANCE -> checkJoinComplete(g, now, fx);
            case DEAD -> {}
        }
    }

    void prepareRebalance(Group g, long now, Effects fx) {
        if (g.is(GroupState.COMPLETING_REBALANCE)) {
            Sync.resetAssignments(g, ErrorCode.REBALANCE_IN_PROGRESS, "group " + g.groupId + " is rebalancing", fx);
        }
        boolean initial = g.is(GroupState.EMPTY);
        long timeoutMs = g.rebalanceTimeoutMs();
        g.initialDelay = initial;
        g.newMemberAdded = false;
        if (initial) {
            long delayMs = Math.min(limits.initialRebalanceDelayMs(), timeoutMs);
            g.joinDeadlineMs = now + delayMs;
            g.initialRemainingMs = Math.max(timeoutMs - delayMs, 0);
        } else {
            g.joinDeadlineMs = now + timeoutMs;
        }
        g.transitionTo(GroupState.PREPARING_REBALANCE, now);
        if (initial) {
            if (now >= g.joinDeadlineMs) {
                onJoinDeadline(g, now, fx);
            }
        } else {
            checkJoinComplete(g, now, fx);
        }
    }

    void checkJoinComplete(Group g, long now, Effects fx) {
        if (g.is(GroupState.PREPARING_REBALANCE) && !g.initialDelay && g.allMembersJoined()) {
            completeJoin(g, now, fx);
        }
    }

    /** The join deadline passed: the initial delay may extend itself, else the rebalance completes. */
    void onJoinDeadline(Group g, long now, Effects fx) {
        if (g.initialDelay && g.newMemberAdded && g.initialRemainingMs > 0) {
            long delayMs = Math.min(limits.initialRebalanceDelayMs(), g.initialRemainingMs);
            g.initialRemainingMs = Math.max(g.initialRemainingMs - delayMs, 0);
            g.joinDeadlineMs = now + delayMs;
            g.newMemberAdded = false;
            return;
        }
        completeJoin(g, now, fx);
    }

    /** Ends the join phase: members that did not rejoin leave; the next generation starts. */
    void completeJoin(Group g, long now, Effects fx) {
        for (Member m : List.copyOf(g.members.values())) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                removeMember(g, m, fx);
            }
        }
        g.initialDelay = false;
        g.generation++;
        if (g.members.isEmpty()) {
            g.protocolName = "";
            g.leaderId = "";
            g.transitionTo(GroupState.EMPTY, now);
            fx.write(
                    g.groupId,
                    List.of(GroupRecords.metadata(g.groupId, g.metadataValue(java.util.Map.of()))),
                    new Effects.NothingWaits());
            return;
        }
        Member leader = g.members.get(g.leaderId);
        if (leader == null || leader.awaitingJoin == null) {
            g.leaderId = g.members.values().stream()
                    .filter(m -> m.awaitingJoin != null)
                    .findFirst()
                    .orElse(g.members.values().iterator().next())
                    .memberId;
        }
        g.protocolName = g.selectProtocol();
        g.transitionTo(GroupState.COMPLETING_REBALANCE, now);
        for (Member m : g.members.values()) {
            m.assignment = com.google.protobuf.ByteString.EMPTY;
            if (m.awaitingJoin != null) {
                fx.reply(m.awaitingJoin, joinResponse(g, m, m.memberId.equals(g.leaderId)));
                m.awaitingJoin = null;
            }
            m.touch(now);
        }
    }

    static JoinGroupResponse joinResponse(Group g, Member m, boolean withMembers) {
        JoinGroupResponse.Builder b = JoinGroupResponse.newBuilder()
                .setError(ErrorCode.NONE)
                .setGenerationId(g.generation)
                .setProtocolType(g.protocolType)
                .setProtocolName(g.protocolName)
                .setLeader(g.leaderId)
                .setMemberId(m.memberId);
        if (withMembers) {
            for (Member each : g.members.values()) {
                b.addMembers(JoinGroupMember.newBuilder()
                        .setMemberId(each.memberId)
                        .setGroupInstanceId(each.instanceId)
                        .setMetadata(each.metadata(g.protocolName).orElse(com.google.protobuf.ByteString.EMPTY)));
            }
        }
        return b.build();
    }

    /** Removes a member; its parked calls are answered UNKNOWN_MEMBER_ID. */
    static void removeMember(Group g, Member m, Effects fx) {
        g.members.remove(m.memberId);
        if (m.isStatic()) {
            g.staticMembers.remove(m.instanceId);
        }
        if (m.awaitingJoin != null) {
            fx.reply(m.awaitingJoin, joinError(m.memberId, ErrorCode.UNKNOWN_MEMBER_ID, unknown(g, m.memberId)));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            fx.reply(m.awaitingSync, Sync.error(ErrorCode.UNKNOWN_MEMBER_ID, unknown(g, m.memberId)));
            m.awaitingSync = null;
        }
        if (g.leaderId.equals(m.memberId)) {
            g.leaderId =
                    g.members.isEmpty() ? "" : g.members.keySet().iterator().next();
        }
    }

    /** Removes a member (it left or timed out) and rebalances the rest. */
    void removeAndRebalance(Group g, Member m, long now, Effects fx) {
        removeMember(g, m, fx);
        switch (g.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, now, fx);
            case PREPARING_REBALANCE -> checkJoinComplete(g, now, fx);
            case EMPTY, DEAD -> {}
        }
    }

    /** Expires sessions and lapsed member ids, and ends a join phase whose deadline passed. */
    void tick(Group g, long now, Effects fx) {
        boolean pendingLapsed = g.pendingMembers.values().removeIf(deadline -> deadline <= now);
        for (Member m : List.copyOf(g.members.values())) {
            if (!m.keptAlive() && m.sessionDeadlineMs <= now && g.members.containsKey(m.memberId)) {
                removeAndRebalance(g, m, now, fx);
            }
        }
        if (pendingLapsed) {
            checkJoinComplete(g, now, fx);
        }
        if (g.is(GroupState.PREPARING_REBALANCE) && now >= g.joinDeadlineMs) {
            onJoinDeadline(g, now, fx);
        }
    }
}
