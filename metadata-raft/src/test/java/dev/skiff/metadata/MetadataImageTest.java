package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static dev.skiff.metadata.Fixtures.incarnation;
import static dev.skiff.metadata.Fixtures.partition;
import static dev.skiff.metadata.Fixtures.register;
import static dev.skiff.metadata.Fixtures.rejected;
import static dev.skiff.metadata.Fixtures.unfence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetadataImageTest {
    private static final Uuid TOPIC_ID = new Uuid(7L, 7L);

    private static MetadataImage withTopic(MetadataImage image) {
        return applied(
                image,
                MetadataRecords.topic("orders", TOPIC_ID, Map.of("retention.ms", "1000")),
                MetadataRecords.partition(TOPIC_ID, partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 1)),
                MetadataRecords.partition(TOPIC_ID, partition(1, List.of(2, 3, 1), List.of(2, 3, 1), 2)));
    }

    private static MetadataRecord change(int expectedEpoch, List<Integer> isr, Integer leader) {
        var change = MetadataRecords.partitionChangeOf(TOPIC_ID, 0, expectedEpoch);
        if (isr != null) {
            change.setIsr(MetadataRecords.brokerIds(isr));
        }
        if (leader != null) {
            change.setLeader(leader);
        }
        return MetadataRecords.partitionChange(change);
    }

    @Test
    void theClusterIdIsSetOnceAndAnotherIsRefused() {
        MetadataImage image = applied(MetadataImage.EMPTY, MetadataRecords.clusterId("abc"));
        assertEquals(Optional.of("abc"), image.clusterId());
        assertEquals(image, applied(image, MetadataRecords.clusterId("abc")));

        ApplyResult.Rejected rejected = rejected(image, MetadataRecords.clusterId("xyz"));

        assertEquals(ErrorCode.INVALID_REQUEST, rejected.error());
        assertTrue(rejected.message().contains("already 'abc', not 'xyz'"), rejected.message());
    }

    @Test
    void aBrokerStartsFencedAndIsUnfencedOnlyForItsIncarnation() {
        MetadataImage image = applied(MetadataImage.EMPTY, register(1));
        assertTrue(image.broker(1).orElseThrow().fenced());
        assertTrue(image.unfencedBrokers().isEmpty());

        ApplyResult.Rejected stale = rejected(image, MetadataRecords.unfenceBroker(1, new Uuid(1, 2)));
        assertEquals(ErrorCode.STALE_BROKER_EPOCH, stale.error());

        MetadataImage unfenced = applied(image, unfence(1));
        assertFalse(unfenced.broker(1).orElseThrow().fenced());
        assertEquals(
                List.of(1),
                unfenced.unfencedBrokers().stream()
                        .map(BrokerRegistration::nodeId)
                        .toList());
    }

    @Test
    void aNewIncarnationRegistersFencedButTheSameOneKeepsItsState() {
        MetadataImage image = cluster(1);
        assertFalse(applied(image, register(1)).broker(1).orElseThrow().fenced());

        MetadataImage restarted = applied(
                image, MetadataRecords.registerBroker(1, new Uuid(9, 9), Fixtures.endpoints(1), Optional.of("rack-a")));

        BrokerRegistration broker = restarted.broker(1).orElseThrow();
        assertTrue(broker.fenced());
        assertEquals(new Uuid(9, 9), broker.incarnationId());
        assertEquals(Optional.of("rack-a"), broker.rack());
    }

    @Test
    void aBrokerWithoutEndpointsOrWithABadPortIsRefused() {
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                rejected(
                                MetadataImage.EMPTY,
                                MetadataRecords.registerBroker(1, incarnation(1), List.of(), Optional.empty()))
                        .error());
        ApplyResult.Rejected badPort = rejected(
                MetadataImage.EMPTY,
                MetadataRecords.registerBroker(
                        1, incarnation(1), List.of(new Endpoint("PLAINTEXT", "h", 70_000)), Optional.empty()));
        assertTrue(badPort.message().contains("port 70000"), badPort.message());
    }

    @Test
    void aTopicComesWithItsPartitionsInOneBatch() {
        MetadataImage image = withTopic(cluster(3));

        TopicImage topic = image.topic("orders").orElseThrow();
        assertEquals(TOPIC_ID, topic.id());
        assertSame(topic, image.topic(TOPIC_ID).orElseThrow());
        assertEquals(2, topic.partitionCount());
        assertEquals(3, topic.replicationFactor());
        assertEquals(Map.of("retention.ms", "1000"), image.configs(ConfigResource.topic("orders")));

        ApplyResult.Rejected bare = rejected(cluster(3), MetadataRecords.topic("bare", new Uuid(1, 1), Map.of()));
        assertEquals(ErrorCode.INVALID_PARTITIONS, bare.error());
        assertTrue(bare.message().contains("without partitions"), bare.message());
    }

    @Test
    void topicNamesAndIdsAreUniqueAndNamesFollowKafkasRules() {
        MetadataImage image = withTopic(cluster(3));
        PartitionState p0 = partition(0, List.of(1), List.of(1), 1);

        ApplyResult.Rejected sameName = rejected(
                image,
                MetadataRecords.topic("orders", new Uuid(8, 8), Map.of()),
                MetadataRecords.partition(new Uuid(8, 8), p0));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, sameName.error());

        ApplyResult.Rejected sameId = rejected(
                image, MetadataRecords.topic("other", TOPIC_ID, Map.of()), MetadataRecords.partition(TOPIC_ID, p0));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, sameId.error());
        assertTrue(sameId.message().contains("already used by topic 'orders'"), sameId.message());

        ApplyResult.Rejected badName = rejected(image, MetadataRecords.topic("a/b", new Uuid(8, 8), Map.of()));
        assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, badName.error());
    }

    @Test
    void partitionsAreDenseAndWellFormed() {
        MetadataImage image = withTopic(cluster(3));
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                rejected(image, MetadataRecords.partition(TOPIC_ID, partition(5, List.of(1), List.of(1), 1)))
                        .error());
        ApplyResult.Rejected notSubset =
                rejected(image, MetadataRecords.partition(TOPIC_ID, partition(2, List.of(1, 2), List.of(1, 3), 1)));
        assertTrue(notSubset.message().contains("not a subset"), notSubset.message());
        ApplyResult.Rejected leaderOutside =
                rejected(image, MetadataRecords.partition(TOPIC_ID, partition(2, List.of(1, 2), List.of(2), 1)));
        assertTrue(leaderOutside.message().contains("leader 1 is not in its ISR"), leaderOutside.message());
        ApplyResult.Rejected unknownBroker =
                rejected(image, MetadataRecords.partition(TOPIC_ID, partition(2, List.of(1, 9), List.of(1), 1)));
        assertEquals(ErrorCode.BROKER_NOT_AVAILABLE, unknownBroker.error());
    }

    @Test
    void aLeaderChangeRaisesBothEpochsAndAnIsrChangeOnlyThePartitionEpoch() {
        MetadataImage image = withTopic(cluster(3));

        MetadataImage shrunk = applied(image, change(0, List.of(1, 2), null));
        PartitionState afterShrink = shrunk.partition(TOPIC_ID, 0).orElseThrow();
        assertEquals(List.of(1, 2), afterShrink.isr());
        assertEquals(0, afterShrink.leaderEpoch());
        assertEquals(1, afterShrink.partitionEpoch());

        MetadataImage moved = applied(shrunk, change(1, List.of(2), 2));
        PartitionState afterMove = moved.partition(TOPIC_ID, 0).orElseThrow();
        assertEquals(2, afterMove.leader());
        assertEquals(1, afterMove.leaderEpoch());
        assertEquals(2, afterMove.partitionEpoch());
    }

    @Test
    void aChangeComputedFromAStalePartitionEpochIsRejected() {
        MetadataImage image = applied(withTopic(cluster(3)), change(0, List.of(1, 2), null));

        ApplyResult.Rejected stale = rejected(image, change(0, List.of(1), null));

        assertEquals(ErrorCode.INVALID_UPDATE_VERSION, stale.error());
        assertTrue(stale.message().contains("at partition epoch 1 but the change was computed from epoch 0"));
    }

    @Test
    void epochsNeverGoDownAndAChangeMustChangeSomething() {
        MetadataImage image = withTopic(cluster(3));
        MetadataImage moved = applied(image, change(0, null, 2));

        var lower =
                MetadataRecords.partitionChangeOf(TOPIC_ID, 0, 1).setLeader(3).setLeaderEpoch(1);
        assertEquals(
                ErrorCode.FENCED_LEADER_EPOCH,
                rejected(moved, MetadataRecords.partitionChange(lower)).error());
        var bump = MetadataRecords.partitionChangeOf(TOPIC_ID, 0, 1).setLeaderEpoch(9);
        assertEquals(
                9,
                applied(moved, MetadataRecords.partitionChange(bump))
                        .partition(TOPIC_ID, 0)
                        .orElseThrow()
                        .leaderEpoch());

        ApplyResult.Rejected nothing = rejected(moved, change(1, List.of(1, 2, 3), 2));
        assertTrue(nothing.message().contains("changes nothing"), nothing.message());
    }

    @Test
    void aFencedBrokerNeitherLeadsNorJoinsTheIsr() {
        MetadataImage image = applied(withTopic(cluster(3)), change(0, List.of(1), null));
        MetadataImage fenced = applied(image, MetadataRecords.fenceBroker(2, incarnation(2)));

        assertEquals(
                ErrorCode.BROKER_NOT_AVAILABLE,
                rejected(fenced, change(1, List.of(1, 2), null)).error());
        ApplyResult.Rejected leader = rejected(fenced, change(1, List.of(1, 2), 2));
        assertTrue(leader.message().contains("it is fenced"), leader.message());
    }

    @Test
    void aBrokerRegisteringWithNewStorageMustBeInNoIsr() {
        MetadataImage image = applied(withTopic(cluster(3)), change(0, List.of(1), null));
        MetadataRecord newStorage =
                MetadataRecords.registerBroker(1, new Uuid(9, 9), Fixtures.endpoints(1), Optional.empty(), true);

        ApplyResult.Rejected stillInIsr = rejected(image, newStorage);
        assertTrue(stillInIsr.message().contains("still in the ISR [1] of orders-0"), stillInIsr.message());

        var leave1 = MetadataRecords.partitionChangeOf(TOPIC_ID, 1, 0).setIsr(MetadataRecords.brokerIds(List.of(2, 3)));
        MetadataImage after = applied(
                image,
                change(1, List.of(), PartitionState.NO_LEADER),
                MetadataRecords.partitionChange(leave1),
                newStorage);
        PartitionState lost = after.partition(TOPIC_ID, 0).orElseThrow();
        assertEquals(List.of(), lost.isr());
        assertEquals(PartitionState.NO_LEADER, lost.leader());
        assertEquals(1, lost.leaderEpoch());
        assertEquals(List.of(), ImageInvariants.violations(after));
    }

    @Test
    void onlyAPartitionWithoutLeaderHasAnEmptyIsrAndANewPartitionNeedsOne() {
        MetadataImage image = withTopic(cluster(3));

        ApplyResult.Rejected withLeader = rejected(image, change(0, List.of(), null));
        assertTrue(withLeader.message().contains("ISR is empty but it has leader 1"), withLeader.message());
        ApplyResult.Rejected noIsr = rejected(
                image,
                MetadataRecords.partition(TOPIC_ID, partition(2, List.of(1), List.of(), PartitionState.NO_LEADER)));
        assertTrue(noIsr.message().contains("without an ISR"), noIsr.message());
        MetadataImage empty = applied(image, change(0, List.of(), PartitionState.NO_LEADER));
        ApplyResult.Rejected leaderOutside = rejected(empty, change(1, null, 2));
        assertTrue(leaderOutside.message().contains("ISR is empty but it has leader 2"), leaderOutside.message());
        PartitionState led =
                applied(empty, change(1, List.of(2), 2)).partition(TOPIC_ID, 0).orElseThrow();
        assertEquals(2, led.leader());
        assertEquals(2, led.leaderEpoch());
    }

    @Test
    void aRejectedBatchLeavesTheImageUnchanged() {
        MetadataImage image = withTopic(cluster(3));

        ApplyResult.Rejected rejected = rejected(
                image,
                MetadataRecords.setConfig(ConfigResource.topic("orders"), "retention.ms", "5"),
                change(0, List.of(1, 2), null),
                change(0, List.of(1), null));

        assertEquals(2, rejected.recordIndex());
        assertEquals("1000", image.configs(ConfigResource.topic("orders")).get("retention.ms"));
        assertEquals(0, image.partition(TOPIC_ID, 0).orElseThrow().partitionEpoch());
    }

    @Test
    void deletingATopicRemovesItsPartitionsAndConfigs() {
        MetadataImage image = applied(withTopic(cluster(3)), MetadataRecords.deleteTopic(TOPIC_ID));

        assertTrue(image.topic("orders").isEmpty());
        assertTrue(image.topic(TOPIC_ID).isEmpty());
        assertTrue(image.configs(ConfigResource.topic("orders")).isEmpty());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                rejected(image, MetadataRecords.deleteTopic(TOPIC_ID)).error());
    }

    @Test
    void configsAreSetAndDeletedPerResource() {
        MetadataImage image = applied(
                withTopic(cluster(3)),
                MetadataRecords.setConfig(ConfigResource.brokerDefault(), "log.retention.ms", "10"),
                MetadataRecords.setConfig(ConfigResource.broker(2), "log.retention.ms", "20"),
                MetadataRecords.deleteConfig(ConfigResource.topic("orders"), "retention.ms"));

        assertEquals(Map.of("log.retention.ms", "10"), image.configs(ConfigResource.brokerDefault()));
        assertEquals(Map.of("log.retention.ms", "20"), image.configs(ConfigResource.broker(2)));
        assertTrue(image.configs(ConfigResource.topic("orders")).isEmpty());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                rejected(image, MetadataRecords.setConfig(ConfigResource.topic("nope"), "a", "b"))
                        .error());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                rejected(
                                image,
                                MetadataRecords.setConfig(
                                        new ConfigResource(ConfigResource.Type.BROKER, "x"), "a", "b"))
                        .error());
    }

    @Test
    void aBrokerThatStillLeadsCannotBeUnregistered() {
        MetadataImage image = withTopic(cluster(3));

        ApplyResult.Rejected rejected = rejected(image, MetadataRecords.unregisterBroker(1));

        assertTrue(rejected.message().contains("still leads orders-0"), rejected.message());
        assertEquals(
                ErrorCode.BROKER_NOT_AVAILABLE,
                rejected(image, MetadataRecords.unregisterBroker(9)).error());
    }

    @Test
    void anEmptyBatchIsRefused() {
        assertEquals(-1, ((ApplyResult.Rejected) MetadataImage.EMPTY.apply(MetadataRecords.batch())).recordIndex());
    }
}
