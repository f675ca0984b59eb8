package dev.skiff.broker.group;

import com.google.protobuf.ByteString;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.DescribedGroupMember;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ListedGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** ListGroups and DescribeGroups over a shard: read-only views of the core's state. */
public final class GroupViews {
    private GroupViews() {}

    /** The shard's groups in {@code states} (every state if empty). */
    public static List<ListedGroup> list(GroupShard shard, Set<GroupState> states) {
        List<ListedGroup> out = new ArrayList<>();
        for (Group g : shard.groups()) {
            if (states.isEmpty() || states.contains(g.state())) {
                out.add(ListedGroup.newBuilder()
                        .setGroupId(g.groupId)
                        .setProtocolType(g.protocolType)
                        .setState(g.state().displayName())
                        .build());
            }
        }
        return out;
    }

    /** A group as Kafka describes it; an unknown group is Dead with no members. */
    public static DescribedGroup describe(GroupShard shard, String groupId, int coordinatorId) {
        DescribedGroup.Builder b = DescribedGroup.newBuilder()
                .setError(ErrorCode.NONE)
                .setGroupId(groupId)
                .setCoordinator(coordinatorId);
        Optional<Group> found = shard.group(groupId);
        if (found.isEmpty()) {
            return b.setState(GroupState.DEAD.displayName()).build();
        }
        Group g = found.get();
        b.setState(g.state().displayName())
                .setProtocolType(g.protocolType)
                .setGenerationId(g.generation)
                .setProtocol(g.is(GroupState.STABLE) || g.is(GroupState.COMPLETING_REBALANCE) ? g.protocolName : "");
        for (Member m : g.members.values()) {
            b.addMembers(DescribedGroupMember.newBuilder()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.instanceId)
                    .setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(
                            g.protocolName.isEmpty()
                                    ? ByteString.EMPTY
                                    : m.metadata(g.protocolName).orElse(ByteString.EMPTY))
                    .setMemberAssignment(g.is(GroupState.STABLE) ? m.assignment : ByteString.EMPTY));
        }
        return b.build();
    }
}
