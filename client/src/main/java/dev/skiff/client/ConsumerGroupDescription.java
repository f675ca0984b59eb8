package dev.skiff.client;

import java.util.List;
import java.util.Objects;

/**
 * A consumer group as its coordinator describes it. An unknown group is {@link GroupState#DEAD}
 * with no members, as in Kafka. {@code partitionAssignor} is the protocol chosen for the current
 * generation ({@code range}, {@code roundrobin}, ...), empty while none is complete.
 */
public record ConsumerGroupDescription(
        String groupId,
        String protocolType,
        String partitionAssignor,
        GroupState state,
        Node coordinator,
        List<MemberDescription> members,
        int generationId) {
    public ConsumerGroupDescription {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(protocolType, "protocolType");
        Objects.requireNonNull(partitionAssignor, "partitionAssignor");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(coordinator, "coordinator");
        members = List.copyOf(members);
    }
}
