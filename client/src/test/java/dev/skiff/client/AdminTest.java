package dev.skiff.client;

import static dev.skiff.client.Fixtures.env;
import static dev.skiff.client.Fixtures.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.testing.FakeCluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminTest {
    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final Admin admin = new Admin(props(cluster), env(cluster));

    @AfterEach
    void tearDown() {
        admin.close();
        cluster.close();
    }

    private static ApiException apiError(Runnable r) {
        return assertThrows(ApiException.class, r::run);
    }

    @Test
    void topicLifecycle() {
        Map<String, CreatedTopic> created = admin.createTopics(
                        List.of(new NewTopic("a", 3, 2, Map.of("retention.ms", "1000")), new NewTopic("b", -1, -1)))
                .get();
        assertEquals(3, created.get("a").numPartitions());
        assertEquals(2, created.get("a").replicationFactor());
        assertTrue(created.get("a").created());
        assertFalse(created.get("a").topicId().isEmpty());

        assertEquals(Set.of("a", "b"), Futures.get(admin.listTopics(false)));
        TopicDescription a = admin.describeTopics(List.of("a")).get().get("a");
        assertEquals(3, a.partitions().size());
        assertEquals(2, a.replicationFactor());
        assertEquals(Map.of("retention.ms", "1000"), a.configs());
        assertEquals(List.of(2, 3), a.partitions().get(1).replicas());

        admin.deleteTopics(List.of("a")).get();
        assertEquals(Set.of("b"), Futures.get(admin.listTopics(false)));
        ApiException gone = apiError(() -> admin.deleteTopics(List.of("a")).get());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, gone.error());
    }

    @Test
    void creatingAnExistingTopicFailsUnlessIfNotExists() {
        admin.createTopics(List.of(new NewTopic("t", 1, 1))).get();
        ApiException e = apiError(
                () -> admin.createTopics(List.of(new NewTopic("t", 1, 1))).get());
        assertEquals(Errors.TOPIC_ALREADY_EXISTS, e.error());
        assertEquals("Topic 't' already exists.", e.getMessage());
        CreatedTopic again = admin.createTopics(List.of(new NewTopic("t", 1, 1)), new CreateTopicsOptions(false, true))
                .get()
                .get("t");
        assertFalse(again.created());
    }

    @Test
    void brokerValidationMessagesPassThrough() {
        ApiException rf = apiError(
                () -> admin.createTopics(List.of(new NewTopic("t", 1, 5))).get());
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, rf.error());
        assertEquals("Replication factor: 5 larger than available brokers: 3.", rf.getMessage());
        ApiException config = apiError(() -> admin.createTopics(List.of(new NewTopic("t", 1, 1, Map.of("bogus", "1"))))
                .get());
        assertEquals(Errors.INVALID_CONFIG, config.error());
        assertEquals("Unknown topic config name: bogus", config.getMessage());
    }

    @Test
    void validateOnlyCreatesNothing() {
        admin.createTopics(List.of(new NewTopic("t", 2, 1)), new CreateTopicsOptions(true, false))
                .get();
        assertEquals(Set.of(), Futures.get(admin.listTopics(true)));
    }

    @Test
    void notControllerIsRetried() {
        cluster.hooks().adminError = (method, n) -> n == 1 ? Errors.NOT_CONTROLLER : null;
        admin.createTopics(List.of(new NewTopic("t", 1, 1))).get();
        assertEquals(2, cluster.hooks().adminCalls("CreateTopics"));
        assertEquals(Set.of("t"), Futures.get(admin.listTopics(false)));
    }

    @Test
    void describingAMissingTopicSaysSo() {
        ApiException e = apiError(() -> admin.describeTopics(List.of("nope")).get());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, e.error());
        assertEquals("Topic 'nope' does not exist", e.getMessage());
    }

    @Test
    void partitionsOnlyGrow() {
        admin.createTopics(List.of(new NewTopic("t", 2, 1))).get();
        admin.createPartitions(Map.of("t", 5)).get();
        assertEquals(
                5,
                admin.describeTopics(List.of("t")).get().get("t").partitions().size());
        ApiException e = apiError(() -> admin.createPartitions(Map.of("t", 3)).get());
        assertEquals(Errors.INVALID_PARTITIONS, e.error());
    }

    @Test
    void configsAreDescribedAndAltered() {
        admin.createTopics(List.of(new NewTopic("t", 1, 1))).get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "t");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(AlterConfigOp.set("retention.ms", "5000"))))
                .get();
        List<ConfigEntry> entries = admin.describeConfigs(List.of(topic)).get().get(topic);
        ConfigEntry retention = entries.stream()
                .filter(e -> e.name().equals("retention.ms"))
                .findFirst()
                .orElseThrow();
        assertEquals("5000", retention.value());
        assertEquals(ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertTrue(retention.isDynamic());

        admin.incrementalAlterConfigs(Map.of(topic, List.of(AlterConfigOp.delete("retention.ms"))))
                .get();
        ConfigEntry back = admin.describeConfigs(List.of(topic)).get().get(topic).stream()
                .filter(e -> e.name().equals("retention.ms"))
                .findFirst()
                .orElseThrow();
        assertEquals(ConfigEntry.Source.DEFAULT_CONFIG, back.source());

        ApiException bad = apiError(
                () -> admin.incrementalAlterConfigs(Map.of(topic, List.of(AlterConfigOp.set("retention.ms", "soon"))))
                        .get());
        assertEquals(Errors.INVALID_CONFIG, bad.error());

        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "2");
        admin.incrementalAlterConfigs(Map.of(broker, List.of(AlterConfigOp.set("log.cleaner.threads", "2"))))
                .get();
        assertTrue(admin.describeConfigs(List.of(broker))
                .get()
                .get(broker)
                .contains(
                        new ConfigEntry("log.cleaner.threads", "2", ConfigEntry.Source.DYNAMIC_BROKER_CONFIG, false)));
    }

    @Test
    void clusterIsDescribed() {
        ClusterDescription d = Futures.get(admin.describeCluster());
        assertEquals(3, d.brokers().size());
        assertEquals(1, d.controllerId());
        assertTrue(d.voters().get(0).leader());
        assertEquals("node2", d.brokers().get(1).host());
    }

    @Test
    void clusterDescriptionListsFencedBrokersAndTakesVoterLagsFromTheController() {
        cluster.setFenced(3, true);
        cluster.setVoterLag(2, 7);
        try (Admin viaNode2 = new Admin(props(cluster, "bootstrap.servers", "node2:9092"), env(cluster))) {
            ClusterDescription d = Futures.get(viaNode2.describeCluster());

            assertEquals(List.of(1, 2), d.brokers().stream().map(Node::id).toList());
            assertEquals(
                    new RegisteredBroker(3, "node3", 9092, "", true, "incarnation-3"),
                    d.registeredBrokers().get(2));
            assertEquals(OptionalLong.of(7), d.voters().get(1).lagEntries());
            assertTrue(d.lagsKnown());
            assertEquals(2, cluster.hooks().adminCalls("DescribeCluster"), "node 2, then the controller");
        }
    }

    @Test
    void topicDescriptionsCarryOfflineReplicasAndTheEffectiveMinIsr() {
        cluster.createTopic("t", 3, 3).configs.put("min.insync.replicas", "2");
        cluster.createTopic("u", 1, 1);
        cluster.setFenced(2, true);

        Map<String, TopicDescription> d =
                admin.describeTopics(List.of("t", "u")).get();

        assertEquals(2, d.get("t").minInsyncReplicas());
        assertEquals(1, d.get("u").minInsyncReplicas());
        assertEquals(List.of(2), d.get("t").partitions().get(0).offlineReplicas());
        assertTrue(d.get("t").partitions().get(1).isUnavailable(), "led by fenced broker 2");
        assertFalse(d.get("t").partitions().get(0).isUnavailable());
    }

    @Test
    void preferredLeadersAreElectedPerPartition() {
        cluster.createTopic("t", 3, 2);
        cluster.setLeader(new TopicPartition("t", 0), 2);
        cluster.setLeader(new TopicPartition("t", 1), 3);
        cluster.partition(new TopicPartition("t", 1)).isr = List.of(3);

        Map<TopicPartition, Optional<ApiException>> named = Futures.get(admin.electLeaders(
                ElectionType.PREFERRED,
                Set.of(new TopicPartition("t", 0), new TopicPartition("t", 2), new TopicPartition("x", 0))));

        assertEquals(Optional.empty(), named.get(new TopicPartition("t", 0)));
        assertEquals(1, cluster.partition(new TopicPartition("t", 0)).leader);
        assertEquals(
                Errors.ELECTION_NOT_NEEDED,
                named.get(new TopicPartition("t", 2)).orElseThrow().error());
        assertEquals(
                Errors.UNKNOWN_TOPIC_OR_PARTITION,
                named.get(new TopicPartition("x", 0)).orElseThrow().error());

        Map<TopicPartition, Optional<ApiException>> all = Futures.get(admin.electLeaders(ElectionType.PREFERRED));
        assertEquals(Set.of(new TopicPartition("t", 1)), all.keySet());
        assertEquals(
                Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                all.get(new TopicPartition("t", 1)).orElseThrow().error());

        ApiException unclean = apiError(() -> Futures.get(admin.electLeaders(ElectionType.UNCLEAN)));
        assertEquals(Errors.INVALID_REQUEST, unclean.error());
    }

    @Test
    void anUnreachableClusterFailsFastAndIsNamed() {
        try (Admin lost = new Admin(
                props(
                        cluster,
                        "bootstrap.servers",
                        "nowhere:9092,gone:9093",
                        "socket.connection.setup.timeout.ms",
                        "300"),
                env(cluster))) {
            long start = System.nanoTime();
            Throwable t = assertThrows(SkiffException.class, () -> Futures.get(lost.listTopics(false)));
            ClusterUnreachableException e = assertInstanceOf(ClusterUnreachableException.class, t);
            assertEquals("nowhere:9092,gone:9093", e.addresses());
            assertTrue(
                    e.getMessage().startsWith("Could not reach any broker at nowhere:9092,gone:9093: UNAVAILABLE"),
                    e.getMessage());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
        }
    }

    @Test
    void aBriefOutageIsRiddenOut() {
        cluster.hooks().unavailable = true;
        java.util.concurrent.CompletableFuture<java.util.SortedSet<String>> topics = admin.listTopics(false);
        org.awaitility.Awaitility.await().until(() -> cluster.hooks().adminCalls("ListTopics") == 0);
        cluster.hooks().unavailable = false;
        assertEquals(Set.of(), Futures.get(topics));
    }
}
