package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.ByteString;
import dev.skiff.client.ApiException;
import dev.skiff.client.ConsumerGroupDescription;
import dev.skiff.client.Errors;
import dev.skiff.client.GroupState;
import dev.skiff.client.Node;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.AdminCall.Outcome;
import dev.skiff.proto.v1.ConsumerAssignment;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.DescribedGroupMember;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ListGroupsResponse;
import dev.skiff.proto.v1.ListedGroup;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetFetchPartition;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopicResponse;
import dev.skiff.proto.v1.TopicPartitions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** The Group service's admin messages to and from the client's types. */
class GroupAdminProtocolTest {
    private static final Node COORDINATOR = new Node(2, "10.0.0.2", 9092, "");
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @Test
    void membersAssignmentsAreDecodedFromConsumerAssignmentBytes() {
        ByteString assignment = ConsumerAssignment.newBuilder()
                .setVersion(1)
                .addPartitions(TopicPartitions.newBuilder()
                        .setTopic("t")
                        .addPartitions(1)
                        .addPartitions(0))
                .build()
                .toByteString();
        DescribeGroupsResponse resp = DescribeGroupsResponse.newBuilder()
                .addGroups(DescribedGroup.newBuilder()
                        .setGroupId("g")
                        .setState("Stable")
                        .setProtocolType("consumer")
                        .setProtocol("range")
                        .setGenerationId(4)
                        .setCoordinator(2)
                        .addMembers(DescribedGroupMember.newBuilder()
                                .setMemberId("m-1")
                                .setClientId("app")
                                .setClientHost("/127.0.0.1")
                                .setMemberAssignment(assignment))
                        .addMembers(DescribedGroupMember.newBuilder()
                                .setMemberId("m-2")
                                .setGroupInstanceId("i-2")
                                .setMemberAssignment(ByteString.copyFromUtf8("not a proto \u0000\u00ff"))))
                .addGroups(DescribedGroup.newBuilder().setGroupId("moved").setError(ErrorCode.NOT_COORDINATOR))
                .build();
        Map<String, Outcome<ConsumerGroupDescription>> out = GroupAdminProtocol.described(COORDINATOR, resp);
        ConsumerGroupDescription g = ((Outcome.Done<ConsumerGroupDescription>) out.get("g")).value();
        assertEquals(GroupState.STABLE, g.state());
        assertEquals("range", g.partitionAssignor());
        assertEquals(COORDINATOR, g.coordinator());
        assertEquals(Set.of(T0, T1), g.members().get(0).assignment());
        assertEquals(Optional.of("i-2"), g.members().get(1).groupInstanceId());
        assertEquals(Set.of(), g.members().get(1).assignment());
        assertInstanceOf(Outcome.Retry.class, out.get("moved"));
    }

    @Test
    void fetchedOffsetsLeaveOutPartitionsWithoutOne() {
        OffsetFetchResponse resp = OffsetFetchResponse.newBuilder()
                .addTopics(OffsetFetchTopicResponse.newBuilder()
                        .setName("t")
                        .addPartitions(OffsetFetchPartition.newBuilder()
                                .setIndex(0)
                                .setCommittedOffset(5)
                                .setCommittedLeaderEpoch(-1)
                                .setMetadata("m"))
                        .addPartitions(
                                OffsetFetchPartition.newBuilder().setIndex(1).setCommittedOffset(-1)))
                .build();
        Outcome<SortedMap<TopicPartition, OffsetAndMetadata>> o =
                GroupAdminProtocol.fetched(resp, "g", "g").get("g");
        assertEquals(
                Map.of(T0, new OffsetAndMetadata(5, Optional.empty(), "m")),
                ((Outcome.Done<SortedMap<TopicPartition, OffsetAndMetadata>>) o).value());

        OffsetFetchResponse loading = OffsetFetchResponse.newBuilder()
                .setError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
                .build();
        assertInstanceOf(
                Outcome.Retry.class,
                GroupAdminProtocol.fetched(loading, "g", "g").get("g"));
    }

    @Test
    void anAdminCommitHasNoGenerationAndNoMember() {
        OffsetCommitRequest req = GroupAdminProtocol.offsetCommit(
                "g",
                Map.of(T1, new OffsetAndMetadata(3, Optional.of(7), "x"), T0, new OffsetAndMetadata(1)),
                Set.of(T0, T1));
        assertEquals(-1, req.getGenerationId());
        assertEquals("", req.getMemberId());
        assertEquals(
                List.of(0, 1),
                req.getTopics(0).getPartitionsList().stream()
                        .map(p -> p.getIndex())
                        .toList());
        assertEquals(7, req.getTopics(0).getPartitions(1).getCommittedLeaderEpoch());
        assertEquals(-1, req.getTopics(0).getPartitions(0).getCommittedLeaderEpoch());

        OffsetCommitResponse refused = OffsetCommitResponse.newBuilder()
                .setError(ErrorCode.UNKNOWN_MEMBER_ID)
                .build();
        Outcome<Void> o = GroupAdminProtocol.committed(refused, Set.of(T0), "g").get(T0);
        ApiException e = (ApiException) ((Outcome.Failed<Void>) o).error();
        assertEquals(Errors.UNKNOWN_MEMBER_ID, e.error());
        assertEquals("Group 'g': The coordinator is not aware of this member.", e.getMessage());
    }

    @Test
    void listingsKeepOnlyConsumerGroups() {
        ListGroupsResponse resp = ListGroupsResponse.newBuilder()
                .addGroups(ListedGroup.newBuilder()
                        .setGroupId("a")
                        .setProtocolType("consumer")
                        .setState("Stable"))
                .addGroups(ListedGroup.newBuilder().setGroupId("b").setState("Empty"))
                .addGroups(ListedGroup.newBuilder()
                        .setGroupId("c")
                        .setProtocolType("connect")
                        .setState("Stable"))
                .build();
        var listed = ((Outcome.Done<List<dev.skiff.client.ConsumerGroupListing>>)
                        GroupAdminProtocol.listed(resp, "").get(""))
                .value();
        assertEquals(List.of("a", "b"), listed.stream().map(l -> l.groupId()).toList());
        assertEquals(GroupState.EMPTY, listed.get(1).state());
    }
}
