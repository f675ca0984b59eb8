package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.broker.controller.LeaderRebalancer;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.DescribeClusterRequest;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeTopicsRequest;
import dev.skiff.proto.v1.ElectLeadersRequest;
import dev.skiff.proto.v1.ElectLeadersResponse;
import dev.skiff.proto.v1.ElectionType;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionDescription;
import dev.skiff.proto.v1.PartitionElectionResult;
import dev.skiff.proto.v1.QuorumVoter;
import dev.skiff.proto.v1.RegisteredBroker;
import dev.skiff.proto.v1.TopicDescription;
import dev.skiff.proto.v1.TopicPartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator RPCs behind {@code skiff cluster describe}, the {@code topics --describe} partition
 * filters and {@code skiff leader-election}, against three combined in-process nodes: brokers with
 * their fenced flag and incarnation, voters with their lag; what a broker's absence does to the
 * filters; and preferred leader elections, by request and by the automatic rebalance, giving
 * leadership back once the broker has returned.
 *
 * <p>Replication does not yet expand ISRs on its own here, so the test brings the returned broker
 * back into the ISRs as its leaders will (a controller-side ISR change, as AlterPartition commits).
 */
@Timeout(240)
class OperatorCommandsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The filters as {@code skiff topics --describe} applies them to a DescribeTopics answer. */
    private static final BiPredicate<TopicDescription, PartitionDescription> UNDER_REPLICATED =
            (t, p) -> p.getIsrCount() < p.getReplicasCount();

    private static final BiPredicate<TopicDescription, PartitionDescription> UNAVAILABLE =
            (t, p) -> p.getLeader() < 0 || p.getOfflineReplicasList().contains(p.getLeader());

    private static final BiPredicate<TopicDescription, PartitionDescription> UNDER_MIN_ISR =
            (t, p) -> p.getIsrCount() < t.getMinInsyncReplicas();

    @TempDir
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private AdminGrpc.AdminBlockingStub admin(int nodeId) {
        return AdminGrpc.newBlockingStub(cluster.channel(nodeId)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void describeFilterAndElectPreferredLeadersAcrossAFenceAndReturn() throws Exception {
        cluster = TestCluster.start(
                3,
                tmp,
                Map.of(
                        "broker.heartbeat.interval.ms", "300",
                        "broker.session.timeout.ms", "2000",
                        // This test runs the rebalance itself, when it wants to.
                        "auto.leader.rebalance.enable", "false"));
        int controller = awaitDescribedCluster();
        int away = controller % 3 + 1;
        int observer = 6 - controller - away;

        createTopics(observer);
        String incarnationBefore = registered(observer, away).getIncarnationId();

        // The broker goes away and is fenced: its replicas are offline, the ISRs shrink, its only
        // replica's partition loses its leader, and its preferred partitions are led by others.
        cluster.stop(away);
        await().atMost(WAIT)
                .untilAsserted(() -> assertTrue(registered(observer, away).getFenced()));
        List<Integer> preferredByAway = assertFilters(observer, away);
        PartitionElectionResult fenced = electOne(observer, "moves", preferredByAway.get(0));
        assertEquals(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, fenced.getError());
        assertTrue(fenced.getErrorMessage().contains("broker " + away + " is fenced"), fenced.getErrorMessage());

        // It returns (a new incarnation), leads its only replica's partition again, and catches up
        // into the ISRs.
        cluster.restart(away);
        await().atMost(WAIT)
                .untilAsserted(() -> assertFalse(registered(observer, away).getFenced()));
        assertNotEquals(incarnationBefore, registered(observer, away).getIncarnationId());
        await().atMost(WAIT)
                .untilAsserted(() -> assertEquals(List.of(), matching(describeTopics(observer), UNAVAILABLE)));
        // The leaders put it back into the ISRs once it has caught up.
        await().atMost(WAIT)
                .untilAsserted(() -> assertEquals(List.of(), matching(describeTopics(away), UNDER_REPLICATED)));

        electBack(observer, away, preferredByAway);
    }

    /** "moves" (6 partitions on all three, min.insync.replicas=3) and "single" (3, one replica each). */
    private void createTopics(int observer) {
        create(observer, "moves", 6, 3, Map.of("min.insync.replicas", "3"));
        create(observer, "single", 3, 1, Map.of());
        List<TopicDescription> healthy = describeTopics(observer);
        assertEquals(3, healthy.get(0).getMinInsyncReplicas(), "the topic's override");
        assertEquals(1, healthy.get(1).getMinInsyncReplicas(), "the broker's min.insync.replicas");
        for (BiPredicate<TopicDescription, PartitionDescription> filter :
                List.of(UNDER_REPLICATED, UNAVAILABLE, UNDER_MIN_ISR)) {
            assertEquals(List.of(), matching(healthy, filter));
        }
    }

    /**
     * The filters while {@code away} is fenced: every "moves" partition under-replicated and under
     * min ISR with {@code away} offline, the "single" partition on it unavailable. Returns the
     * partitions of "moves" that {@code away} prefers to lead.
     */
    private List<Integer> assertFilters(int observer, int away) {
        DescribeClusterResponse withoutAway =
                admin(observer).describeCluster(DescribeClusterRequest.getDefaultInstance());
        assertFalse(withoutAway.getBrokersList().stream().anyMatch(b -> b.getNodeId() == away), "not live");
        List<TopicDescription> degraded = describeTopics(observer);
        List<String> underReplicated = matching(degraded, UNDER_REPLICATED);
        assertEquals(List.of("moves-0", "moves-1", "moves-2", "moves-3", "moves-4", "moves-5"), underReplicated);
        assertEquals(underReplicated, matching(degraded, UNDER_MIN_ISR), "ISRs of 2 under a minimum of 3");
        int onlyOnAway = onlyReplicaOf(degraded.get(1), away);
        assertEquals(List.of("single-" + onlyOnAway), matching(degraded, UNAVAILABLE));
        for (PartitionDescription p : degraded.get(0).getPartitionsList()) {
            assertEquals(List.of(away), p.getOfflineReplicasList());
            assertFalse(p.getIsrList().contains(away));
            assertNotEquals(away, p.getLeader());
        }

        List<Integer> preferredByAway = preferredPartitions(degraded.get(0), away);
        assertEquals(2, preferredByAway.size(), "placement spreads preferred leaders evenly");
        return preferredByAway;
    }

    /** A preferred election by request gives one partition back to {@code away}; the rebalance the other. */
    private void electBack(int observer, int away, List<Integer> preferredByAway) throws Exception {
        int first = preferredByAway.get(0);
        PartitionDescription before = describeTopics(observer).get(0).getPartitions(first);
        assertEquals(ErrorCode.NONE, electOne(observer, "moves", first).getError());
        PartitionDescription after = describeTopics(observer).get(0).getPartitions(first);
        assertEquals(away, after.getLeader());
        assertEquals(before.getLeaderEpoch() + 1, after.getLeaderEpoch());
        assertEquals(before.getIsrList(), after.getIsrList());
        assertEquals(
                ErrorCode.ELECTION_NOT_NEEDED,
                electOne(observer, "moves", first).getError());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                electOne(observer, "moves", 6).getError());

        int moved = 0;
        for (int id = 1; id <= cluster.size(); id++) {
            moved += new LeaderRebalancer(
                            cluster.node(id).controllerClient(),
                            cluster.node(id).decisions())
                    .runOnce();
        }
        assertEquals(1, moved, "only the active controller rebalances, and only moves-" + preferredByAway.get(1));
        await().atMost(WAIT).untilAsserted(() -> {
            for (PartitionDescription p : describeTopics(away).get(0).getPartitionsList()) {
                assertEquals(p.getReplicas(0), p.getLeader(), "moves-" + p.getIndex());
            }
        });
        ElectLeadersResponse all = admin(away)
                .electLeaders(ElectLeadersRequest.newBuilder()
                        .setElectionType(ElectionType.PREFERRED)
                        .setAllTopicPartitions(true)
                        .build());
        assertEquals(ErrorCode.NONE, all.getError());
        assertEquals(List.of(), all.getResultsList(), "nothing left to elect");
        ElectLeadersResponse unclean = admin(away)
                .electLeaders(ElectLeadersRequest.newBuilder()
                        .setElectionType(ElectionType.UNCLEAN)
                        .setAllTopicPartitions(true)
                        .build());
        assertEquals(ErrorCode.INVALID_REQUEST, unclean.getError());
    }

    /**
     * Waits until every node describes three unfenced brokers and one leading voter, and the active
     * controller every voter's lag, caught up (0) on an idle quorum; returns the controller's id.
     */
    private int awaitDescribedCluster() {
        await().atMost(WAIT).untilAsserted(() -> {
            for (int id = 1; id <= 3; id++) {
                DescribeClusterResponse d = admin(id).describeCluster(DescribeClusterRequest.getDefaultInstance());
                assertEquals(3, d.getBrokersCount());
                assertEquals(3, d.getRegisteredBrokersCount());
                for (RegisteredBroker b : d.getRegisteredBrokersList()) {
                    assertFalse(b.getFenced());
                    assertEquals(TestCluster.host(b.getNodeId()), b.getHost());
                    assertTrue(b.getIncarnationId().length() > 10, b.getIncarnationId());
                }
                assertEquals(
                        1,
                        d.getVotersList().stream()
                                .filter(QuorumVoter::getIsLeader)
                                .count());
                assertTrue(d.getControllerId() > 0);
            }
        });
        int controller = admin(1).describeCluster(DescribeClusterRequest.getDefaultInstance())
                .getControllerId();
        await().atMost(WAIT).untilAsserted(() -> {
            DescribeClusterResponse d = admin(controller).describeCluster(DescribeClusterRequest.getDefaultInstance());
            assertEquals(3, d.getVotersCount());
            for (QuorumVoter v : d.getVotersList()) {
                assertTrue(v.getLagKnown(), v.toString());
                assertEquals(0, v.getLagEntries(), v.toString());
            }
        });
        int other = controller % 3 + 1;
        DescribeClusterResponse fromFollower =
                admin(other).describeCluster(DescribeClusterRequest.getDefaultInstance());
        assertFalse(
                fromFollower.getVotersList().stream().anyMatch(QuorumVoter::getLagKnown),
                "only the active controller knows the lags (the client asks it)");
        return controller;
    }

    private void create(int via, String name, int partitions, int replicationFactor, Map<String, String> configs) {
        ErrorCode error = admin(via)
                .createTopics(CreateTopicsRequest.newBuilder()
                        .addTopics(CreatableTopic.newBuilder()
                                .setName(name)
                                .setNumPartitions(partitions)
                                .setReplicationFactor(replicationFactor)
                                .putAllConfigs(configs))
                        .build())
                .getTopics(0)
                .getError();
        assertEquals(ErrorCode.NONE, error, name);
    }

    /** "moves" then "single", as the CLI describes them (sorted by name would put them the same way). */
    private List<TopicDescription> describeTopics(int via) {
        return admin(via)
                .describeTopics(DescribeTopicsRequest.newBuilder()
                        .addNames("moves")
                        .addNames("single")
                        .build())
                .getTopicsList();
    }

    private static List<String> matching(
            List<TopicDescription> topics, BiPredicate<TopicDescription, PartitionDescription> filter) {
        List<String> out = new ArrayList<>();
        for (TopicDescription t : topics) {
            for (PartitionDescription p : t.getPartitionsList()) {
                if (filter.test(t, p)) {
                    out.add(t.getName() + "-" + p.getIndex());
                }
            }
        }
        return out;
    }

    private RegisteredBroker registered(int via, int nodeId) {
        return admin(via)
                .describeCluster(DescribeClusterRequest.getDefaultInstance())
                .getRegisteredBrokersList()
                .stream()
                .filter(b -> b.getNodeId() == nodeId)
                .findFirst()
                .orElseThrow();
    }

    private PartitionElectionResult electOne(int via, String topic, int partition) {
        ElectLeadersResponse r = admin(via)
                .electLeaders(ElectLeadersRequest.newBuilder()
                        .setElectionType(ElectionType.PREFERRED)
                        .addTopicPartitions(
                                TopicPartitions.newBuilder().setTopic(topic).addPartitions(partition))
                        .build());
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        assertEquals(1, r.getResultsCount());
        return r.getResults(0);
    }

    private static int onlyReplicaOf(TopicDescription t, int broker) {
        return t.getPartitionsList().stream()
                .filter(p -> p.getReplicasList().equals(List.of(broker)))
                .findFirst()
                .orElseThrow()
                .getIndex();
    }

    private static List<Integer> preferredPartitions(TopicDescription t, int broker) {
        return t.getPartitionsList().stream()
                .filter(p -> p.getReplicas(0) == broker)
                .map(PartitionDescription::getIndex)
                .toList();
    }
}
