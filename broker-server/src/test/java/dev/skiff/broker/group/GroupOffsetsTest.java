package dev.skiff.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.log.TopicPartition;
import dev.skiff.proto.groups.v1.GroupMetadataValue;
import dev.skiff.proto.groups.v1.OffsetCommitValue;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetDeleteRequest;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import dev.skiff.proto.v1.OffsetDeleteTopic;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commits, fetches, deletions, expiry and loading in the pure core. */
class GroupOffsetsTest {
    private final Harness h = new Harness(Harness.limits(0));

    private static List<ErrorCode> errors(OffsetCommitResponse r) {
        return r.getTopics(0).getPartitionsList().stream()
                .map(p -> p.getError())
                .toList();
    }

    private String stableMember() {
        String a = h.newMember("g");
        h.join("g", a);
        h.sync("g", a, 1, Map.of(a, "x"));
        return a;
    }

    @Test
    void aCommitOutsideTheGroupIsAcceptedOnlyWhileItHasNoMembers() {
        assertEquals(
                List.of(ErrorCode.NONE, ErrorCode.NONE),
                errors(h.commit("g", -1, "", "", 5, 6).answer()));
        assertEquals(5, h.offset("g", 0).orElseThrow().offset());
        assertEquals(3, h.offset("g", 0).orElseThrow().leaderEpoch());
        stableMember();
        assertEquals(
                List.of(ErrorCode.UNKNOWN_MEMBER_ID),
                errors(h.commit("g", -1, "", "", 9).answer()));
        assertEquals(5, h.offset("g", 0).orElseThrow().offset());
    }

    @Test
    void membersCommitInTheirGeneration() {
        String a = stableMember();
        assertEquals(List.of(ErrorCode.NONE), errors(h.commit("g", 1, a, "", 10).answer()));
        assertEquals(
                List.of(ErrorCode.ILLEGAL_GENERATION),
                errors(h.commit("g", 2, a, "", 11).answer()));
        assertEquals(
                List.of(ErrorCode.UNKNOWN_MEMBER_ID),
                errors(h.commit("g", 1, "ghost", "", 11).answer()));
        assertEquals(
                List.of(ErrorCode.ILLEGAL_GENERATION),
                errors(h.commit("other", 3, a, "", 1).answer()));
        assertEquals(10, h.offset("g", 0).orElseThrow().offset());
    }

    @Test
    void commitsWaitWhileARebalanceCompletes() {
        String a = stableMember();
        String b = h.newMember("g");
        h.join("g", b);
        // Preparing: a's generation-1 commit is still fine (it has not rejoined yet).
        assertEquals(List.of(ErrorCode.NONE), errors(h.commit("g", 1, a, "", 3).answer()));
        h.join("g", a);
        assertEquals(GroupState.COMPLETING_REBALANCE, h.state("g"));
        assertEquals(
                List.of(ErrorCode.REBALANCE_IN_PROGRESS),
                errors(h.commit("g", 2, a, "", 4).answer()));
    }

