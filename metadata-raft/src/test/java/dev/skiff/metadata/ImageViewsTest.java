package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.v1.ConfigEntry;
import dev.skiff.proto.v1.ConfigSource;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeConfigsResult;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.QuorumVoter;
import dev.skiff.proto.v1.RegisteredBroker;
import dev.skiff.proto.v1.TopicDescription;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageViewsTest {
    private static MetadataImage sample() {
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(1));
        MetadataImage image = cluster(3);
        image = applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic("orders", 2, 3, Map.of("retention.ms", "9"))))
                        .batch());
        image = applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic("__consumer_offsets", 1, 1)))
                        .batch());
        int lonely = image.partition("__consumer_offsets", 0).orElseThrow().leader();
        return applied(image, accepted(decisions.fenceBroker(image, lonely)).batch());
    }

    @Test
    void metadataListsUnfencedBrokersOnTheListenerAndLeaderlessPartitions() {
        MetadataImage image = sample();

        MetadataResponse all = ImageViews.metadata(image, List.of(), "PLAINTEXT", OptionalInt.of(1));

        assertEquals("test-cluster", all.getClusterId());
        assertEquals(1, all.getControllerId());
        assertEquals(2, all.getBrokersCount());
        assertEquals(
                List.of("__consumer_offsets", "orders"),
                all.getTopicsList().stream().map(t -> t.getName()).toList());
        assertTrue(all.getTopics(0).getIsInternal());
        PartitionMetadata offline = all.getTopics(0).getPartitions(0);
        assertEquals(ErrorCode.LEADER_NOT_AVAILABLE, offline.getError());
        assertEquals(-1, offline.getLeader());
        assertEquals(
                image.topic("orders").orElseThrow().id().toString(),
                all.getTopics(1).getTopicId());

        MetadataResponse unknown = ImageViews.metadata(image, List.of("nope"), "OTHER", OptionalInt.empty());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknown.getTopics(0).getError());
        assertEquals(0, unknown.getBrokersCount(), "no broker advertises the listener OTHER");
        assertEquals(-1, unknown.getControllerId());
    }

    @Test
    void describeTopicsShowsOverridesAndUnknownTopics() {
        List<TopicDescription> topics =
                ImageViews.describeTopics(sample(), List.of("orders", "nope")).getTopicsList();

        assertEquals(Map.of("retention.ms", "9"), topics.get(0).getConfigsMap());
        assertEquals(2, topics.get(0).getPartitionsCount());
        int fenced = sample().partition("__consumer_offsets", 0)
                .orElseThrow()
                .replicas()
                .get(0);
        topics.get(0).getPartitionsList().forEach(p -> assertEquals(List.of(fenced), p.getOfflineReplicasList()));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topics.get(1).getError());
        assertFalse(topics.get(1).getErrorMessage().isEmpty());
    }

    @Test
    void describeClusterMarksTheLeadingVoter() {
        List<QuorumVoter> voters = List.of(
                QuorumVoter.newBuilder()
                        .setNodeId(1)
                        .setHost("h1")
                        .setPort(9093)
                        .build(),
                QuorumVoter.newBuilder()
                        .setNodeId(2)
                        .setHost("h2")
                        .setPort(9093)
                        .build());

        DescribeClusterResponse cluster = ImageViews.describeCluster(sample(), "PLAINTEXT", OptionalInt.of(2), voters);

        assertFalse(cluster.getVoters(0).getIsLeader());
        assertTrue(cluster.getVoters(1).getIsLeader());
        assertEquals(2, cluster.getControllerId());
        int fenced = sample().partition("__consumer_offsets", 0)
                .orElseThrow()
                .replicas()
                .get(0);
        assertEquals(2, cluster.getBrokersCount(), "only unfenced brokers");
        assertEquals(3, cluster.getRegisteredBrokersCount());
        for (RegisteredBroker b : cluster.getRegisteredBrokersList()) {
            assertEquals(b.getNodeId() == fenced, b.getFenced());
            assertEquals(Fixtures.incarnation(b.getNodeId()).toString(), b.getIncarnationId());
            assertEquals("127.0.0." + b.getNodeId(), b.getHost());
            assertEquals(9092, b.getPort());
        }
    }

    @Test
    void dynamicConfigsFallBackToTheBrokerDefault() {
        MetadataImage image = applied(
                sample(),
                MetadataRecords.setConfig(ConfigResource.brokerDefault(), "a", "default"),
                MetadataRecords.setConfig(ConfigResource.brokerDefault(), "b", "default"),
                MetadataRecords.setConfig(ConfigResource.broker(2), "b", "own"));

        DescribeConfigsResult broker = ImageViews.dynamicConfigs(image, ConfigResource.broker(2));
        DescribeConfigsResult topic = ImageViews.dynamicConfigs(image, ConfigResource.topic("orders"));

        assertEquals(
                Map.of("a", "default", "b", "own"),
                broker.getEntriesList().stream()
                        .collect(java.util.stream.Collectors.toMap(ConfigEntry::getName, ConfigEntry::getValue)));
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, topic.getEntries(0).getSource());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                ImageViews.dynamicConfigs(image, ConfigResource.topic("x")).getError());
    }
}
