package dev.skiff.client.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.client.Errors;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.ConsumerSubscription;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.DescribedGroupMember;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.SyncGroupResponse;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of every consumer group of a {@link FakeCluster}, shared by all its fake nodes, and
 * the test's handles on it: which node coordinates a group, its members, generation and committed
 * offsets, the clock that sessions expire by, and the broker-side group settings. The protocol
 * itself is {@link FakeGroupService}'s. Guarded by this object's monitor.
 */
public final class FakeGroups {
    /** Kafka's group states. */
    public static final String EMPTY = "Empty";

    public static final String PREPARING_REBALANCE = "PreparingRebalance";
    public static final String COMPLETING_REBALANCE = "CompletingRebalance";
    public static final String STABLE = "Stable";
    public static final String DEAD = "Dead";

    /** A committed offset as the coordinator stores it. */
    public record Committed(long offset, int leaderEpoch, String metadata) {}

    /** One member as the coordinator knows it. */
    static final class Member {
        String memberId;
        String instanceId = "";
        String clientId = "";
        int sessionTimeoutMs;
        int rebalanceTimeoutMs;
        List<JoinGroupProtocol> protocols = List.of();
        ByteString assignment = ByteString.EMPTY;
        long lastSeenMs;
        StreamObserver<dev.skiff.proto.v1.JoinGroupResponse> awaitingJoin;
        StreamObserver<dev.skiff.proto.v1.SyncGroupResponse> awaitingSync;

        ByteString metadata(String protocol) {
            for (JoinGroupProtocol p : protocols) {
                if (p.getName().equals(protocol)) {
                    return p.getMetadata();
                }
            }
            return protocols.isEmpty() ? ByteString.EMPTY : protocols.get(0).getMetadata();
        }
    }

    /** One group: members, generation, and offsets. */
    static final class Group {
        final String id;
        String state = EMPTY;
        int generation;
        String protocolType = "";
        String protocol = "";
        String leader = "";
        final Map<String, Member> members = new LinkedHashMap<>();
        final Map<String, String> staticMembers = new HashMap<>();
        final Set<String> pendingMemberIds = new LinkedHashSet<>();
        long rebalanceDeadlineMs;
        long joinDelayUntilMs;
        final Map<TopicPartition, Committed> offsets = new TreeMap<>();

        Group(String id) {
            this.id = id;
        }
    }

    private static final String CLIENT_HOST = "/127.0.0.1";

    final Map<String, Group> groups = new TreeMap<>();
    private final Map<String, Integer> coordinators = new HashMap<>();
    private final int brokerCount;
    private Clock clock = Clock.systemUTC();
    int minSessionTimeoutMs = 1;
    int maxSessionTimeoutMs = 1_800_000;
    long initialRebalanceDelayMs;
    int offsetMetadataMaxBytes = 4096;

    FakeGroups(int brokerCount) {
        this.brokerCount = brokerCount;
    }

    /** The node that coordinates {@code groupId}: set by {@link #setCoordinator}, else Kafka's hash formula over the nodes. */
    public synchronized int coordinatorOf(String groupId) {
        Integer set = coordinators.get(groupId);
        return set != null ? set : (groupId.hashCode() & 0x7fffffff) % brokerCount + 1;
    }

    /** Moves a group's coordinator; calls that reach the old one get NOT_COORDINATOR. */
    public synchronized void setCoordinator(String groupId, int nodeId) {
        coordinators.put(groupId, nodeId);
    }

    /** The clock sessions and rebalance timeouts are judged by (the system clock by default). */
    public synchronized void setClock(Clock newClock) {
        clock = newClock;
    }

    synchronized long nowMs() {
        return clock.millis();
    }

    /** group.min.session.timeout.ms / group.max.session.timeout.ms (the fake accepts 1 ms to 30 min by default). */
    public synchronized void setSessionTimeoutRange(int minMs, int maxMs) {
        minSessionTimeoutMs = minMs;
        maxSessionTimeoutMs = maxMs;
    }

    /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members (0 by default). */
    public synchronized void setInitialRebalanceDelayMs(long delayMs) {
        initialRebalanceDelayMs = delayMs;
    }

    public synchronized String state(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? DEAD : g.state;
    }

    public synchronized int generation(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? -1 : g.generation;
    }

    public synchronized List<String> memberIds(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? List.of() : new ArrayList<>(g.members.keySet());
    }

    public synchronized Optional<String> leader(String groupId) {
        Group g = groups.get(groupId);
        return g == null || g.leader.isEmpty() ? Optional.empty() : Optional.of(g.leader);
    }

