package dev.skiff.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.LeavingMember;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Joining, syncing, heartbeats, leaving and session expiry in the pure core. */
class MembershipTest {
    private final Harness h = new Harness(Harness.limits(0));

    private ErrorCode heartbeat(String member, int generation) {
        return h.shard
                .heartbeat(
                        HeartbeatRequest.newBuilder()
                                .setGroupId("g")
                                .setMemberId(member)
                                .setGenerationId(generation)
                                .build(),
                        h.now)
                .getError();
    }

    /** One member, joined and synced: generation 1, Stable. */
    private String stableWithOne() {
        String a = h.newMember("g");
        JoinGroupResponse j = h.join("g", a).answer();
        assertEquals(ErrorCode.NONE, j.getError());
        assertEquals(1, j.getGenerationId());
        assertEquals(a, j.getLeader());
        assertEquals(GroupState.COMPLETING_REBALANCE, h.state("g"));
        assertEquals(
                "a0",
                h.sync("g", a, 1, Map.of(a, "a0")).answer().getAssignment().toStringUtf8());
        assertEquals(GroupState.STABLE, h.state("g"));
        return a;
    }

    @Test
    void aFirstJoinWithoutMemberIdIsToldTheIdToUse() {
        JoinGroupResponse r = h.join("g", "").answer();
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, r.getError());
        assertEquals("c-id0", r.getMemberId());
        assertEquals(1, h.group("g").orElseThrow().pendingMembers.size());
        assertEquals(GroupState.EMPTY, h.state("g"));
    }

    @Test
    void aMemberIdNotUsedWithinTheSessionLapses() {
        h.newMember("g");
        h.advance(1_000);
        assertTrue(h.group("g").orElseThrow().pendingMembers.isEmpty());
    }

    @Test
    void groupIdAndSessionTimeoutAreChecked() {
        assertEquals(ErrorCode.INVALID_GROUP_ID, h.join("", "").answer().getError());
        assertEquals(
                ErrorCode.INVALID_GROUP_ID, h.join("x".repeat(256), "").answer().getError());
        JoinGroupResponse tooShort = h.join(
                        Harness.joinRequest("g", "").setSessionTimeoutMs(99).build())
                .answer();
        assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, tooShort.getError());
        assertTrue(tooShort.getErrorMessage().contains("group.min.session.timeout.ms=100"));
        assertEquals(
                ErrorCode.INVALID_SESSION_TIMEOUT,
                h.join(Harness.joinRequest("g", "").setSessionTimeoutMs(100_001).build())
                        .answer()
                        .getError());
    }

    @Test
    void joiningAnUnknownGroupWithAMemberIdIsRefused() {
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, h.join("g", "ghost").answer().getError());
    }

    @Test
    void oneMemberJoinsSyncsAndHeartbeats() {
        String a = stableWithOne();
        assertEquals(ErrorCode.NONE, heartbeat(a, 1));
        assertEquals(ErrorCode.ILLEGAL_GENERATION, heartbeat(a, 0));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat("ghost", 1));
        // The assignment and generation were stored before the member got its share.
        assertEquals(
                1,
                h.allWrites.stream()
                        .filter(w -> w.after() instanceof Effects.SyncStored)
                        .count());
    }

    @Test
    void protocolTypeAndProtocolsMustMatchTheGroup() {
        stableWithOne();
        String b = h.newMember("g");
        assertEquals(
                ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                h.join(Harness.joinRequest("g", b).setProtocolType("connect").build())
                        .answer()
                        .getError());
        assertEquals(
                ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                h.join(Harness.joinRequest("g", b)
                                .clearProtocols()
                                .addProtocols(JoinGroupProtocol.newBuilder().setName("roundrobin"))
                                .build())
                        .answer()
                        .getError());
        assertEquals(
                ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                h.join(Harness.joinRequest("h", "").clearProtocols().build())
                        .answer()
                        .getError());
    }

    @Test
    void theFirstProtocolEveryMemberSupportsIsChosen() {
        Harness d = new Harness(Harness.limits(1_000));
        String a = d.newMember("g");
        String b = d.newMember("g");
        var ja = d.join(Harness.joinRequest("g", a)
                .clearProtocols()
                .addProtocols(JoinGroupProtocol.newBuilder().setName("sticky"))
                .addProtocols(JoinGroupProtocol.newBuilder().setName("range"))
                .addProtocols(JoinGroupProtocol.newBuilder().setName("roundrobin"))
                .build());
        var jb = d.join(Harness.joinRequest("g", b)
                .clearProtocols()
                .addProtocols(JoinGroupProtocol.newBuilder().setName("roundrobin"))
                .addProtocols(JoinGroupProtocol.newBuilder().setName("range"))
                .build());
        d.advance(1_000); // b joined during the delay: one more
        d.advance(1_000);
        assertEquals("range", ja.answer().getProtocolName());
        assertEquals("range", jb.answer().getProtocolName());
    }

    @Test
    void groupMaxSizeCountsMembersAndPendingIds() {
        Harness small = new Harness(new GroupLimits(100, 100_000, 2, 0, 20, 60_000));
        small.newMember("g");
        small.newMember("g");
        JoinGroupResponse third = small.join("g", "").answer();
        assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, third.getError());
        assertTrue(third.getErrorMessage().contains("group.max.size=2"));
    }

    @Test
    void theInitialDelayWaitsForMoreMembersAndIsBoundedByTheRebalanceTimeout() {
        Harness d = new Harness(Harness.limits(2_000));
        String a = d.newMember("g");
        var ja = d.join("g", a);
        assertEquals(GroupState.PREPARING_REBALANCE, d.state("g"));
        d.advance(1_500);
        String b = d.newMember("g");
        var jb = d.join("g", b);
        d.advance(500); // the first delay ends; b joined during it: another delay
        assertFalse(ja.answered());
        String c = d.newMember("g");
        var jc = d.join("g", c);
        d.advance(2_000); // a second extension, of what remains of the 5 s rebalance timeout
        assertFalse(ja.answered());
        d.advance(999);
        assertFalse(ja.answered());
        d.advance(1);
        assertEquals(3, ja.answer().getMembersCount());
        assertEquals(1, jb.answer().getGenerationId());
        assertEquals(a, jc.answer().getLeader());
        assertEquals(GroupState.COMPLETING_REBALANCE, d.state("g"));
    }

    @Test
    void aJoinInAStableGroupRebalancesEveryone() {
        String a = stableWithOne();
        String b = h.newMember("g");
        var jb = h.join("g", b);
        assertEquals(GroupState.PREPARING_REBALANCE, h.state("g"));
        assertFalse(jb.answered());
        assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, heartbeat(a, 1));
        assertEquals(
                ErrorCode.REBALANCE_IN_PROGRESS,
                h.sync("g", a, 1, Map.of()).answer().getError());
        var ja = h.join("g", a);
        assertEquals(2, ja.answer().getGenerationId());
        assertEquals(2, ja.answer().getMembersCount());
        assertEquals(a, jb.answer().getLeader());
        assertEquals(0, jb.answer().getMembersCount());
        var sb = h.sync("g", b, 2, Map.of());
        assertFalse(sb.answered(), "a follower waits for the leader's assignment");
        assertEquals(ErrorCode.NONE, heartbeat(b, 2), "heartbeats are fine while completing");
        h.sync("g", a, 2, Map.of(a, "x", b, "y"));
        assertEquals("y", sb.answer().getAssignment().toStringUtf8());
    }

    @Test
    void aMemberThatDoesNotRejoinInTimeIsRemoved() {
        String a = stableWithOne();
        String b = h.newMember("g");
        var jb = h.join(Harness.joinRequest("g", b).setSessionTimeoutMs(100_000).build());
        // a heartbeats, but never rejoins: the rebalance times out after a's 5 s rebalance timeout.
        for (int i = 0; i < 5; i++) {
            h.advance(900);
            heartbeat(a, 1);
        }
        h.advance(500);
        assertEquals(b, jb.answer().getLeader());
        assertEquals(1, jb.answer().getMembersCount());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(a, 1));
    }

    @Test
    void aSilentMemberIsRemovedAfterItsSessionAndTheOthersRebalance() {
        Harness d = new Harness(Harness.limits(500));
        String a = d.newMember("g");
        String b = d.newMember("g");
        var ja = d.join("g", a);
        var jb = d.join("g", b);
        d.advance(500);
        d.advance(500);
        d.sync("g", b, 1, Map.of());
        d.sync("g", a, 1, Map.of(a, "x", b, "y"));
        assertEquals(GroupState.STABLE, d.state("g"));
        for (int i = 0; i < 3; i++) {
            d.advance(400);
            d.shard.heartbeat(
                    HeartbeatRequest.newBuilder()
                            .setGroupId("g")
                            .setMemberId(b)
                            .setGenerationId(1)
                            .build(),
                    d.now);
        }
        assertEquals(GroupState.PREPARING_REBALANCE, d.state("g"));
        assertFalse(d.group("g").orElseThrow().members.containsKey(a));
        assertEquals(b, d.group("g").orElseThrow().leaderId, "the leader left: b leads");
        assertTrue(ja.answered() && jb.answered());
    }

    @Test
    void syncChecksMemberGenerationAndProtocol() {
        String a = stableWithOne();
        assertEquals(
                ErrorCode.UNKNOWN_MEMBER_ID,
                h.sync("g", "ghost", 1, Map.of()).answer().getError());
        assertEquals(
                ErrorCode.ILLEGAL_GENERATION,
                h.sync("g", a, 7, Map.of()).answer().getError());
        assertEquals(
                ErrorCode.UNKNOWN_MEMBER_ID,
                h.sync("nope", a, 1, Map.of()).answer().getError());
        Harness.Call<SyncGroupResponse> c = new Harness.Call<>();
        h.run(fx -> h.shard.sync(
                dev.skiff.proto.v1.SyncGroupRequest.newBuilder()
                        .setGroupId("g")
                        .setMemberId(a)
                        .setGenerationId(1)
                        .setProtocolName("roundrobin")
                        .build(),
                c,
                h.now,
                fx));
        assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, c.answer().getError());
        assertEquals("a0", h.sync("g", a, 1, Map.of()).answer().getAssignment().toStringUtf8(), "Stable: as is");
    }

    @Test
    void anAssignmentThatCannotBeStoredSendsTheMembersBackToJoin() {
        h.autoCompleteWrites = false;
        String a = h.newMember("g");
        h.join("g", a);
        var s = h.sync("g", a, 1, Map.of(a, "x"));
        assertFalse(s.answered(), "answered only once stored");
        h.completeWrites(ErrorCode.NOT_ENOUGH_REPLICAS);
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, s.answer().getError());
        assertEquals(GroupState.PREPARING_REBALANCE, h.state("g"));
    }

    @Test
    void membersLeaveAndTheLastOneEmptiesTheGroup() {
        String a = stableWithOne();
        LeaveGroupResponse unknown = h.shard.leave(
                LeaveGroupRequest.newBuilder()
                        .setGroupId("g")
                        .addMembers(LeavingMember.newBuilder().setMemberId("ghost"))
                        .build(),
                h.now,
                new Effects());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, unknown.getMembers(0).getError());
        h.run(fx -> assertEquals(
                ErrorCode.NONE,
                h.shard
                        .leave(
                                LeaveGroupRequest.newBuilder()
                                        .setGroupId("g")
                                        .addMembers(LeavingMember.newBuilder().setMemberId(a))
                                        .build(),
                                h.now,
                                fx)
                        .getMembers(0)
                        .getError()));
        assertEquals(GroupState.EMPTY, h.state("g"));
        assertEquals(2, h.group("g").orElseThrow().generation);
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(a, 2));
    }

    @Test
    void aStaticMemberRejoiningKeepsItsPlaceAndFencesTheOldId() {
        JoinGroupResponse first = h.join(
                        Harness.joinRequest("g", "").setGroupInstanceId("i1").build())
                .answer();
        assertEquals(ErrorCode.NONE, first.getError(), "static members skip MEMBER_ID_REQUIRED");
        String old = first.getMemberId();
        h.sync("g", old, 1, Map.of(old, "mine"));
        JoinGroupResponse again = h.join(
                        Harness.joinRequest("g", "").setGroupInstanceId("i1").build())
                .answer();
        assertEquals(ErrorCode.NONE, again.getError());
        assertEquals(1, again.getGenerationId(), "no rebalance");
        assertEquals(GroupState.STABLE, h.state("g"));
        String renewed = again.getMemberId();
        assertFalse(renewed.equals(old));
        assertEquals(
                "mine",
                h.sync("g", renewed, 1, Map.of()).answer().getAssignment().toStringUtf8());
        ErrorCode fenced = h.shard
                .heartbeat(
                        HeartbeatRequest.newBuilder()
                                .setGroupId("g")
                                .setMemberId(old)
                                .setGroupInstanceId("i1")
                                .setGenerationId(1)
                                .build(),
                        h.now)
                .getError();
        assertEquals(ErrorCode.FENCED_INSTANCE_ID, fenced);
        assertEquals(
                ErrorCode.FENCED_INSTANCE_ID,
                h.join(Harness.joinRequest("g", old).setGroupInstanceId("i1").build())
                        .answer()
                        .getError());
    }

    @Test
    void aStaticMemberWithNewProtocolsRebalances() {
        String old = h.join(
                        Harness.joinRequest("g", "").setGroupInstanceId("i1").build())
                .answer()
                .getMemberId();
        h.sync("g", old, 1, Map.of(old, "mine"));
        var again = h.join(Harness.joinRequest("g", "")
                .setGroupInstanceId("i1")
                .clearProtocols()
                .addProtocols(JoinGroupProtocol.newBuilder().setName("range").setMetadata(Harness.subscription("u")))
                .build());
        assertEquals(2, again.answer().getGenerationId());
    }

    @Test
    void unloadingAnswersParkedCallsNotCoordinator() {
        String a = stableWithOne();
        String b = h.newMember("g");
        var jb = h.join("g", b);
        h.run(h.shard::unload);
        assertEquals(ErrorCode.NOT_COORDINATOR, jb.answer().getError());
        assertTrue(h.group("g").isEmpty());
        assertFalse(a.isEmpty());
    }

    @Test
    void transitionsOutsideKafkasStateMachineAreRefused() {
        Group g = new Group("g", 0);
        assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.STABLE, 1));
        assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.COMPLETING_REBALANCE, 1));
        g.transitionTo(GroupState.PREPARING_REBALANCE, 1);
        assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.STABLE, 1));
        g.transitionTo(GroupState.COMPLETING_REBALANCE, 1);
        g.transitionTo(GroupState.STABLE, 1);
        g.transitionTo(GroupState.DEAD, 1);
        assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.EMPTY, 1));
        assertEquals(GroupState.STABLE, GroupState.parse("stable").orElseThrow());
    }
}
