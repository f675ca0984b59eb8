package dev.skiff.client.testing;

import com.google.protobuf.ByteString;
import dev.skiff.client.Errors;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.testing.FakeGroups.Committed;
import dev.skiff.client.testing.FakeGroups.Group;
import dev.skiff.client.testing.FakeGroups.Member;
import dev.skiff.proto.v1.DeleteGroupsRequest;
import dev.skiff.proto.v1.DeleteGroupsResponse;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.DescribeGroupsRequest;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.HeartbeatResponse;
import dev.skiff.proto.v1.JoinGroupMember;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.LeaveGroupMemberResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.LeavingMember;
import dev.skiff.proto.v1.ListGroupsRequest;
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
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One fake node's Group service (group.proto) over the cluster's shared {@link FakeGroups}: Kafka's
 * classic group protocol, simply. A first dynamic join gets MEMBER_ID_REQUIRED; a join starts a
 * rebalance (PreparingRebalance) that completes when every known member has rejoined or the largest
 * rebalance timeout has passed (members that did not rejoin are removed), bumping the generation
 * and choosing the protocol by vote; the leader's SyncGroup makes the group Stable and answers every
 * member's. Heartbeats answer REBALANCE_IN_PROGRESS while a rebalance is being prepared; a member
 * not heard from (join, sync, heartbeat or commit) within its session timeout, by the groups' clock,
 * is removed, checked on every call and on a 10 ms timer. Static members (group.instance.id) keep
 * their place across a restart and fence the older instance. Commits are accepted from the current
 * generation (REBALANCE_IN_PROGRESS while completing a rebalance; a restarted static follower
 * rejoining a Stable group with the same protocols takes its old place without a rebalance) or, with generation -1 and no
 * member id, while the group has no members. Calls for a group this node does not coordinate get
 * NOT_COORDINATOR; {@link FakeHooks#groupError} injects errors and {@link FakeHooks#unavailable}
 * makes the node unreachable.
 */
final class FakeGroupService extends GroupGrpc.GroupImplBase {

    private final FakeCluster cluster;
    private final FakeGroups groups;
    private final int nodeId;

    FakeGroupService(FakeCluster cluster, int nodeId) {
        this.cluster = cluster;
        this.groups = cluster.groups;
        this.nodeId = nodeId;
    }

    private static ErrorCode code(Errors e) {
        return FakeCluster.code(e);
    }

    /** Refuses the call (node down) or returns an injected or NOT_COORDINATOR error; null to serve it. */
    private Errors gate(String method, String groupId, StreamObserver<?> observer) {
        if (cluster.hooks().unavailable) {
            observer.onError(Status.UNAVAILABLE
                    .withDescription("fake node " + nodeId + " is down")
                    .asRuntimeException());
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        int n = cluster.hooks().nextGroupCall(method);
        Errors injected = cluster.hooks().groupError.apply(method, n);
        if (injected != null) {
            return injected;
        }
        if (groupId != null && groups.coordinatorOf(groupId) != nodeId) {
            return Errors.NOT_COORDINATOR;
        }
        return Errors.NONE;
    }

    private static <T> void reply(StreamObserver<T> observer, T message) {
        observer.onNext(message);
        observer.onCompleted();
    }

    /** Runs the replies collected under the lock, after releasing it. */
    private static void send(List<Runnable> replies) {
        replies.forEach(Runnable::run);
    }

    @Override
    public void findCoordinator(FindCoordinatorRequest request, StreamObserver<FindCoordinatorResponse> observer) {
        Errors gate = gate("FindCoordinator", null, observer);
        if (gate == Errors.UNKNOWN_SERVER_ERROR && cluster.hooks().unavailable) {
            return;
        }
        FindCoordinatorResponse.Builder b = FindCoordinatorResponse.newBuilder();
        if (gate != Errors.NONE) {
            reply(observer, b.setError(code(gate)).setErrorMessage(gate.name()).build());
        } else if (request.getKey().isEmpty()) {
            reply(observer, b.setError(code(Errors.INVALID_GROUP_ID)).build());
        } else {
            int node = groups.coordinatorOf(request.getKey());
            reply(
                    observer,
                    b.setNodeId(node)
                            .setHost(cluster.host(node))
                            .setPort(cluster.port(node))
                            .build());
        }
    }

    // ---- JoinGroup

    @Override
    public void joinGroup(JoinGroupRequest request, StreamObserver<JoinGroupResponse> observer) {
        Errors gate = gate("JoinGroup", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        if (gate != Errors.NONE) {
            reply(observer, joinError(gate, request.getMemberId()));
            return;
        }
        List<Runnable> replies = new ArrayList<>();
        synchronized (groups) {
            expire(replies);
            Errors invalid = validateJoin(request);
            if (invalid != Errors.NONE) {
                replies.add(() -> reply(observer, joinError(invalid, request.getMemberId())));
            } else {
                join(request, observer, replies);
            }
        }
        send(replies);
    }

    private static JoinGroupResponse joinError(Errors e, String memberId) {
        return JoinGroupResponse.newBuilder()
                .setError(code(e))
                .setErrorMessage(e.name())
                .setGenerationId(-1)
                .setMemberId(memberId)
                .build();
    }

    private Errors validateJoin(JoinGroupRequest r) {
        if (r.getGroupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (r.getSessionTimeoutMs() < groups.minSessionTimeoutMs
                || r.getSessionTimeoutMs() > groups.maxSessionTimeoutMs) {
            return Errors.INVALID_SESSION_TIMEOUT;
        }
        if (r.getProtocolType().isEmpty() || r.getProtocolsCount() == 0) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        Group g = groups.groups.get(r.getGroupId());
        if (g == null || g.members.isEmpty()) {
            return Errors.NONE;
        }
        boolean onlyMember = g.members.size() == 1 && g.members.containsKey(r.getMemberId());
        if (!onlyMember && !g.protocolType.isEmpty() && !g.protocolType.equals(r.getProtocolType())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        Set<String> offered = new HashSet<>();
        r.getProtocolsList().forEach(p -> offered.add(p.getName()));
        for (Member m : g.members.values()) {
            if (m.memberId.equals(r.getMemberId())) {
                continue;
            }
            if (m.protocols.stream().noneMatch(p -> offered.contains(p.getName()))) {
                return Errors.INCONSISTENT_GROUP_PROTOCOL;
            }
        }
        return Errors.NONE;
    }

    private void join(JoinGroupRequest r, StreamObserver<JoinGroupResponse> observer, List<Runnable> replies) {
        Group g = groups.groups.computeIfAbsent(r.getGroupId(), Group::new);
        String memberId = r.getMemberId();
        String instance = r.getGroupInstanceId();
        Member m;
        if (!instance.isEmpty()) {
            String existing = g.staticMembers.get(instance);
            if (memberId.isEmpty()) {
                m = replaceStatic(g, r, existing, observer, replies);
                if (m == null) {
                    return;
                }
            } else if (existing == null) {
                replies.add(() -> reply(observer, joinError(Errors.UNKNOWN_MEMBER_ID, r.getMemberId())));
                return;
            } else if (!existing.equals(memberId)) {
                replies.add(() -> reply(observer, joinError(Errors.FENCED_INSTANCE_ID, r.getMemberId())));
                return;
            } else {
                m = g.members.get(memberId);
            }
        } else if (memberId.isEmpty()) {
            String fresh = r.getClientId() + "-" + UUID.randomUUID();
            g.pendingMemberIds.add(fresh);
            replies.add(() -> reply(observer, joinError(Errors.MEMBER_ID_REQUIRED, fresh)));
            return;
        } else if (g.pendingMemberIds.remove(memberId)) {
            m = new Member();
            m.memberId = memberId;
            g.members.put(memberId, m);
        } else {
            m = g.members.get(memberId);
            if (m == null) {
                replies.add(() -> reply(observer, joinError(Errors.UNKNOWN_MEMBER_ID, r.getMemberId())));
                return;
            }
        }
        m.clientId = r.getClientId();
        m.sessionTimeoutMs = r.getSessionTimeoutMs();
        m.rebalanceTimeoutMs = r.getRebalanceTimeoutMs();
        m.protocols = List.copyOf(r.getProtocolsList());
        m.lastSeenMs = groups.nowMs();
        m.awaitingJoin = observer;
        if (g.members.size() == 1) {
            g.protocolType = r.getProtocolType();
        }
        if (!g.state.equals(FakeGroups.PREPARING_REBALANCE)) {
            prepareRebalance(g, replies);
        }
        maybeCompleteJoin(g, replies);
    }

    /**
     * A static member joining without a member id (a restart): it takes the old instance's place
     * (fencing a join the old one still has open) under a new member id.
     *
     * @return the member, or null if it was answered at once (a follower of a Stable group)
     */
    private Member replaceStatic(
            Group g,
            JoinGroupRequest r,
            String existing,
            StreamObserver<JoinGroupResponse> observer,
            List<Runnable> replies) {
        String instance = r.getGroupInstanceId();
        String memberId = r.getClientId() + "-" + UUID.randomUUID();
        Member m = existing == null ? new Member() : g.members.remove(existing);
        boolean sameProtocols = m.protocols.equals(r.getProtocolsList());
        if (m.awaitingJoin != null) {
            StreamObserver<JoinGroupResponse> old = m.awaitingJoin;
            replies.add(() -> reply(old, joinError(Errors.FENCED_INSTANCE_ID, existing)));
            m.awaitingJoin = null;
        }
        if (g.leader.equals(existing)) {
            g.leader = memberId;
        }
        m.memberId = memberId;
        m.instanceId = instance;
        g.members.put(memberId, m);
        g.staticMembers.put(instance, memberId);
        if (existing != null && sameProtocols && g.state.equals(FakeGroups.STABLE) && !g.leader.equals(memberId)) {
            // A restarted static follower takes its old place without a rebalance, as in Kafka.
            m.lastSeenMs = groups.nowMs();
            JoinGroupResponse same = JoinGroupResponse.newBuilder()
                    .setGenerationId(g.generation)
                    .setProtocolType(g.protocolType)
                    .setProtocolName(g.protocol)
                    .setLeader(g.leader)
                    .setMemberId(memberId)
                    .build();
            replies.add(() -> reply(observer, same));
            return null;
        }
        return m;
    }

    private void prepareRebalance(Group g, List<Runnable> replies) {
        long now = groups.nowMs();
        if (g.state.equals(FakeGroups.COMPLETING_REBALANCE)) {
            for (Member m : g.members.values()) {
                if (m.awaitingSync != null) {
                    StreamObserver<SyncGroupResponse> o = m.awaitingSync;
                    replies.add(() -> reply(o, FakeGroups.syncError(Errors.REBALANCE_IN_PROGRESS)));
                    m.awaitingSync = null;
                }
            }
        }
        g.joinDelayUntilMs = g.state.equals(FakeGroups.EMPTY) ? now + groups.initialRebalanceDelayMs : now;
        g.state = FakeGroups.PREPARING_REBALANCE;
        int timeoutMs = 0;
        for (Member m : g.members.values()) {
            timeoutMs = Math.max(timeoutMs, m.rebalanceTimeoutMs);
        }
        g.rebalanceDeadlineMs = now + timeoutMs;
    }

    /** Completes the join once every member has rejoined (after the initial delay) or at the rebalance timeout. */
    private void maybeCompleteJoin(Group g, List<Runnable> replies) {
        if (!g.state.equals(FakeGroups.PREPARING_REBALANCE)) {
            return;
        }
        long now = groups.nowMs();
        boolean allJoined = g.members.values().stream().allMatch(m -> m.awaitingJoin != null);
        if (!(allJoined && now >= g.joinDelayUntilMs) && now < g.rebalanceDeadlineMs) {
            return;
        }
        List<String> late = new ArrayList<>();
        g.members.values().forEach(m -> {
            if (m.awaitingJoin == null) {
                late.add(m.memberId);
            }
        });
        late.forEach(id -> FakeGroups.removeMember(g, id));
        g.generation++;
        if (g.members.isEmpty()) {
            g.state = FakeGroups.EMPTY;
            g.protocol = "";
            g.leader = "";
            return;
        }
        g.protocol = FakeGroups.vote(g);
        if (!g.members.containsKey(g.leader)) {
            g.leader = g.members.keySet().iterator().next();
        }
        g.state = FakeGroups.COMPLETING_REBALANCE;
        List<JoinGroupMember> all = new ArrayList<>();
        for (Member m : g.members.values()) {
            all.add(JoinGroupMember.newBuilder()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.instanceId)
                    .setMetadata(m.metadata(g.protocol))
                    .build());
        }
        for (Member m : g.members.values()) {
            JoinGroupResponse.Builder b = JoinGroupResponse.newBuilder()
                    .setGenerationId(g.generation)
                    .setProtocolType(g.protocolType)
                    .setProtocolName(g.protocol)
                    .setLeader(g.leader)
                    .setMemberId(m.memberId);
            if (m.memberId.equals(g.leader)) {
                b.addAllMembers(all);
            }
            StreamObserver<JoinGroupResponse> o = m.awaitingJoin;
            JoinGroupResponse response = b.build();
            replies.add(() -> reply(o, response));
            m.awaitingJoin = null;
            m.assignment = ByteString.EMPTY;
            m.lastSeenMs = now;
        }
    }

    /** After members left or expired: an empty group becomes Empty, others rebalance. */
    private void membersGone(Group g, List<Runnable> replies) {
        if (g.members.isEmpty()) {
            if (!g.state.equals(FakeGroups.EMPTY)) {
                g.generation++;
            }
            g.state = FakeGroups.EMPTY;
            g.protocol = "";
            g.leader = "";
            return;
        }
        if (!g.state.equals(FakeGroups.PREPARING_REBALANCE)) {
            prepareRebalance(g, replies);
        }
        maybeCompleteJoin(g, replies);
    }

    /** Removes members whose session expired and completes rebalances whose timeout passed. */
    private void expire(List<Runnable> replies) {
        long now = groups.nowMs();
        for (Group g : groups.groups.values()) {
            List<String> expired = new ArrayList<>();
            for (Member m : g.members.values()) {
                if (m.awaitingJoin == null && now - m.lastSeenMs > m.sessionTimeoutMs) {
                    expired.add(m.memberId);
                }
            }
            expired.forEach(id -> FakeGroups.removeMember(g, id));
            if (!expired.isEmpty()) {
                membersGone(g, replies);
            } else {
                maybeCompleteJoin(g, replies);
            }
        }
    }

    /** The 10 ms timer: session expiry and rebalance timeouts without waiting for a call. */
    void tick() {
        List<Runnable> replies = new ArrayList<>();
        synchronized (groups) {
            expire(replies);
        }
        send(replies);
    }

    // ---- SyncGroup, Heartbeat, LeaveGroup

    @Override
    public void syncGroup(SyncGroupRequest request, StreamObserver<SyncGroupResponse> observer) {
        Errors gate = gate("SyncGroup", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        if (gate != Errors.NONE) {
            reply(observer, FakeGroups.syncError(gate));
            return;
        }
        List<Runnable> replies = new ArrayList<>();
        synchronized (groups) {
            expire(replies);
            Group g = groups.groups.get(request.getGroupId());
            Errors e = FakeGroups.checkMember(
                    g, request.getMemberId(), request.getGroupInstanceId(), request.getGenerationId());
            if (e == Errors.NONE && g.state.equals(FakeGroups.PREPARING_REBALANCE)) {
                e = Errors.REBALANCE_IN_PROGRESS;
            }
            if (e != Errors.NONE) {
                Errors error = e;
                replies.add(() -> reply(observer, FakeGroups.syncError(error)));
            } else {
                sync(g, request, observer, replies);
            }
        }
        send(replies);
    }

    private void sync(Group g, SyncGroupRequest r, StreamObserver<SyncGroupResponse> observer, List<Runnable> out) {
        Member m = g.members.get(r.getMemberId());
        m.lastSeenMs = groups.nowMs();
        if (g.state.equals(FakeGroups.STABLE)) {
            out.add(() -> reply(observer, FakeGroups.syncAnswer(g, m)));
            return;
        }
        m.awaitingSync = observer;
        if (!r.getMemberId().equals(g.leader)) {
            return;
        }
        Map<String, ByteString> given = new HashMap<>();
        for (SyncGroupAssignment a : r.getAssignmentsList()) {
            given.put(a.getMemberId(), a.getAssignment());
        }
        g.state = FakeGroups.STABLE;
        for (Member each : g.members.values()) {
            each.assignment = given.getOrDefault(each.memberId, ByteString.EMPTY);
            if (each.awaitingSync != null) {
                StreamObserver<SyncGroupResponse> o = each.awaitingSync;
                SyncGroupResponse answer = FakeGroups.syncAnswer(g, each);
                out.add(() -> reply(o, answer));
                each.awaitingSync = null;
            }
        }
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
        Errors gate = gate("Heartbeat", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        Errors e = gate;
        List<Runnable> replies = new ArrayList<>();
        if (e == Errors.NONE) {
            synchronized (groups) {
                expire(replies);
                Group g = groups.groups.get(request.getGroupId());
                e = FakeGroups.checkMember(
                        g, request.getMemberId(), request.getGroupInstanceId(), request.getGenerationId());
                if (e == Errors.NONE) {
                    g.members.get(request.getMemberId()).lastSeenMs = groups.nowMs();
                    if (g.state.equals(FakeGroups.PREPARING_REBALANCE)) {
                        e = Errors.REBALANCE_IN_PROGRESS;
                    }
                }
            }
        }
        send(replies);
        reply(observer, HeartbeatResponse.newBuilder().setError(code(e)).build());
    }

    @Override
    public void leaveGroup(LeaveGroupRequest request, StreamObserver<LeaveGroupResponse> observer) {
        Errors gate = gate("LeaveGroup", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        if (gate != Errors.NONE) {
            reply(observer, LeaveGroupResponse.newBuilder().setError(code(gate)).build());
            return;
        }
        LeaveGroupResponse.Builder b = LeaveGroupResponse.newBuilder();
        List<Runnable> replies = new ArrayList<>();
        synchronized (groups) {
            Group g = groups.groups.get(request.getGroupId());
            boolean removed = false;
            for (LeavingMember lm : request.getMembersList()) {
                Errors e = leaveOne(g, lm, replies);
                removed |= e == Errors.NONE;
                b.addMembers(LeaveGroupMemberResponse.newBuilder()
                        .setMemberId(lm.getMemberId())
                        .setGroupInstanceId(lm.getGroupInstanceId())
                        .setError(code(e)));
            }
            if (removed) {
                membersGone(g, replies);
            }
        }
        send(replies);
        reply(observer, b.build());
    }

    private Errors leaveOne(Group g, LeavingMember lm, List<Runnable> replies) {
        if (g == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        String memberId = lm.getMemberId();
        if (!lm.getGroupInstanceId().isEmpty()) {
            String current = g.staticMembers.get(lm.getGroupInstanceId());
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        }
        if (g.pendingMemberIds.remove(memberId)) {
            return Errors.NONE;
        }
        Member m = g.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (m.awaitingJoin != null) {
            StreamObserver<JoinGroupResponse> o = m.awaitingJoin;
            String id = memberId;
            replies.add(() -> reply(o, joinError(Errors.UNKNOWN_MEMBER_ID, id)));
        }
        FakeGroups.removeMember(g, memberId);
        return Errors.NONE;
    }

    // ---- Offsets

    @Override
    public void offsetCommit(OffsetCommitRequest request, StreamObserver<OffsetCommitResponse> observer) {
        Errors gate = gate("OffsetCommit", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        if (gate != Errors.NONE) {
            reply(
                    observer,
                    OffsetCommitResponse.newBuilder()
                            .setError(code(gate))
                            .setErrorMessage(gate.name())
                            .build());
            return;
        }
        OffsetCommitResponse.Builder b = OffsetCommitResponse.newBuilder();
        synchronized (groups) {
            Errors e = commitAllowed(request);
            Group g = groups.groups.computeIfAbsent(request.getGroupId(), FakeGroups.Group::new);
            for (OffsetCommitTopic t : request.getTopicsList()) {
                OffsetCommitTopicResponse.Builder tr =
                        OffsetCommitTopicResponse.newBuilder().setName(t.getName());
                for (OffsetCommitPartition p : t.getPartitionsList()) {
                    Errors pe = e == Errors.NONE ? commitOne(g, t.getName(), p) : e;
                    tr.addPartitions(OffsetCommitPartitionResponse.newBuilder()
                            .setIndex(p.getIndex())
                            .setError(code(pe)));
                }
                b.addTopics(tr);
            }
        }
        reply(observer, b.build());
    }

    private Errors commitAllowed(OffsetCommitRequest r) {
        Group g = groups.groups.get(r.getGroupId());
        if (r.getGroupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (r.getGenerationId() < 0 && r.getMemberId().isEmpty()) {
            return g == null || g.members.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        Errors e = FakeGroups.checkMember(g, r.getMemberId(), r.getGroupInstanceId(), r.getGenerationId());
        if (e != Errors.NONE) {
            return e;
        }
        g.members.get(r.getMemberId()).lastSeenMs = groups.nowMs();
        return g.state.equals(FakeGroups.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    private Errors commitOne(Group g, String topic, OffsetCommitPartition p) {
        FakeCluster.FakeTopic t = cluster.topic(topic);
        if (t == null || p.getIndex() < 0 || p.getIndex() >= t.partitions.size()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (p.getMetadata().length() > groups.offsetMetadataMaxBytes) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        g.offsets.put(
                new TopicPartition(topic, p.getIndex()),
                new Committed(p.getCommittedOffset(), p.getCommittedLeaderEpoch(), p.getMetadata()));
        return Errors.NONE;
    }

    @Override
    public void offsetFetch(OffsetFetchRequest request, StreamObserver<OffsetFetchResponse> observer) {
        Errors gate = gate("OffsetFetch", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        if (gate != Errors.NONE) {
            reply(
                    observer,
                    OffsetFetchResponse.newBuilder()
                            .setError(code(gate))
                            .setErrorMessage(gate.name())
                            .build());
            return;
        }
        Map<String, List<Integer>> wanted = new TreeMap<>();
        OffsetFetchResponse.Builder b = OffsetFetchResponse.newBuilder();
        synchronized (groups) {
            Group g = groups.groups.get(request.getGroupId());
            Map<TopicPartition, Committed> offsets = g == null ? Map.of() : g.offsets;
            if (request.getTopicsCount() == 0) {
                offsets.keySet().forEach(tp -> wanted.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                        .add(tp.partition()));
            }
            for (OffsetFetchTopic t : request.getTopicsList()) {
                wanted.computeIfAbsent(t.getName(), k -> new ArrayList<>()).addAll(t.getPartitionsList());
            }
            wanted.forEach((topic, partitions) -> {
                OffsetFetchTopicResponse.Builder tr =
                        OffsetFetchTopicResponse.newBuilder().setName(topic);
                for (int p : partitions) {
                    Committed c = offsets.get(new TopicPartition(topic, p));
                    tr.addPartitions(OffsetFetchPartition.newBuilder()
                            .setIndex(p)
                            .setCommittedOffset(c == null ? -1 : c.offset())
                            .setCommittedLeaderEpoch(c == null ? -1 : c.leaderEpoch())
                            .setMetadata(c == null ? "" : c.metadata()));
                }
                b.addTopics(tr);
            });
        }
        reply(observer, b.build());
    }

    // ---- Admin-side group calls

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> observer) {
        Errors gate = gate("ListGroups", null, observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        ListGroupsResponse.Builder b = ListGroupsResponse.newBuilder().setError(code(gate));
        Set<String> states = new HashSet<>();
        request.getStatesFilterList().forEach(s -> states.add(s.toLowerCase(Locale.ROOT)));
        synchronized (groups) {
            for (Group g : groups.groups.values()) {
                if (gate == Errors.NONE
                        && groups.coordinatorOf(g.id) == nodeId
                        && (states.isEmpty() || states.contains(g.state.toLowerCase(Locale.ROOT)))) {
                    b.addGroups(ListedGroup.newBuilder()
                            .setGroupId(g.id)
                            .setProtocolType(g.protocolType)
                            .setState(g.state));
                }
            }
        }
        reply(observer, b.build());
    }

    @Override
    public void describeGroups(DescribeGroupsRequest request, StreamObserver<DescribeGroupsResponse> observer) {
        Errors gate = gate("DescribeGroups", null, observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        DescribeGroupsResponse.Builder b = DescribeGroupsResponse.newBuilder();
        synchronized (groups) {
            for (String id : request.getGroupIdsList()) {
                b.addGroups(groups.describe(id, gate, nodeId));
            }
        }
        reply(observer, b.build());
    }

    @Override
    public void deleteGroups(DeleteGroupsRequest request, StreamObserver<DeleteGroupsResponse> observer) {
        Errors gate = gate("DeleteGroups", null, observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        DeleteGroupsResponse.Builder b = DeleteGroupsResponse.newBuilder();
        synchronized (groups) {
            for (String id : request.getGroupIdsList()) {
                Group g = groups.groups.get(id);
                Errors e = gate;
                if (e == Errors.NONE && groups.coordinatorOf(id) != nodeId) {
                    e = Errors.NOT_COORDINATOR;
                } else if (e == Errors.NONE && g == null) {
                    e = Errors.GROUP_ID_NOT_FOUND;
                } else if (e == Errors.NONE && !g.members.isEmpty()) {
                    e = Errors.NON_EMPTY_GROUP;
                } else if (e == Errors.NONE) {
                    groups.groups.remove(id);
                }
                b.addResults(DeletedGroupResult.newBuilder().setGroupId(id).setError(code(e)));
            }
        }
        reply(observer, b.build());
    }

    @Override
    public void offsetDelete(OffsetDeleteRequest request, StreamObserver<OffsetDeleteResponse> observer) {
        Errors gate = gate("OffsetDelete", request.getGroupId(), observer);
        if (cluster.hooks().unavailable) {
            return;
        }
        OffsetDeleteResponse.Builder b = OffsetDeleteResponse.newBuilder();
        synchronized (groups) {
            Group g = groups.groups.get(request.getGroupId());
            if (gate == Errors.NONE && g == null) {
                gate = Errors.GROUP_ID_NOT_FOUND;
            }
            if (gate != Errors.NONE) {
                reply(
                        observer,
                        b.setError(code(gate)).setErrorMessage(gate.name()).build());
                return;
            }
            Set<String> subscribed = FakeGroups.subscribedTopics(g);
            for (OffsetDeleteTopic t : request.getTopicsList()) {
                OffsetDeleteTopicResponse.Builder tr =
                        OffsetDeleteTopicResponse.newBuilder().setName(t.getName());
                for (int p : t.getPartitionsList()) {
                    Errors e = subscribed.contains(t.getName()) ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                    if (e == Errors.NONE) {
                        g.offsets.remove(new TopicPartition(t.getName(), p));
                    }
                    tr.addPartitions(OffsetDeletePartitionResponse.newBuilder()
                            .setIndex(p)
                            .setError(code(e)));
                }
                b.addTopics(tr);
            }
        }
        reply(observer, b.build());
    }
}