    /** The group's committed offset of {@code tp}, if any. */
    public synchronized OptionalLong committed(String groupId, TopicPartition tp) {
        Group g = groups.get(groupId);
        Committed c = g == null ? null : g.offsets.get(tp);
        return c == null ? OptionalLong.empty() : OptionalLong.of(c.offset());
    }

    /** Every committed offset of the group. */
    public synchronized Map<TopicPartition, Committed> offsets(String groupId) {
        Group g = groups.get(groupId);
        return g == null ? Map.of() : Map.copyOf(g.offsets);
    }

    /** Stores a committed offset directly, as if some member had committed it. */
    public synchronized void commit(String groupId, TopicPartition tp, long offset) {
        groups.computeIfAbsent(groupId, Group::new).offsets.put(tp, new Committed(offset, -1, ""));
    }

    /** Kafka's vote: among the protocols every member supports, each member votes for its first; most votes wins. */
    static String vote(Group g) {
        Set<String> common = null;
        for (Member m : g.members.values()) {
            Set<String> names = new HashSet<>();
            m.protocols.forEach(p -> names.add(p.getName()));
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Member m : g.members.values()) {
            for (JoinGroupProtocol p : m.protocols) {
                if (common.contains(p.getName())) {
                    votes.merge(p.getName(), 1, Integer::sum);
                    break;
                }
            }
        }
        return votes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse("");
    }

    static void removeMember(Group g, String memberId) {
        Member m = g.members.remove(memberId);
        if (m != null && !m.instanceId.isEmpty() && memberId.equals(g.staticMembers.get(m.instanceId))) {
            g.staticMembers.remove(m.instanceId);
        }
    }

    /** A DescribeGroups answer for one group, as node {@code nodeId} gives it. */
    DescribedGroup describe(String id, Errors gate, int nodeId) {
        DescribedGroup.Builder d = DescribedGroup.newBuilder().setGroupId(id).setCoordinator(nodeId);
        Errors e = gate != Errors.NONE ? gate : coordinatorOf(id) != nodeId ? Errors.NOT_COORDINATOR : Errors.NONE;
        if (e != Errors.NONE) {
            return d.setError(FakeCluster.code(e)).setErrorMessage(e.name()).build();
        }
        Group g = groups.get(id);
        if (g == null) {
            return d.setState(DEAD).build();
        }
        d.setState(g.state).setProtocolType(g.protocolType).setGenerationId(g.generation);
        boolean complete = g.state.equals(STABLE) || g.state.equals(COMPLETING_REBALANCE);
        if (complete) {
            d.setProtocol(g.protocol);
        }
        for (Member m : g.members.values()) {
            d.addMembers(DescribedGroupMember.newBuilder()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.instanceId)
                    .setClientId(m.clientId)
                    .setClientHost(CLIENT_HOST)
                    .setMemberMetadata(m.metadata(g.protocol))
                    .setMemberAssignment(g.state.equals(STABLE) ? m.assignment : ByteString.EMPTY));
        }
        return d.build();
    }

    /** The topics the group's consumer members subscribe to (read from their ConsumerSubscription). */
    static Set<String> subscribedTopics(Group g) {
        Set<String> out = new HashSet<>();
        if (!g.protocolType.equals("consumer")) {
            return out;
        }
        for (Member m : g.members.values()) {
            try {
                out.addAll(
                        ConsumerSubscription.parseFrom(m.metadata(g.protocol)).getTopicsList());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("member " + m.memberId + " sent a malformed subscription", e);
            }
        }
        return out;
    }

    /** The member a call names, or the error for it. */
    static Errors checkMember(Group g, String memberId, String instanceId, int generation) {
        if (g == null || !g.members.containsKey(memberId)) {
            if (g != null && !instanceId.isEmpty() && g.staticMembers.containsKey(instanceId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!instanceId.isEmpty() && !memberId.equals(g.staticMembers.get(instanceId))) {
            return Errors.FENCED_INSTANCE_ID;
        }
        return generation == g.generation ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }

    static SyncGroupResponse syncError(Errors e) {
        return SyncGroupResponse.newBuilder()
                .setError(FakeCluster.code(e))
                .setErrorMessage(e.name())
                .build();
    }

    static SyncGroupResponse syncAnswer(Group g, Member m) {
        return SyncGroupResponse.newBuilder()
                .setProtocolType(g.protocolType)
                .setProtocolName(g.protocol)
                .setAssignment(m.assignment)
                .build();
    }
}
