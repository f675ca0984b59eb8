package dev.skiff.client.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.client.Errors;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.ConsumerProtocol;
import dev.skiff.proto.v1.DeleteGroupsRequest;
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
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeavingMember;
import dev.skiff.proto.v1.ListGroupsRequest;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetDeleteRequest;
import dev.skiff.proto.v1.OffsetDeleteTopic;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake coordinator's RPCs, called directly: one member's life, then the admin-side calls. */
class FakeGroupServiceTest {
    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(ManagedChannel::shutdownNow);
        cluster.close();
    }

    private GroupGrpc.GroupBlockingStub node(int id) {
        ManagedChannel c = cluster.channelFactory().create(cluster.host(id), cluster.port(id));
        channels.add(c);
        return GroupGrpc.newBlockingStub(c);
    }

    @Test
    void oneMemberJoinsCommitsAndTheGroupIsDescribedAndDeleted() {
        cluster.createTopic("t", 2, 1);
        FindCoordinatorResponse found = node(1).findCoordinator(
                        FindCoordinatorRequest.newBuilder().setKey("g").build());
        int coordinatorId = found.getNodeId();
        assertEquals(cluster.groups().coordinatorOf("g"), coordinatorId);
        GroupGrpc.GroupBlockingStub coordinator = node(coordinatorId);
        GroupGrpc.GroupBlockingStub other = node(coordinatorId % 3 + 1);

        ByteString assignment =
                ConsumerProtocol.assignment(List.of(new TopicPartition("t", 0), new TopicPartition("t", 1)));
        String member = joinAndSync(coordinator, other, assignment);
        HeartbeatRequest.Builder hb =
                HeartbeatRequest.newBuilder().setGroupId("g").setMemberId(member);
        assertEquals(
                ErrorCode.NONE,
                coordinator.heartbeat(hb.setGenerationId(1).build()).getError());
        assertEquals(
                ErrorCode.ILLEGAL_GENERATION,
                coordinator.heartbeat(hb.setGenerationId(0).build()).getError());

        commitAndFetch(coordinator, member);
        assertEquals(
                "Stable",
                coordinator
                        .listGroups(ListGroupsRequest.getDefaultInstance())
                        .getGroups(0)
                        .getState());
        assertEquals(0, other.listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsCount());
        DescribedGroup described = coordinator
                .describeGroups(
                        DescribeGroupsRequest.newBuilder().addGroupIds("g").build())
                .getGroups(0);
        assertEquals("range", described.getProtocol());
        assertEquals(assignment, described.getMembers(0).getMemberAssignment());

        assertEquals(Errors.NON_EMPTY_GROUP.code(), deleteGroup(coordinator));
        assertEquals(
                ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
                coordinator
                        .offsetDelete(OffsetDeleteRequest.newBuilder()
                                .setGroupId("g")
                                .addTopics(OffsetDeleteTopic.newBuilder()
                                        .setName("t")
                                        .addPartitions(1))
                                .build())
                        .getTopics(0)
                        .getPartitions(0)
                        .getError());

        coordinator.leaveGroup(LeaveGroupRequest.newBuilder()
                .setGroupId("g")
                .addMembers(LeavingMember.newBuilder().setMemberId(member))
                .build());
        assertEquals("Empty", cluster.groups().state("g"));
        assertEquals(0, deleteGroup(coordinator));
        assertEquals(
                "Dead",
                coordinator
                        .describeGroups(DescribeGroupsRequest.newBuilder()
                                .addGroupIds("g")
                                .build())
                        .getGroups(0)
                        .getState());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), deleteGroup(coordinator));
        assertTrue(cluster.groups().offsets("g").isEmpty());
    }

    /** One member through MEMBER_ID_REQUIRED, the join and the leader's sync; returns its id. */
    private static String joinAndSync(
            GroupGrpc.GroupBlockingStub coordinator, GroupGrpc.GroupBlockingStub other, ByteString assignment) {
        JoinGroupRequest.Builder join = JoinGroupRequest.newBuilder()
                .setGroupId("g")
                .setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000)
                .setProtocolType("consumer")
                .setClientId("c")
                .addProtocols(JoinGroupProtocol.newBuilder()
                        .setName("range")
                        .setMetadata(ConsumerProtocol.subscription(List.of("t"), List.of(), -1)));
        assertEquals(ErrorCode.NOT_COORDINATOR, other.joinGroup(join.build()).getError());
        JoinGroupResponse first = coordinator.joinGroup(join.build());
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, first.getError());
        JoinGroupResponse joined =
                coordinator.joinGroup(join.setMemberId(first.getMemberId()).build());
        assertEquals(ErrorCode.NONE, joined.getError());
        assertEquals(1, joined.getGenerationId());
        assertEquals(joined.getMemberId(), joined.getLeader());
        assertEquals("range", joined.getProtocolName());
        assertEquals(1, joined.getMembersCount());

        String member = joined.getMemberId();
        assertEquals(
                assignment,
                coordinator
                        .syncGroup(SyncGroupRequest.newBuilder()
                                .setGroupId("g")
                                .setGenerationId(1)
                                .setMemberId(member)
                                .addAssignments(SyncGroupAssignment.newBuilder()
                                        .setMemberId(member)
                                        .setAssignment(assignment))
                                .build())
                        .getAssignment());
        return member;
    }

    private static void commitAndFetch(GroupGrpc.GroupBlockingStub coordinator, String member) {
        OffsetCommitRequest.Builder commit = OffsetCommitRequest.newBuilder()
                .setGroupId("g")
                .setMemberId(member)
                .setGenerationId(1)
                .addTopics(OffsetCommitTopic.newBuilder()
                        .setName("t")
                        .addPartitions(
                                OffsetCommitPartition.newBuilder().setIndex(1).setCommittedOffset(42)));
        assertEquals(
                ErrorCode.NONE,
                coordinator
                        .offsetCommit(commit.build())
                        .getTopics(0)
                        .getPartitions(0)
                        .getError());
        assertEquals(
                ErrorCode.UNKNOWN_MEMBER_ID,
                coordinator
                        .offsetCommit(commit.setMemberId("").setGenerationId(-1).build())
                        .getTopics(0)
                        .getPartitions(0)
                        .getError());
        assertEquals(
                42,
                coordinator
                        .offsetFetch(
                                OffsetFetchRequest.newBuilder().setGroupId("g").build())
                        .getTopics(0)
                        .getPartitions(0)
                        .getCommittedOffset());
    }

    private static int deleteGroup(GroupGrpc.GroupBlockingStub stub) {
        return stub.deleteGroups(
                        DeleteGroupsRequest.newBuilder().addGroupIds("g").build())
                .getResults(0)
                .getErrorValue();
    }
}
