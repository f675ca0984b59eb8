package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static dev.skiff.metadata.Fixtures.incarnation;
import static dev.skiff.metadata.Fixtures.partition;
import static dev.skiff.metadata.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.PreferredLeaders.PartitionRef;
import dev.skiff.metadata.PreferredLeaders.Result;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreferredLeadersTest {
    private static final Uuid T = new Uuid(7, 7);
    private static final Uuid U = new Uuid(8, 8);

    private final ControllerDecisions decisions =
            new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(42));

    /** Brokers 1-3; topic t with the given partitions (index = list position). */
    private static MetadataImage withTopic(PartitionState... partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic("t", T, Map.of()));
        for (PartitionState p : partitions) {
            records.add(MetadataRecords.partition(T, p));
        }
        return applied(cluster(3), MetadataRecords.batch(records));
    }

    private static PartitionRef t(int partition) {
        return new PartitionRef("t", partition);
    }

    private Decision.Accepted<List<Result>> elect(MetadataImage image, PartitionRef... partitions) {
        return accepted(decisions.electPreferredLeaders(image, Optional.of(List.of(partitions))));
    }

    private MetadataImage rejoin(MetadataImage image, int partition, int broker) {
        PartitionState p = image.partition("t", partition).orElseThrow();
        List<Integer> isr = new ArrayList<>(p.isr());
        isr.add(broker);
        IsrChange change = new IsrChange(
                T,
                partition,
                p.leader(),
                p.leaderEpoch(),
                p.partitionEpoch(),
                isr,
                java.util.Map.of(broker, image.broker(broker).orElseThrow().incarnationId()));
        return applied(image, accepted(decisions.alterPartition(image, change)).batch());
    }

    @Test
    void leadershipGoesBackToThePreferredReplicaOnceItIsUnfencedAndInTheIsr() {
        MetadataImage image = withTopic(partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 1));
        image = applied(image, accepted(decisions.fenceBroker(image, 1)).batch());
        assertEquals(2, image.partition("t", 0).orElseThrow().leader());

        Result fenced = elect(image, t(0)).value().get(0);
        assertEquals(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, fenced.error());
        assertTrue(fenced.message().contains("broker 1 is fenced"), fenced.message());

        image = applied(
                image,
                accepted(decisions.unfenceBroker(image, 1, incarnation(1))).batch());
        Result outOfIsr = elect(image, t(0)).value().get(0);
        assertEquals(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, outOfIsr.error());
        assertTrue(outOfIsr.message().contains("not in the ISR [2, 3]"), outOfIsr.message());
        assertTrue(elect(image, t(0)).changesNothing());

        image = rejoin(image, 0, 1);
        PartitionState before = image.partition("t", 0).orElseThrow();
        Decision.Accepted<List<Result>> elected = elect(image, t(0));
        assertEquals(List.of(new Result(t(0), ErrorCode.NONE, "")), elected.value());
        PartitionState after = applied(image, elected.batch()).partition("t", 0).orElseThrow();
        assertEquals(1, after.leader());
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch());
        assertEquals(before.partitionEpoch() + 1, after.partitionEpoch());
        assertEquals(before.isr(), after.isr());
        assertEquals(before.replicas(), after.replicas());
    }

    @Test
    void aPartitionLedByItsPreferredReplicaNeedsNoElection() {
        MetadataImage image = withTopic(partition(0, List.of(2, 1), List.of(2, 1), 2));

        Decision.Accepted<List<Result>> d = elect(image, t(0));

        assertTrue(d.changesNothing());
        assertEquals(ErrorCode.ELECTION_NOT_NEEDED, d.value().get(0).error());
        assertTrue(d.value().get(0).message().contains("preferred replica 2 already leads"));
    }

    @Test
    void aLeaderlessPartitionGetsItsPreferredReplicaIfItMayLead() {
        MetadataImage image = withTopic(partition(0, List.of(3, 1), List.of(3, 1), PartitionState.NO_LEADER));

        Decision.Accepted<List<Result>> d = elect(image, t(0));

        assertEquals(ErrorCode.NONE, d.value().get(0).error());
        assertEquals(
                3, applied(image, d.batch()).partition("t", 0).orElseThrow().leader());
    }

    @Test
    void anUnregisteredPreferredReplicaCannotLead() {
        MetadataImage image = withTopic(partition(0, List.of(1, 2), List.of(1, 2), 2));
        image = applied(image, accepted(decisions.unregisterBroker(image, 1)).batch());

        Result r = elect(image, t(0)).value().get(0);

        assertEquals(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, r.error());
        assertTrue(r.message().contains("broker 1 is not registered"), r.message());
    }

    @Test
    void unknownTopicsAndPartitionsAreAnsweredPerPartitionInRequestOrderAndOnce() {
        MetadataImage image =
                withTopic(partition(0, List.of(1, 2), List.of(1, 2), 2), partition(1, List.of(2, 1), List.of(2, 1), 2));

        Decision.Accepted<List<Result>> d = elect(image, t(5), new PartitionRef("nope", 0), t(0), t(5), t(1));

        assertEquals(List.of(t(5), new PartitionRef("nope", 0), t(0), t(1)), refs(d.value()));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, d.value().get(0).error());
        assertTrue(d.value().get(0).message().contains("has no partition 5 (it has 2)"));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, d.value().get(1).error());
        assertEquals("Topic 'nope' does not exist.", d.value().get(1).message());
        assertEquals(ErrorCode.NONE, d.value().get(2).error());
        assertEquals(ErrorCode.ELECTION_NOT_NEEDED, d.value().get(3).error());
        assertEquals(1, d.batch().getRecordsCount());
    }

    @Test
    void allPartitionsLeavesOutThoseAlreadyLedByTheirPreferredReplica() {
        MetadataImage image = withTopic(
                partition(0, List.of(1, 2), List.of(1, 2), 2),
                partition(1, List.of(2, 1), List.of(2, 1), 2),
                partition(2, List.of(3, 1), List.of(1), 1));
        image = applied(
                image,
                MetadataRecords.topic("u", U, Map.of()),
                MetadataRecords.partition(U, partition(0, List.of(3, 2), List.of(2, 3), 2)));

        Decision.Accepted<List<Result>> d = accepted(decisions.electPreferredLeaders(image, Optional.empty()));

        assertEquals(List.of(t(0), t(2), new PartitionRef("u", 0)), refs(d.value()));
        assertEquals(
                List.of(ErrorCode.NONE, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, ErrorCode.NONE),
                d.value().stream().map(Result::error).toList());
        MetadataImage after = applied(image, d.batch());
        assertEquals(1, after.partition("t", 0).orElseThrow().leader());
        assertEquals(3, after.partition("u", 0).orElseThrow().leader());
        assertEquals(List.of(), PreferredLeaders.imbalanced(after, 100));
    }

    @Test
    void theRebalanceMovesEveryPartitionWhosePreferredReplicaMayLeadUpToTheLimit() {
        MetadataImage image = withTopic(
                partition(0, List.of(1, 2), List.of(1, 2), 2),
                partition(1, List.of(2, 1), List.of(2, 1), 2),
                partition(2, List.of(3, 1), List.of(1), 1),
                partition(3, List.of(3, 1), List.of(1, 3), 1),
                partition(4, List.of(1, 3), List.of(1, 3), PartitionState.NO_LEADER));

        assertEquals(List.of(t(0), t(3), t(4)), PreferredLeaders.imbalanced(image, 100));
        assertEquals(List.of(t(0), t(3)), PreferredLeaders.imbalanced(image, 2));
        assertEquals(List.of(), PreferredLeaders.imbalanced(image, 0));

        MetadataImage fenced3 = applied(image, MetadataRecords.fenceBroker(3, incarnation(3)));
        assertEquals(List.of(t(0), t(4)), PreferredLeaders.imbalanced(fenced3, 100));
    }

    @Test
    void aDecisionOvertakenByAnotherChangeOfThePartitionIsRejected() {
        MetadataImage image = withTopic(partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 2));
        Decision.Accepted<List<Result>> d = elect(image, t(0));

        MetadataImage moved = rejoinLess(image);
        ApplyResult.Rejected stale = assertInstanceOf(ApplyResult.Rejected.class, moved.apply(d.batch()));

        assertEquals(ErrorCode.INVALID_UPDATE_VERSION, stale.error());
    }

    /** The leader shrinks the ISR to itself and 1: the partition epoch moves on. */
    private MetadataImage rejoinLess(MetadataImage image) {
        PartitionState p = image.partition("t", 0).orElseThrow();
        IsrChange shrink = new IsrChange(T, 0, p.leader(), p.leaderEpoch(), p.partitionEpoch(), List.of(1, 2));
        return applied(image, accepted(decisions.alterPartition(image, shrink)).batch());
    }

    @Test
    void tooManyPartitionsInOneRequestAreRefused() {
        MetadataImage image = withTopic(partition(0, List.of(1), List.of(1), 1));
        List<PartitionRef> many = new ArrayList<>();
        for (int i = 0; i <= PreferredLeaders.ELECTIONS_MAX; i++) {
            many.add(t(i));
        }

        Decision.Refused<List<Result>> r = refused(decisions.electPreferredLeaders(image, Optional.of(many)));

        assertEquals(ErrorCode.INVALID_REQUEST, r.error());
        assertTrue(r.message().contains("over the limit of " + PreferredLeaders.ELECTIONS_MAX), r.message());
    }

    private static List<PartitionRef> refs(List<Result> results) {
        return results.stream().map(Result::partition).toList();
    }
}
