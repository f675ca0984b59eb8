package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static dev.skiff.metadata.Fixtures.incarnation;
import static dev.skiff.metadata.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControllerDecisionsTest {
    private final ControllerDecisions decisions =
            new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(42));

    private MetadataImage create(MetadataImage image, String name, int partitions, int replicationFactor) {
        return applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic(name, partitions, replicationFactor)))
                        .batch());
    }

    @Test
    void aTopicIsCreatedWithEveryPartitionLedByItsPreferredLeader() {
        Decision.Accepted<CreatedTopic> accepted =
                accepted(decisions.createTopic(cluster(3), new NewTopic("orders", 6, 3, Map.of("retention.ms", "5"))));
        MetadataImage image = applied(cluster(3), accepted.batch());

        TopicImage topic = image.topic("orders").orElseThrow();
        assertEquals(new CreatedTopic("orders", topic.id(), 6, 3), accepted.value());
        assertEquals(Map.of("retention.ms", "5"), topic.configs());
        for (PartitionState p : topic.partitions()) {
            assertEquals(3, new HashSet<>(p.replicas()).size());
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.preferredLeader(), p.leader());
            assertEquals(0, p.leaderEpoch());
        }
        int[] leaders = new int[4];
        topic.partitions().forEach(p -> leaders[p.leader()]++);
        assertEquals(List.of(2, 2, 2), List.of(leaders[1], leaders[2], leaders[3]));
    }

    @Test
    void defaultsComeFromTheSettings() {
        ControllerDecisions withDefaults = new ControllerDecisions(
                new ControllerSettings(4, 2, 100, false), ConfigValidator.ACCEPT_ALL, new Random(1));

        CreatedTopic created = accepted(withDefaults.createTopic(cluster(3), new NewTopic("t", -1, -1)))
                .value();

        assertEquals(4, created.partitions());
        assertEquals(2, created.replicationFactor());
    }

    @Test
    void aReplicationFactorAboveTheUnfencedBrokersIsRefusedWithTheFix() {
        MetadataImage image = applied(cluster(3), MetadataRecords.fenceBroker(3, incarnation(3)));

        Decision.Refused<CreatedTopic> refused = refused(decisions.createTopic(image, new NewTopic("t", 1, 3)));

        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, refused.error());
        assertTrue(refused.message().contains("only 2 broker(s) are registered and unfenced"), refused.message());
        assertTrue(refused.message().contains("at most 2"), refused.message());
    }

    @Test
    void badCountsNamesAndConfigsAreRefused() {
        MetadataImage image = create(cluster(1), "a.b", 1, 1);
        assertEquals(
                ErrorCode.INVALID_PARTITIONS,
                refused(decisions.createTopic(image, new NewTopic("t", 0, 1))).error());
        assertEquals(
                ErrorCode.INVALID_REPLICATION_FACTOR,
                refused(decisions.createTopic(image, new NewTopic("t", 1, 0))).error());
        assertEquals(
                ErrorCode.INVALID_TOPIC_EXCEPTION,
                refused(decisions.createTopic(image, new NewTopic("..", 1, 1))).error());
        assertEquals(
                ErrorCode.TOPIC_ALREADY_EXISTS,
                refused(decisions.createTopic(image, new NewTopic("a.b", 1, 1))).error());
        Decision.Refused<CreatedTopic> collision = refused(decisions.createTopic(image, new NewTopic("a_b", 1, 1)));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, collision.error());
        assertTrue(collision.message().contains("collides with existing topic: a.b"), collision.message());

        ControllerDecisions strict = new ControllerDecisions(
                ControllerSettings.DEFAULTS,
                (resource, configs) ->
                        configs.containsKey("bogus") ? Optional.of("unknown key bogus") : Optional.empty(),
                new Random(1));
        Decision.Refused<CreatedTopic> badConfig =
                refused(strict.createTopic(image, new NewTopic("t", 1, 1, Map.of("bogus", "1"))));
        assertEquals(ErrorCode.INVALID_CONFIG, badConfig.error());
        assertTrue(badConfig.message().contains("unknown key bogus"), badConfig.message());
    }

    @Test
    void severalTopicsInOneRequestSeeEachOther() {
        List<Decision<CreatedTopic>> results = decisions.createTopics(
                cluster(2), List.of(new NewTopic("x", 1, 1), new NewTopic("x", 1, 1), new NewTopic("y", 1, 2)));

        assertTrue(results.get(0).isAccepted());
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, refused(results.get(1)).error());
        assertTrue(results.get(2).isAccepted());
    }

    @Test
    void replicasSpreadOverRacks() {
        List<MetadataRecord> records = new ArrayList<>();
        String[] racks = {"a", "a", "b", "b", "c", "c"};
        for (int id = 1; id <= 6; id++) {
            records.add(Fixtures.register(id, racks[id - 1]));
            records.add(Fixtures.unfence(id));
        }
        MetadataImage image = create(applied(MetadataImage.EMPTY, MetadataRecords.batch(records)), "t", 12, 3);

        for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
            Set<String> used = new HashSet<>();
            p.replicas().forEach(r -> used.add(racks[r - 1]));
            assertEquals(3, used.size(), () -> "partition " + p + " does not span three racks");
        }
    }

    @Test
    void aNewTopicSpreadsOverEveryUnfencedBrokerEvenIfSomeAlreadyCarryMore() {
        MetadataImage image = create(create(cluster(2), "old1", 6, 2), "old2", 6, 1);
        image = applied(image, Fixtures.register(3), Fixtures.unfence(3));

        MetadataImage after = create(image, "new", 6, 2);

        int[] replicas = new int[4];
        int[] leaders = new int[4];
        for (PartitionState p : after.topic("new").orElseThrow().partitions()) {
            p.replicas().forEach(r -> replicas[r]++);
            leaders[p.leader()]++;
        }
        assertEquals(List.of(4, 4, 4), List.of(replicas[1], replicas[2], replicas[3]));
        assertEquals(List.of(2, 2, 2), List.of(leaders[1], leaders[2], leaders[3]));
    }

    @Test
    void aPlacementDecidedBeforeABrokerWasFencedIsRejectedAfterItAndPlacedAgainOffThatBroker() {
        MetadataImage image = cluster(3);
        Decision.Accepted<CreatedTopic> early = accepted(decisions.createTopic(image, new NewTopic("t", 3, 3)));
        MetadataImage fenced = applied(image, MetadataRecords.fenceBroker(3, incarnation(3)));

        // Committed after the fencing, the early placement would leave partitions led by broker 3
        // with nothing left to elect a new leader for them.
        ApplyResult.Rejected stale = assertInstanceOf(ApplyResult.Rejected.class, fenced.apply(early.batch()));
        assertEquals(ErrorCode.BROKER_NOT_AVAILABLE, stale.error());
        assertTrue(stale.message().contains("fenced broker 3 in its ISR"), stale.message());

        MetadataImage placedAgain = create(fenced, "t", 3, 2);
        for (PartitionState p : placedAgain.topic("t").orElseThrow().partitions()) {
            assertFalse(p.replicas().contains(3), p::toString);
        }
    }

    @Test
    void followersSpreadOverManyPartners() {
        MetadataImage image = create(cluster(4), "t", 4, 2);

        Set<Set<Integer>> replicaSets = new HashSet<>();
        image.topic("t").orElseThrow().partitions().forEach(p -> replicaSets.add(Set.copyOf(p.replicas())));

        assertEquals(4, replicaSets.size(), replicaSets::toString);
    }

    @Test
    void addedPartitionsEvenOutTheTopicOverTheBrokersUnfencedSince() {
        MetadataImage image = applied(cluster(3), MetadataRecords.fenceBroker(3, incarnation(3)));
        image = create(image, "t", 2, 1);
        image = applied(image, Fixtures.unfence(3));

        MetadataImage grown = applied(
                image, accepted(decisions.createPartitions(image, "t", 3)).batch());

        assertEquals(List.of(3), grown.partition("t", 2).orElseThrow().replicas());
    }

    @Test
    void partitionsOnlyGrow() {
        MetadataImage image = create(cluster(3), "t", 2, 2);

        Decision.Refused<Integer> shrink = refused(decisions.createPartitions(image, "t", 2));
        assertEquals(ErrorCode.INVALID_PARTITIONS, shrink.error());

        MetadataImage grown = applied(
                image, accepted(decisions.createPartitions(image, "t", 5)).batch());
        assertEquals(5, grown.topic("t").orElseThrow().partitionCount());
        assertEquals(2, grown.partition("t", 4).orElseThrow().replicas().size());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                refused(decisions.createPartitions(image, "nope", 3)).error());
    }

    @Test
    void deleteRemovesTheTopic() {
        MetadataImage image = create(cluster(1), "t", 1, 1);
        Uuid id = image.topic("t").orElseThrow().id();

        Decision.Accepted<Uuid> deleted = accepted(decisions.deleteTopic(image, "t"));

        assertEquals(id, deleted.value());
        assertTrue(applied(image, deleted.batch()).topic("t").isEmpty());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                refused(decisions.deleteTopic(image, "t2")).error());
    }

    @Test
    void alterConfigsSetsAndDeletesKeysAndSkipsNoOps() {
        MetadataImage image = create(cluster(1), "t", 1, 1);
        ConfigResource topic = ConfigResource.topic("t");

        Decision.Accepted<Map<String, String>> set = accepted(decisions.alterConfigs(
                image, topic, List.of(ConfigOp.set("retention.ms", "1"), ConfigOp.set("segment.bytes", "2000"))));
        MetadataImage after = applied(image, set.batch());
        assertEquals(Map.of("retention.ms", "1", "segment.bytes", "2000"), after.configs(topic));

        Decision.Accepted<Map<String, String>> mixed = accepted(decisions.alterConfigs(
                after, topic, List.of(ConfigOp.set("retention.ms", "1"), ConfigOp.delete("segment.bytes"))));
        assertEquals(1, mixed.batch().getRecordsCount());
        assertEquals(Map.of("retention.ms", "1"), mixed.value());

        assertTrue(accepted(decisions.alterConfigs(after, topic, List.of(ConfigOp.delete("absent"))))
                .changesNothing());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                refused(decisions.alterConfigs(after, topic, List.of(ConfigOp.set("a", "1"), ConfigOp.delete("a"))))
                        .error());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                refused(decisions.alterConfigs(after, ConfigResource.topic("x"), List.of(ConfigOp.set("a", "1"))))
                        .error());
    }

    @Test
    void fencingMovesLeadershipToALiveIsrMemberAndKeepsTheLastMember() {
        MetadataImage image = create(create(cluster(3), "rf3", 3, 3), "rf1", 3, 1);

        MetadataImage fenced =
                applied(image, accepted(decisions.fenceBroker(image, 1)).batch());

        assertTrue(fenced.broker(1).orElseThrow().fenced());
        for (PartitionState p : fenced.topic("rf3").orElseThrow().partitions()) {
            assertFalse(p.isr().contains(1), p::toString);
            assertTrue(p.hasLeader());
            assertTrue(p.leader() != 1);
        }
        for (PartitionState p : fenced.topic("rf1").orElseThrow().partitions()) {
            if (p.replicas().equals(List.of(1))) {
                assertEquals(List.of(1), p.isr());
                assertEquals(PartitionState.NO_LEADER, p.leader());
                assertEquals(1, p.leaderEpoch());
            }
        }

        MetadataImage back = applied(
                fenced,
                accepted(decisions.unfenceBroker(fenced, 1, incarnation(1))).batch());
        for (PartitionState p : back.topic("rf1").orElseThrow().partitions()) {
            assertTrue(p.hasLeader(), p::toString);
        }
    }

    @Test
    void uncleanElectionPicksALiveReplicaOutsideTheIsrOnlyWhenAllowed() {
        MetadataImage image = create(cluster(2), "t", 1, 2);
        PartitionState p = image.partition("t", 0).orElseThrow();
        int leader = p.leader();
        int follower = p.replicas().get(1);
        Uuid id = image.topic("t").orElseThrow().id();
        var shrink = MetadataRecords.partitionChangeOf(id, 0, 0).setIsr(MetadataRecords.brokerIds(List.of(leader)));
        image = applied(image, MetadataRecords.partitionChange(shrink));

        PartitionState clean = applied(
                        image, accepted(decisions.fenceBroker(image, leader)).batch())
                .partition("t", 0)
                .orElseThrow();
        assertEquals(PartitionState.NO_LEADER, clean.leader());

        ControllerDecisions unclean = new ControllerDecisions(
                new ControllerSettings(1, 1, 100, true), ConfigValidator.ACCEPT_ALL, new Random(1));
        PartitionState dirty = applied(
                        image, accepted(unclean.fenceBroker(image, leader)).batch())
                .partition("t", 0)
                .orElseThrow();
        assertEquals(follower, dirty.leader());
        assertEquals(List.of(follower), dirty.isr());

        // The dynamic default of every broker allows it too, and a topic's own config wins over it.
        MetadataImage allowed = applied(
                image,
                MetadataRecords.setConfig(
                        ConfigResource.brokerDefault(), ControllerSettings.UNCLEAN_LEADER_ELECTION, "true"));
        assertEquals(
                follower,
                applied(
                                allowed,
                                accepted(decisions.fenceBroker(allowed, leader)).batch())
                        .partition("t", 0)
                        .orElseThrow()
                        .leader());
        MetadataImage topicSaysNo = applied(
                allowed,
                MetadataRecords.setConfig(
                        ConfigResource.topic("t"), ControllerSettings.UNCLEAN_LEADER_ELECTION, "false"));
        assertEquals(
                PartitionState.NO_LEADER,
                applied(
                                topicSaysNo,
                                accepted(decisions.fenceBroker(topicSaysNo, leader))
                                        .batch())
                        .partition("t", 0)
                        .orElseThrow()
                        .leader());
    }

    @Test
    void aRestartedBrokerLosesItsLeadershipsWhenItRegistersAgain() {
        MetadataImage image = create(cluster(2), "t", 2, 2);

        Decision.Accepted<BrokerRegistration> again =
                accepted(decisions.registerBroker(image, 1, new Uuid(5, 5), Fixtures.endpoints(1), Optional.empty()));
        MetadataImage after = applied(image, again.batch());

        assertTrue(again.value().fenced());
        after.topic("t").orElseThrow().partitions().forEach(p -> assertEquals(2, p.leader()));
        assertTrue(accepted(decisions.registerBroker(image, 1, incarnation(1), Fixtures.endpoints(1), Optional.empty()))
                .changesNothing());
    }

    private MetadataImage registerWithNewStorage(MetadataImage image, ControllerDecisions with, int nodeId) {
        Decision.Accepted<BrokerRegistration> registered = accepted(with.registerBroker(
                image, nodeId, new Uuid(7, nodeId), Fixtures.endpoints(nodeId), Optional.empty(), true));
        MetadataRecord last = registered.batch().getRecords(registered.batch().getRecordsCount() - 1);
        assertTrue(last.getRegisterBroker().getStorageIsNew(), last::toString);
        assertTrue(registered.value().fenced());
        return applied(image, registered.batch());
    }

    private static MetadataImage unfenced(MetadataImage image, ControllerDecisions with, int nodeId) {
        Uuid incarnation = image.broker(nodeId).orElseThrow().incarnationId();
        return applied(
                image, accepted(with.unfenceBroker(image, nodeId, incarnation)).batch());
    }

    @Test
    void aBrokerBackWithNewStorageLeavesEveryIsrEvenAsItsLastMemberAndLeadsNoneOfThem() {
        MetadataImage image = create(create(cluster(3), "rf3", 3, 3), "rf1", 3, 1);
        image = applied(image, accepted(decisions.fenceBroker(image, 1)).batch());
        PartitionState waiting = image.topic("rf1").orElseThrow().partitions().stream()
                .filter(p -> p.replicas().equals(List.of(1)))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(1), waiting.isr());

        MetadataImage back = registerWithNewStorage(image, decisions, 1);

        for (TopicImage topic : back.topics()) {
            for (PartitionState p : topic.partitions()) {
                assertFalse(p.isr().contains(1), p::toString);
                assertTrue(p.leader() != 1, p::toString);
            }
        }
        PartitionState lost = back.partition("rf1", waiting.index()).orElseThrow();
        assertEquals(List.of(), lost.isr());
        assertEquals(PartitionState.NO_LEADER, lost.leader());
        assertEquals(waiting.leaderEpoch(), lost.leaderEpoch());
        assertEquals(waiting.partitionEpoch() + 1, lost.partitionEpoch());
        assertEquals(List.of(), ImageInvariants.violations(back));

        MetadataImage unfenced = unfenced(back, decisions, 1);
        assertEquals(lost, unfenced.partition("rf1", waiting.index()).orElseThrow());
        assertEquals(back.topic("rf3"), unfenced.topic("rf3"));
    }

    @Test
    void aLeaderBackWithNewStorageLosesItsLeadershipsAndItsSoleIsrPartitionsGoLeaderless() {
        MetadataImage image = create(create(cluster(2), "rf2", 2, 2), "rf1", 2, 1);
        PartitionState sole = image.topic("rf1").orElseThrow().partitions().stream()
                .filter(p -> p.leader() == 1)
                .findFirst()
                .orElseThrow();

        MetadataImage back = registerWithNewStorage(image, decisions, 1);

        back.topic("rf2").orElseThrow().partitions().forEach(p -> {
            assertEquals(2, p.leader(), p::toString);
            assertEquals(List.of(2), p.isr(), p::toString);
        });
        PartitionState lost = back.partition("rf1", sole.index()).orElseThrow();
        assertEquals(List.of(), lost.isr());
        assertEquals(PartitionState.NO_LEADER, lost.leader());
        assertEquals(sole.leaderEpoch() + 1, lost.leaderEpoch());
        assertEquals(
                ErrorCode.NOT_LEADER_OR_FOLLOWER,
                refused(decisions.alterPartition(
                                back,
                                new IsrChange(
                                        back.topic("rf1").orElseThrow().id(),
                                        sole.index(),
                                        PartitionState.NO_LEADER,
                                        lost.leaderEpoch(),
                                        lost.partitionEpoch(),
                                        List.of(1))))
                        .error());
    }

    @Test
    void withUncleanElectionALiveReplicaLeadsAPartitionWhoseIsrLostItsStorage() {
        MetadataImage image = create(cluster(2), "t", 1, 2);
        image = applied(
                image,
                accepted(decisions.alterConfigs(
                                image,
                                ConfigResource.topic("t"),
                                List.of(ConfigOp.set(ControllerSettings.UNCLEAN_LEADER_ELECTION, "true"))))
                        .batch());
        PartitionState p = image.partition("t", 0).orElseThrow();
        int leader = p.leader();
        int follower = p.replicas().get(1);
        var shrink = MetadataRecords.partitionChangeOf(
                        image.topic("t").orElseThrow().id(), 0, 0)
                .setIsr(MetadataRecords.brokerIds(List.of(leader)));
        image = applied(image, MetadataRecords.partitionChange(shrink));

        PartitionState dirty = registerWithNewStorage(image, decisions, leader)
                .partition("t", 0)
                .orElseThrow();

        assertEquals(follower, dirty.leader());
        assertEquals(List.of(follower), dirty.isr());
    }

    @Test
    void withUncleanElectionTheBrokerItselfMayLeadOnceUnfencedButNotWithout() {
        MetadataImage image = create(cluster(1), "clean", 1, 1);
        image = create(image, "unclean", 1, 1);
        image = applied(
                image,
                MetadataRecords.setConfig(
                        ConfigResource.topic("unclean"), ControllerSettings.UNCLEAN_LEADER_ELECTION, "true"));

        MetadataImage back = unfenced(registerWithNewStorage(image, decisions, 1), decisions, 1);

        PartitionState clean = back.partition("clean", 0).orElseThrow();
        assertEquals(PartitionState.NO_LEADER, clean.leader());
        assertEquals(List.of(), clean.isr());
        PartitionState unclean = back.partition("unclean", 0).orElseThrow();
        assertEquals(1, unclean.leader());
        assertEquals(List.of(1), unclean.isr());
    }

    @Test
    void aRestartWithTheSameStorageKeepsTheLastMemberAndRetriesChangeNothing() {
        MetadataImage image = create(cluster(1), "t", 1, 1);

        Decision.Accepted<BrokerRegistration> restarted =
                accepted(decisions.registerBroker(image, 1, new Uuid(5, 5), Fixtures.endpoints(1), Optional.empty()));
        MetadataImage after = applied(image, restarted.batch());
        assertEquals(List.of(1), after.partition("t", 0).orElseThrow().isr());
        assertFalse(restarted
                .batch()
                .getRecords(restarted.batch().getRecordsCount() - 1)
                .getRegisterBroker()
                .getStorageIsNew());

        MetadataImage lost = registerWithNewStorage(image, decisions, 1);
        assertTrue(accepted(decisions.registerBroker(
                        lost, 1, new Uuid(7, 1), Fixtures.endpoints(1), Optional.empty(), true))
                .changesNothing());
    }

    @Test
    void anUnregisteredLastIsrMemberBackWithNewStorageLeavesTheIsrToo() {
        MetadataImage image = create(cluster(2), "t", 2, 1);
        image = applied(image, accepted(decisions.fenceBroker(image, 1)).batch());
        image = applied(image, accepted(decisions.unregisterBroker(image, 1)).batch());
        assertTrue(image.topic("t").orElseThrow().partitions().stream()
                .anyMatch(p -> p.isr().equals(List.of(1))));

        MetadataImage back = registerWithNewStorage(image, decisions, 1);

        back.topic("t")
                .orElseThrow()
                .partitions()
                .forEach(p -> assertFalse(p.isr().contains(1), p::toString));
    }

    @Test
    void unregisteringMovesLeadershipFirst() {
        MetadataImage image = create(cluster(2), "t", 2, 2);

        MetadataImage after =
                applied(image, accepted(decisions.unregisterBroker(image, 1)).batch());

        assertTrue(after.broker(1).isEmpty());
        after.topic("t").orElseThrow().partitions().forEach(p -> assertEquals(List.of(2), p.isr()));
    }

    @Test
    void aBrokerJoinsTheIsrOnlyAsTheIncarnationTheLeaderSawFetch() {
        MetadataImage image = create(cluster(2), "t", 1, 2);
        PartitionState p = image.partition("t", 0).orElseThrow();
        Uuid id = image.topic("t").orElseThrow().id();
        int leader = p.leader();
        int follower = p.replicas().get(1);
        image = applied(
                image,
                accepted(decisions.alterPartition(image, new IsrChange(id, 0, leader, 0, 0, List.of(leader))))
                        .batch());
        Uuid before = image.broker(follower).orElseThrow().incarnationId();
        image = unfenced(registerWithNewStorage(image, decisions, follower), decisions, follower);
        List<Integer> expanded = List.of(leader, follower);

        Decision.Refused<PartitionState> stale = refused(decisions.alterPartition(
                image, new IsrChange(id, 0, leader, 0, 1, expanded, Map.of(follower, before))));
        assertEquals(ErrorCode.STALE_BROKER_EPOCH, stale.error());
        assertTrue(stale.message().contains("has restarted since"), stale.message());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                refused(decisions.alterPartition(image, new IsrChange(id, 0, leader, 0, 1, expanded)))
                        .error());
        Uuid current = image.broker(follower).orElseThrow().incarnationId();
        PartitionState joined = accepted(decisions.alterPartition(
                        image, new IsrChange(id, 0, leader, 0, 1, expanded, Map.of(follower, current))))
                .value();
        assertEquals(expanded, joined.isr());
    }

    @Test
    void isrChangesComeFromTheCurrentLeaderWithCurrentEpochs() {
        MetadataImage image = create(cluster(3), "t", 1, 3);
        PartitionState p = image.partition("t", 0).orElseThrow();
        Uuid id = image.topic("t").orElseThrow().id();
        List<Integer> shrunk = List.of(p.leader());

        Decision.Accepted<PartitionState> ok =
                accepted(decisions.alterPartition(image, new IsrChange(id, 0, p.leader(), 0, 0, shrunk)));
        MetadataImage after = applied(image, ok.batch());
        assertEquals(ok.value(), after.partition("t", 0).orElseThrow());

        int other = p.replicas().get(1);
        assertEquals(
                ErrorCode.NOT_LEADER_OR_FOLLOWER,
                refused(decisions.alterPartition(after, new IsrChange(id, 0, other, 0, 1, shrunk)))
                        .error());
        assertEquals(
                ErrorCode.INVALID_UPDATE_VERSION,
                refused(decisions.alterPartition(after, new IsrChange(id, 0, p.leader(), 0, 0, p.replicas())))
                        .error());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                refused(decisions.alterPartition(after, new IsrChange(id, 0, p.leader(), 0, 1, List.of(other))))
                        .error());
    }
}
