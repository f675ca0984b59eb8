package dev.skiff.client.testing;

import com.google.protobuf.ByteString;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.JoinGroupProtocol;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
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
}
