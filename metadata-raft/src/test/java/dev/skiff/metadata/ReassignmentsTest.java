package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static dev.skiff.metadata.Fixtures.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.PreferredLeaders.PartitionRef;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReassignmentsTest {
    private static final Uuid T = new Uuid(7, 7);

    private final ControllerDecisions decisions =
            new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(42));

    /** Brokers 1-6; topic t with one partition on {@code replicas}, all in sync, led by the first. */
    private static MetadataImage withPartition(List<Integer> replicas) {
        return applied(
                cluster(6),
                MetadataRecords.batch(List.of(
                        MetadataRecords.topic("t", T, Map.of()),
                        MetadataRecords.partition(T, partition(0, replicas, replicas, replicas.get(0))))));
    }

    private static Reassignments.Request move(List<Integer> target) {
        return new Reassignments.Request(new PartitionRef("t", 0), Optional.of(target));
    }

    private static Reassignments.Request cancel() {
        return new Reassignments.Request(new PartitionRef("t", 0), Optional.empty());
    }

    private Reassignments.Result alter(MetadataImage[] image, Reassignments.Request request) {
        Decision.Accepted<List<Reassignments.Result>> d =
                accepted(decisions.alterReassignments(image[0], List.of(request)));
        if (!d.changesNothing()) {
            image[0] = applied(image[0], d.batch());
        }
        return d.value().get(0);
    }

    private static PartitionState p(MetadataImage image) {
        return image.partition("t", 0).orElseThrow();
    }

    /** The leader adds {@code joining} to the ISR, as it does once they have caught up. */
    private MetadataImage join(MetadataImage image, List<Integer> joining) {
        PartitionState p = p(image);
        List<Integer> isr = new ArrayList<>(p.isr());
        isr.addAll(joining);
        IsrChange change = new IsrChange(
                T, 0, p.leader(), p.leaderEpoch(), p.partitionEpoch(), isr, Fixtures.incarnations(image, joining));
        return applied(image, accepted(decisions.alterPartition(image, change)).batch());
    }

    @Test
    void aMoveAddsTheNewReplicasFirstAndCompletesWhenTheyAreAllInSyncMovingTheLeader() {
        MetadataImage[] image = {withPartition(List.of(1, 2, 3))};
        assertTrue(alter(image, move(List.of(4, 5, 6))).accepted());
        PartitionState moving = p(image[0]);
        assertEquals(List.of(4, 5, 6, 1, 2, 3), moving.replicas());
        assertEquals(List.of(4, 5, 6), moving.addingReplicas());
        assertEquals(List.of(1, 2, 3), moving.removingReplicas());
        assertEquals(List.of(1, 2, 3), moving.isr(), "the old replicas stay in sync meanwhile");
        assertEquals(1, moving.leader());

        image[0] = join(image[0], List.of(4, 5));
        assertTrue(p(image[0]).isReassigning(), "not every target replica is in sync yet");
        assertEquals(List.of(1, 2, 3, 4, 5), p(image[0]).isr());

        image[0] = join(image[0], List.of(6));
        PartitionState done = p(image[0]);
        assertFalse(done.isReassigning());
        assertEquals(List.of(4, 5, 6), done.replicas());
        assertEquals(List.of(4, 5, 6), done.isr());
        assertEquals(4, done.leader(), "the leader was leaving: the first target replica leads");
        assertEquals(moving.leaderEpoch() + 1, done.leaderEpoch());
    }

    @Test
    void loweringTheReplicationFactorCompletesAtOnceAndRaisingItWaitsForTheNewReplica() {
        MetadataImage[] image = {withPartition(List.of(1, 2, 3))};
        assertTrue(alter(image, move(List.of(1, 2))).accepted());
        assertEquals(List.of(1, 2), p(image[0]).replicas());
        assertEquals(List.of(1, 2), p(image[0]).isr());
        assertFalse(p(image[0]).isReassigning());

        image[0] = withPartition(List.of(1));
        assertTrue(alter(image, move(List.of(1, 2, 3))).accepted());
        assertEquals(List.of(2, 3), p(image[0]).addingReplicas());
        assertEquals(List.of(), p(image[0]).removingReplicas());
        image[0] = join(image[0], List.of(2, 3));
        assertFalse(p(image[0]).isReassigning());
        assertEquals(List.of(1, 2, 3), p(image[0]).replicas());
        assertEquals(1, p(image[0]).leader());
    }

    @Test
    void aCancelPutsTheOriginalReplicasBackAndDropsTheAddingOnesEvenInSync() {
        MetadataImage[] image = {withPartition(List.of(1, 2, 3))};
        alter(image, move(List.of(4, 5, 6)));
        image[0] = join(image[0], List.of(4));
        assertTrue(alter(image, cancel()).accepted());
        PartitionState back = p(image[0]);
        assertFalse(back.isReassigning());
        assertEquals(List.of(1, 2, 3), back.replicas());
        assertEquals(List.of(1, 2, 3), back.isr());

        Reassignments.Result none = alter(image, cancel());
        assertEquals(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, none.error());
        assertTrue(none.message().contains("no ongoing reassignment for partition t-0"), none.message());
    }

    @Test
    void aNewTargetReplacesTheMoveUnderWayFromTheOriginalReplicas() {
        MetadataImage[] image = {withPartition(List.of(1, 2, 3))};
        alter(image, move(List.of(4, 5, 6)));
        assertTrue(alter(image, move(List.of(1, 2, 4))).accepted());
        PartitionState moving = p(image[0]);
        assertEquals(List.of(1, 2, 4, 3), moving.replicas());
        assertEquals(List.of(4), moving.addingReplicas());
        assertEquals(List.of(3), moving.removingReplicas());
    }

    @Test
    void badTargetsAreRefusedPerPartitionNamingTheProblem() {
        MetadataImage image = withPartition(List.of(1, 2, 3));
        Decision.Accepted<List<Reassignments.Result>> d = accepted(decisions.alterReassignments(
                image,
                List.of(
                        move(List.of(1, 1, 2)),
                        new Reassignments.Request(new PartitionRef("t", 5), Optional.of(List.of(1))),
                        new Reassignments.Request(new PartitionRef("nope", 0), Optional.of(List.of(1))),
                        new Reassignments.Request(new PartitionRef("t", 0), Optional.of(List.of(1, 9))))));
        assertTrue(d.changesNothing());
        List<Reassignments.Result> r = d.value();
        assertEquals(3, r.size(), "one result per partition, the later request for t-0 replacing the earlier");
        assertEquals(ErrorCode.INVALID_REPLICA_ASSIGNMENT, r.get(0).error());
        assertTrue(
                r.get(0).message().contains("broker(s) [9] are not registered"),
                r.get(0).message());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, r.get(1).error());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, r.get(2).error());
        Reassignments.Result twice = accepted(decisions.alterReassignments(image, List.of(move(List.of(1, 1)))))
                .value()
                .get(0);
        assertTrue(twice.message().contains("names a broker twice"), twice.message());
    }

    @Test
    void theSweepCompletesAMoveWhoseTargetIsInSyncAndRecordsCarryVersion2() throws Exception {
        MetadataImage[] image = {withPartition(List.of(1, 2, 3))};
        alter(image, move(List.of(2, 3, 4)));
        MetadataBatch sweepBefore =
                accepted(decisions.completeReassignments(image[0])).batch();
        assertEquals(0, sweepBefore.getRecordsCount(), "4 is not in sync yet");
        image[0] = join(image[0], List.of(4));
        assertFalse(p(image[0]).isReassigning(), "the ISR change completed it");
        assertEquals(2, p(image[0]).leader());

        MetadataImage plain = withPartition(List.of(1, 2, 3));
        Decision.Accepted<List<Reassignments.Result>> start =
                accepted(decisions.alterReassignments(plain, List.of(move(List.of(4, 5, 6)))));
        MetadataRecord record = start.batch().getRecords(0);
        assertEquals(MetadataVersions.REASSIGNMENT_RECORD_VERSION, record.getVersion());
        MetadataImage moving = applied(plain, start.batch());
        assertEquals(
                MetadataVersions.SNAPSHOT_FORMAT_VERSION,
                MetadataSnapshots.encode(moving, 1, 1).getFormatVersion());
        assertEquals(moving, MetadataSnapshots.restore(MetadataSnapshots.encode(moving, 1, 1)));
        assertEquals(
                MetadataVersions.BASE_SNAPSHOT_FORMAT_VERSION,
                MetadataSnapshots.encode(plain, 1, 1).getFormatVersion());
    }
}
