package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.proto.v1.ConsumerSubscription;
import dev.skiff.proto.v1.DescribeGroupsRequest;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopic;
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group coordinator on real nodes, driven with raw generated gRPC stubs: members join, sync
 * and commit; a silent member is removed; offsets and the generation survive the coordinator's
 * death.
 */
@Timeout(240)
class GroupIntegrationTest extends ClusterTest {
    private static final String GROUP = "payments";

    private GroupGrpc.GroupBlockingStub blocking(int node) {
        return GroupGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private GroupGrpc.GroupFutureStub async(int node) {
        return GroupGrpc.newFutureStub(cluster.channel(node)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** The coordinator's node id, once FindCoordinator (asked at {@code askNode}) names one. */
    private int coordinator(int askNode) {
        AtomicReference<FindCoordinatorResponse> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    FindCoordinatorResponse r = blocking(askNode)
                            .findCoordinator(FindCoordinatorRequest.newBuilder()
                                    .setKey(GROUP)
                                    .build());
                    found.set(r);
                    return r.getError() == ErrorCode.NONE;
                });
        return found.get().getNodeId();
    }

    private static JoinGroupRequest join(String memberId, int sessionMs) {
        ByteString subscription = ConsumerSubscription.newBuilder()
                .setVersion(1)
                .addTopics("orders")
                .build()
                .toByteString();
        return JoinGroupRequest.newBuilder()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setSessionTimeoutMs(sessionMs)
                .setRebalanceTimeoutMs(10_000)
                .setProtocolType("consumer")
                .setClientId("client")
                .addProtocols(JoinGroupProtocol.newBuilder().setName("range").setMetadata(subscription))
                .build();
    }

    /** A member id from MEMBER_ID_REQUIRED, once the coordinator has loaded its partition. */
    private String memberId(int node, int sessionMs) {
        AtomicReference<JoinGroupResponse> r = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            r.set(blocking(node).joinGroup(join("", sessionMs)));
            return r.get().getError() != ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
        });
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, r.get().getError(), r.get().getErrorMessage());
        return r.get().getMemberId();
    }

    private OffsetCommitResponse commit(int node, int generation, String member, long offset0, long offset1) {
        return blocking(node)
                .offsetCommit(OffsetCommitRequest.newBuilder()
                        .setGroupId(GROUP)
                        .setGenerationId(generation)
                        .setMemberId(member)
                        .addTopics(OffsetCommitTopic.newBuilder()
                                .setName("orders")
                                .addPartitions(OffsetCommitPartition.newBuilder()
                                        .setIndex(0)
                                        .setCommittedOffset(offset0)
                                        .setCommittedLeaderEpoch(-1)
                                        .setMetadata("m0"))
                                .addPartitions(OffsetCommitPartition.newBuilder()
                                        .setIndex(1)
                                        .setCommittedOffset(offset1)
                                        .setCommittedLeaderEpoch(-1)))
                        .build());
    }

    private OffsetFetchResponse fetch(int node) {
        return blocking(node)
                .offsetFetch(OffsetFetchRequest.newBuilder()
                        .setGroupId(GROUP)
                        .addTopics(OffsetFetchTopic.newBuilder()
                                .setName("orders")
                                .addPartitions(0)
                                .addPartitions(1)
                                .addPartitions(2))
                        .build());
    }

    private static SyncGroupRequest sync(String member, int generation, Map<String, String> assignments) {
        SyncGroupRequest.Builder b = SyncGroupRequest.newBuilder()
                .setGroupId(GROUP)
                .setMemberId(member)
                .setGenerationId(generation);
        assignments.forEach((m, a) -> b.addAssignments(
                SyncGroupAssignment.newBuilder().setMemberId(m).setAssignment(ByteString.copyFromUtf8(a))));
        return b.build();
    }

    private ErrorCode heartbeat(int node, String member, int generation) {
        return blocking(node)
                .heartbeat(HeartbeatRequest.newBuilder()
                        .setGroupId(GROUP)
                        .setMemberId(member)
                        .setGenerationId(generation)
                        .build())
                .getError();
    }

    @Test
    void twoMembersJoinSyncCommitAndASilentOneIsRemoved() throws Exception {
        cluster = TestCluster.start(
                1,
                tmp,
                Map.of(
                        "offsets.topic.num.partitions", "3",
                        "group.initial.rebalance.delay.ms", "1000",
                        "group.min.session.timeout.ms", "500"));
        assertEquals(ErrorCode.NONE, cluster.create("orders", 3, 1, Map.of()).getError());
        int node = coordinator(1);
        assertEquals(1, node);

        String a = memberId(node, 2_000);
        String b = memberId(node, 2_000);
        Future<JoinGroupResponse> joinA = async(node).joinGroup(join(a, 2_000));
        Future<JoinGroupResponse> joinB = async(node).joinGroup(join(b, 2_000));
        JoinGroupResponse ja = joinA.get(30, TimeUnit.SECONDS);
        JoinGroupResponse jb = joinB.get(30, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, ja.getError(), ja.getErrorMessage());
        assertEquals(ErrorCode.NONE, jb.getError(), jb.getErrorMessage());
        assertEquals(ja.getGenerationId(), jb.getGenerationId());
        assertEquals("range", ja.getProtocolName());
        assertEquals(ja.getLeader(), jb.getLeader());
        JoinGroupResponse leader = ja.getLeader().equals(a) ? ja : jb;
        JoinGroupResponse follower = leader == ja ? jb : ja;
        assertEquals(2, leader.getMembersCount(), "the leader gets every member");
        assertEquals(0, follower.getMembersCount());
        int generation = leader.getGenerationId();

        Future<SyncGroupResponse> followerSync =
                async(node).syncGroup(sync(follower.getMemberId(), generation, Map.of()));
        SyncGroupResponse leaderSync = blocking(node)
                .syncGroup(sync(
                        leader.getMemberId(),
                        generation,
                        Map.of(leader.getMemberId(), "p0", follower.getMemberId(), "p1")));
        assertEquals(ErrorCode.NONE, leaderSync.getError(), leaderSync.getErrorMessage());
        assertEquals("p0", leaderSync.getAssignment().toStringUtf8());
        assertEquals(
                "p1", followerSync.get(30, TimeUnit.SECONDS).getAssignment().toStringUtf8());

        OffsetCommitResponse committed = commit(node, generation, a, 42, 7);
        assertEquals(ErrorCode.NONE, committed.getError(), committed.getErrorMessage());
        committed.getTopics(0).getPartitionsList().forEach(p -> assertEquals(ErrorCode.NONE, p.getError()));
        OffsetFetchResponse fetched = fetch(node);
        assertEquals(42, fetched.getTopics(0).getPartitions(0).getCommittedOffset());
        assertEquals("m0", fetched.getTopics(0).getPartitions(0).getMetadata());
        assertEquals(7, fetched.getTopics(0).getPartitions(1).getCommittedOffset());
        assertEquals(-1, fetched.getTopics(0).getPartitions(2).getCommittedOffset());

        DescribedGroup described = blocking(node)
                .describeGroups(
                        DescribeGroupsRequest.newBuilder().addGroupIds(GROUP).build())
                .getGroups(0);
        assertEquals("Stable", described.getState());
        assertEquals(2, described.getMembersCount());
        assertEquals("/127.0.0.1", described.getMembers(0).getClientHost());

        // b keeps heartbeating, a falls silent: after a's session b is told to rejoin.
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> heartbeat(node, b, generation) == ErrorCode.REBALANCE_IN_PROGRESS);
        JoinGroupResponse alone = blocking(node).joinGroup(join(b, 2_000));
        assertEquals(ErrorCode.NONE, alone.getError(), alone.getErrorMessage());
        assertEquals(generation + 1, alone.getGenerationId());
        assertEquals(b, alone.getLeader());
        assertEquals(1, alone.getMembersCount());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(node, a, generation));
    }

    @Test
    void offsetsAndGenerationSurviveTheCoordinatorsDeath() throws Exception {
        cluster = TestCluster.start(
                3,
                tmp,
                Map.of(
                        "offsets.topic.num.partitions", "3",
                        "offsets.topic.replication.factor", "3",
                        "min.insync.replicas", "2",
                        "group.initial.rebalance.delay.ms", "0"));
        assertEquals(ErrorCode.NONE, cluster.create("orders", 2, 3, Map.of()).getError());
        int first = coordinator(1);
        String member = memberId(first, 20_000);
        JoinGroupResponse joined = blocking(first).joinGroup(join(member, 20_000));
        assertEquals(ErrorCode.NONE, joined.getError(), joined.getErrorMessage());
        int generation = joined.getGenerationId();
        SyncGroupResponse synced = blocking(first).syncGroup(sync(member, generation, Map.of(member, "all")));
        assertEquals(ErrorCode.NONE, synced.getError(), synced.getErrorMessage());
        OffsetCommitResponse committed = commit(first, generation, member, 1_000, 2_000);
        assertEquals(ErrorCode.NONE, committed.getError(), committed.getErrorMessage());
        committed.getTopics(0).getPartitionsList().forEach(p -> assertEquals(ErrorCode.NONE, p.getError()));

        cluster.stop(first);
        int ask = first % 3 + 1;
        AtomicReference<Integer> next = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            next.set(coordinator(ask));
            return next.get() != first;
        });
        int second = next.get();
        assertNotEquals(first, second);
        AtomicReference<OffsetFetchResponse> fetched = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    fetched.set(fetch(second));
                    return fetched.get().getError() == ErrorCode.NONE;
                });
        assertEquals(1_000, fetched.get().getTopics(0).getPartitions(0).getCommittedOffset());
        assertEquals(2_000, fetched.get().getTopics(0).getPartitions(1).getCommittedOffset());
        assertEquals(ErrorCode.NONE, heartbeat(second, member, generation), "the generation survives");
        DescribedGroup described = blocking(second)
                .describeGroups(
                        DescribeGroupsRequest.newBuilder().addGroupIds(GROUP).build())
                .getGroups(0);
        assertEquals(generation, described.getGenerationId());
        assertEquals("Stable", described.getState());
        assertEquals(second, described.getCoordinator());
        assertTrue(Set.of(1, 2, 3).contains(second));
    }
}