    @Test
    void metadataLargerThanTheLimitAndUnknownPartitionsAreRefusedAlone() {
        OffsetCommitResponse r = h.commit("g", -1, "", "x".repeat(21), 1).answer();
        assertEquals(List.of(ErrorCode.OFFSET_METADATA_TOO_LARGE), errors(r));
        assertTrue(r.getTopics(0).getPartitions(0).getErrorMessage().contains("offset.metadata.max.bytes=20"));
        long[] many = new long[11];
        Map<Integer, ErrorCode> e = new java.util.HashMap<>();
        h.commit("g", -1, "", "", many)
                .answer()
                .getTopics(0)
                .getPartitionsList()
                .forEach(p -> e.put(p.getIndex(), p.getError()));
        assertEquals(11, e.size());
        assertEquals(ErrorCode.NONE, e.get(0));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, e.get(10));
    }

    @Test
    void aCommitIsAnsweredOnlyOnceStoredAndAFailedWriteIsRetriable() {
        h.autoCompleteWrites = false;
        var c = h.commit("g", -1, "", "", 1);
        assertFalse(c.answered());
        assertTrue(h.offset("g", 0).isEmpty(), "not visible before it is stored");
        h.completeWrites(ErrorCode.REQUEST_TIMED_OUT);
        assertEquals(List.of(ErrorCode.COORDINATOR_NOT_AVAILABLE), errors(c.answer()));
        var d = h.commit("g", -1, "", "", 1);
        h.completeWrites(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertEquals(List.of(ErrorCode.NOT_COORDINATOR), errors(d.answer()));
    }

    @Test
    void fetchReturnsAllOrSomeAndMinusOneWhereNone() {
        h.commit("g", -1, "", "meta", 7, 8);
        OffsetFetchResponse all = h.shard
                .offsets()
                .fetch(OffsetFetchRequest.newBuilder().setGroupId("g").build());
        assertEquals(2, all.getTopics(0).getPartitionsCount());
        assertEquals("meta", all.getTopics(0).getPartitions(0).getMetadata());
        OffsetFetchResponse some = h.shard
                .offsets()
                .fetch(OffsetFetchRequest.newBuilder()
                        .setGroupId("g")
                        .addTopics(OffsetFetchTopic.newBuilder()
                                .setName("t")
                                .addPartitions(1)
                                .addPartitions(5))
                        .build());
        assertEquals(8, some.getTopics(0).getPartitions(0).getCommittedOffset());
        assertEquals(-1, some.getTopics(0).getPartitions(1).getCommittedOffset());
        OffsetFetchResponse none = h.shard
                .offsets()
                .fetch(OffsetFetchRequest.newBuilder().setGroupId("x").build());
        assertEquals(0, none.getTopicsCount());
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterRetentionAndTheGroupGoes() {
        String a = stableMember();
        h.commit("g", 1, a, "", 1);
        h.now += 120_000;
        h.run(fx -> h.shard.offsets().expire(h.now, fx));
        assertTrue(h.offset("g", 0).isPresent(), "a group with members keeps its offsets");
        h.shard.heartbeat(
                HeartbeatRequest.newBuilder()
                        .setGroupId("g")
                        .setMemberId(a)
                        .setGenerationId(1)
                        .build(),
                h.now);
        h.advance(1_000); // a's session ends: Empty from now
        assertEquals(GroupState.EMPTY, h.state("g"));
        h.now += 59_999;
        h.run(fx -> h.shard.offsets().expire(h.now, fx));
        assertTrue(h.offset("g", 0).isPresent());
        h.now += 1;
        int before = h.allWrites.size();
        h.run(fx -> h.shard.offsets().expire(h.now, fx));
        assertTrue(h.group("g").isEmpty());
        var records = h.allWrites.get(before).records();
        assertEquals(2, records.size());
        assertTrue(records.stream().allMatch(r -> r.value().isEmpty()), "tombstones");
    }

    private Harness.Call<DeletedGroupResult> deleteGroup(String id) {
        Harness.Call<DeletedGroupResult> c = new Harness.Call<>();
        h.run(fx -> h.shard.offsets().deleteGroup(id, c, h.now, fx));
        return c;
    }

    private Harness.Call<OffsetDeleteResponse> deleteOffsets(OffsetDeleteRequest req) {
        Harness.Call<OffsetDeleteResponse> c = new Harness.Call<>();
        h.run(fx -> h.shard.offsets().deleteOffsets(req, c, fx));
        return c;
    }

    @Test
    void aStableGroupsOffsetsOfTopicsNoMemberSubscribesToExpireAfterRetention() {
        String a = stableMember(); // subscribes to t
        h.commit("g", 1, a, "", 4);
        Harness.Call<OffsetCommitResponse> u = new Harness.Call<>();
        h.run(fx -> h.shard
                .offsets()
                .commit(
                        OffsetCommitRequest.newBuilder()
                                .setGroupId("g")
                                .setGenerationId(1)
                                .setMemberId(a)
                                .addTopics(OffsetCommitTopic.newBuilder()
                                        .setName("u")
                                        .addPartitions(OffsetCommitPartition.newBuilder()
                                                .setIndex(0)
                                                .setCommittedOffset(9)))
                                .build(),
                        tp -> true,
                        u,
                        h.now,
                        fx));
        assertEquals(ErrorCode.NONE, u.answer().getTopics(0).getPartitions(0).getError());
        TopicPartition u0 = new TopicPartition("u", 0);
        h.now += 59_999;
        h.run(fx -> h.shard.offsets().expire(h.now, fx));
        assertTrue(h.group("g").orElseThrow().offsets.containsKey(u0), "not before the retention");
        h.now += 1;
        int before = h.allWrites.size();
        h.run(fx -> h.shard.offsets().expire(h.now, fx));
        assertFalse(h.group("g").orElseThrow().offsets.containsKey(u0), "u is no member's topic");
        assertEquals(4, h.offset("g", 0).orElseThrow().offset(), "t is subscribed: kept");
        var records = h.allWrites.get(before).records();
        assertEquals(1, records.size());
        assertTrue(records.get(0).value().isEmpty(), "a tombstone");
        assertEquals(GroupState.STABLE, h.state("g"));
    }

    @Test
    void deleteGroupsRefusesGroupsWithMembers() {
        String a = stableMember();
        h.commit("g", 1, a, "", 1);
        assertEquals(ErrorCode.NON_EMPTY_GROUP, deleteGroup("g").answer().getError());
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, deleteGroup("nope").answer().getError());
        h.commit("e", -1, "", "", 1, 2);
        int before = h.allWrites.size();
        DeletedGroupResult deleted = deleteGroup("e").answer();
        assertEquals(ErrorCode.NONE, deleted.getError());
        assertEquals("e", deleted.getGroupId());
        assertEquals(3, h.allWrites.get(before).records().size());
        assertTrue(h.group("e").isEmpty());
    }

    @Test
    void aDeletedGroupIsAnsweredOnlyOnceItsTombstonesAreStoredAndIsDeadMeanwhile() {
        h.commit("e", -1, "", "", 1);
        h.autoCompleteWrites = false;
        Harness.Call<DeletedGroupResult> delete = deleteGroup("e");
        assertFalse(delete.answered(), "not before the tombstones are replicated");
        assertEquals(GroupState.DEAD, h.group("e").orElseThrow().state());
        assertEquals(
                List.of(ErrorCode.COORDINATOR_NOT_AVAILABLE),
                errors(h.commit("e", -1, "", "", 5).answer()),
                "no commit slips in between");
        assertEquals(
                ErrorCode.COORDINATOR_NOT_AVAILABLE, h.join("e", "").answer().getError());
        h.completeWrites(ErrorCode.NONE);
        assertEquals(ErrorCode.NONE, delete.answer().getError());
        assertTrue(h.group("e").isEmpty());
    }

    @Test
    void aDeleteWhoseTombstonesCouldNotBeStoredLeavesTheGroupEmptyForARetry() {
        h.commit("e", -1, "", "", 1);
        h.autoCompleteWrites = false;
        Harness.Call<DeletedGroupResult> delete = deleteGroup("e");
        h.completeWrites(ErrorCode.NOT_ENOUGH_REPLICAS);
        assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, delete.answer().getError());
        assertTrue(
                delete.answer().getErrorMessage().contains("retry"),
                delete.answer().getErrorMessage());
        assertEquals(GroupState.EMPTY, h.state("e"));
        assertEquals(1, h.offset("e", 0).orElseThrow().offset());
        h.autoCompleteWrites = true;
        assertEquals(ErrorCode.NONE, deleteGroup("e").answer().getError());
        assertTrue(h.group("e").isEmpty());
    }

    @Test
    void offsetDeleteKeepsTopicsAMemberSubscribesTo() {
        String a = stableMember();
        h.commit("g", 1, a, "", 1);
        OffsetDeleteRequest req = OffsetDeleteRequest.newBuilder()
                .setGroupId("g")
                .addTopics(OffsetDeleteTopic.newBuilder().setName("t").addPartitions(0))
                .addTopics(OffsetDeleteTopic.newBuilder().setName("u").addPartitions(0))
                .build();
        OffsetDeleteResponse r = deleteOffsets(req).answer();
        assertEquals(
                ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
                r.getTopics(0).getPartitions(0).getError());
        assertEquals(ErrorCode.NONE, r.getTopics(1).getPartitions(0).getError());
        assertTrue(h.offset("g", 0).isPresent());
        assertEquals(
                ErrorCode.GROUP_ID_NOT_FOUND,
                deleteOffsets(req.toBuilder().setGroupId("nope").build())
                        .answer()
                        .getError());
        h.commit("e", -1, "", "", 1);
        int before = h.allWrites.size();
        deleteOffsets(req.toBuilder().setGroupId("e").build()).answer();
        assertTrue(h.offset("e", 0).isEmpty());
        assertEquals(2, h.allWrites.get(before).records().size(), "a tombstone for each named partition");
    }

    @Test
    void anOffsetDeleteIsAnsweredOnceStoredAndAFailedOneGivesTheOffsetsBack() {
        h.commit("e", -1, "", "", 7, 8);
        OffsetDeleteRequest req = OffsetDeleteRequest.newBuilder()
                .setGroupId("e")
                .addTopics(OffsetDeleteTopic.newBuilder()
                        .setName("t")
                        .addPartitions(0)
                        .addPartitions(1))
                .build();
        h.autoCompleteWrites = false;
        Harness.Call<OffsetDeleteResponse> failed = deleteOffsets(req);
        assertFalse(failed.answered());
        h.completeWrites(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertEquals(ErrorCode.NOT_COORDINATOR, failed.answer().getError());
        assertEquals(7, h.offset("e", 0).orElseThrow().offset(), "the log still holds it, so the shard does too");
        Harness.Call<OffsetDeleteResponse> stored = deleteOffsets(req);
        h.commit("e", -1, "", "", 9); // lands after the tombstones, in the log and in the shard
        h.completeWrites(ErrorCode.NONE);
        assertEquals(ErrorCode.NONE, stored.answer().getError());
        assertEquals(9, h.offset("e", 0).orElseThrow().offset());
        assertTrue(h.offset("e", 1).isEmpty());
    }

    @Test
    void aNewShardLoadsWhatTheOldOneWrote() {
        String a = stableMember();
        h.commit("g", 1, a, "m", 4, 5);
        h.commit("gone", -1, "", "", 1);
        deleteGroup("gone");
        Harness loaded = new Harness(Harness.limits(0));
        for (Effects.Write w : h.allWrites) {
            for (Effects.StoredRecord r : w.records()) {
                byte[] value = r.value().map(v -> v.toByteArray()).orElse(null);
                loaded.shard.replay(GroupRecords.decode(r.key().toByteArray(), value));
            }
        }
        loaded.now = h.now + 50_000;
        loaded.shard.finishLoad(loaded.now);
        assertEquals(GroupState.STABLE, loaded.state("g"));
        assertEquals(1, loaded.group("g").orElseThrow().generation);
        assertEquals(4, loaded.offset("g", 0).orElseThrow().offset());
        assertTrue(loaded.group("gone").isEmpty());
        ErrorCode beat = loaded.shard
                .heartbeat(
                        HeartbeatRequest.newBuilder()
                                .setGroupId("g")
                                .setMemberId(a)
                                .setGenerationId(1)
                                .build(),
                        loaded.now + 999)
                .getError();
        assertEquals(ErrorCode.NONE, beat, "a fresh session from the load");
        assertEquals(
                "x", loaded.sync("g", a, 1, Map.of()).answer().getAssignment().toStringUtf8());
    }

    @Test
    void valuesOfANewerFormatAreRefusedNamingBothVersions() {
        byte[] key = GroupRecords.offsetKey("g", new dev.skiff.log.TopicPartition("t", 0))
                .toByteArray();
        byte[] value = OffsetCommitValue.newBuilder().setVersion(2).build().toByteArray();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GroupRecords.decode(key, value));
        assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("version 1"), e.getMessage());
        byte[] mkey = GroupRecords.metadataKey("g").toByteArray();
        byte[] mvalue = GroupMetadataValue.newBuilder().setVersion(9).build().toByteArray();
        assertThrows(IllegalArgumentException.class, () -> GroupRecords.decode(mkey, mvalue));
        assertEquals((("g".hashCode()) & 0x7fffffff) % 50, GroupRecords.partitionFor("g", 50));
        assertEquals(
                ErrorCode.COORDINATOR_NOT_AVAILABLE,
                Effects.coordinatorError(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND));
    }
}
