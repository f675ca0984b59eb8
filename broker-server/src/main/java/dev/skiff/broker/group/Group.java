package dev.skiff.broker.group;

import dev.skiff.log.TopicPartition;
import dev.skiff.proto.groups.v1.GroupMetadataValue;
import dev.skiff.proto.groups.v1.MemberMetadata;
import dev.skiff.proto.v1.JoinGroupProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One group's state: members, generation, chosen protocol, leader, committed offsets, and the
 * bookkeeping of a rebalance in progress. Mutable and owned by its shard; see {@link GroupShard}
 * for the thread.
 *
 * <p>Invariants: the leader is a member, or empty when there are none; {@code staticMembers} maps
 * exactly the static members' instance ids to their member ids; in {@link GroupState#EMPTY} there
 * are no members.
 */
final class Group {
    final String groupId;
    private GroupState state = GroupState.EMPTY;
    long stateSinceMs;
    int generation;
    String protocolType = "";
    String protocolName = "";
    String leaderId = "";
    /** In join order. */
    final Map<String, Member> members = new LinkedHashMap<>();
    /** group.instance.id → member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED → when they lapse unless used to join. */
    final Map<String, Long> pendingMembers = new LinkedHashMap<>();

    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();

    /** While preparing a rebalance: when it completes at the latest. */
    long joinDeadlineMs;
    /** The first rebalance of an empty group waits group.initial.rebalance.delay.ms. */
    boolean initialDelay;
    /** What remains of the rebalance timeout for extending the initial delay. */
    long initialRemainingMs;
    /** A member joined during the initial delay: wait another delay (within the remainder). */
    boolean newMemberAdded;
    /** The leader's assignment, written but not yet replicated; empty when none is in flight. */
    Optional<Map<String, com.google.protobuf.ByteString>> assignmentInFlight = Optional.empty();

    Group(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateSinceMs = nowMs;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    void transitionTo(GroupState next, long nowMs) {
        if (!next.validPrevious().contains(state)) {
            throw new IllegalStateException(
                    "group " + groupId + " cannot move from " + state.displayName() + " to " + next.displayName());
        }
        state = next;
        stateSinceMs = nowMs;
    }

    /** Sets the state without the transition check: only when loading from the log. */
    void restoreState(GroupState s, long sinceMs) {
        state = s;
        stateSinceMs = sinceMs;
    }

    /** Members and members told MEMBER_ID_REQUIRED: what group.max.size bounds. */
    int size() {
        return members.size() + pendingMembers.size();
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int rebalanceTimeoutMs() {
        return members.values().stream()
                .mapToInt(m -> m.rebalanceTimeoutMs)
                .max()
                .orElse(0);
    }

    /** Protocols every member supports, in no particular order. */
    Set<String> candidateProtocols() {
        Set<String> out = null;
        for (Member m : members.values()) {
            Set<String> names = new LinkedHashSet<>();
            m.protocols.forEach(p -> names.add(p.getName()));
            if (out == null) {
                out = names;
            } else {
                out.retainAll(names);
            }
        }
        return out == null ? Set.of() : out;
    }

    /** Whether a member with this type and these protocols may join (INCONSISTENT_GROUP_PROTOCOL if not). */
    boolean supportsProtocols(String type, List<JoinGroupProtocol> protocols) {
        if (protocols.isEmpty() || type.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        return protocols.stream().anyMatch(p -> candidates.contains(p.getName()));
    }

    /** The leader's most preferred protocol that every member supports. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Member leader = members.get(leaderId);
        List<JoinGroupProtocol> order =
                leader != null ? leader.protocols : members.values().iterator().next().protocols;
        for (JoinGroupProtocol p : order) {
            if (candidates.contains(p.getName())) {
                return p.getName();
            }
        }
        throw new IllegalStateException("group " + groupId + " has no protocol every member supports");
    }

    /** The record of this group's current generation, with {@code assignments} for its members. */
    GroupMetadataValue metadataValue(Map<String, com.google.protobuf.ByteString> assignments) {
        List<MemberMetadata> out = new ArrayList<>();
        for (Member m : members.values()) {
            out.add(MemberMetadata.newBuilder()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.instanceId)
                    .setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setRebalanceTimeoutMs(m.rebalanceTimeoutMs)
                    .setSessionTimeoutMs(m.sessionTimeoutMs)
                    .setSubscription(m.metadata(protocolName).orElse(com.google.protobuf.ByteString.EMPTY))
                    .setAssignment(assignments.getOrDefault(m.memberId, com.google.protobuf.ByteString.EMPTY))
                    .build());
        }
        return GroupMetadataValue.newBuilder()
                .setVersion(GroupRecords.GROUP_METADATA_VERSION)
                .setProtocolType(protocolType)
                .setGeneration(generation)
                .setProtocol(protocolName)
                .setLeader(leaderId)
                .setCurrentStateTimestampMs(stateSinceMs)
                .addAllMembers(out)
                .build();
    }

    Map<String, com.google.protobuf.ByteString> currentAssignments() {
        Map<String, com.google.protobuf.ByteString> out = new HashMap<>();
        members.values().forEach(m -> out.put(m.memberId, m.assignment));
        return out;
    }
}
