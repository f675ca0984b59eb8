package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.CreatableTopicResult;
import dev.skiff.proto.v1.DescribeClusterRequest;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three combined nodes on 127.0.0.1-3 in this JVM (real Ratis quorum, real files, real gRPC) form
 * one cluster without a format step: every node sees every broker, partitions of a topic are led by
 * different brokers, and each leader serves its partition.
 */
@Timeout(180)
class ClusterIntegrationTest extends ClusterTest {
    @Test
    void threeCombinedNodesFormOneClusterAndSpreadLeaders() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int node = 1; node <= 3; node++) {
                assertEquals(
                        3,
                        AdminGrpc.newBlockingStub(cluster.channel(node))
                                .describeCluster(DescribeClusterRequest.getDefaultInstance())
                                .getBrokersCount());
            }
        });

        CreatableTopicResult tooWide = cluster.create("wide", 1, 4, Map.of());
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, tooWide.getError());
        assertTrue(tooWide.getErrorMessage().contains("only 3 broker(s)"), tooWide.getErrorMessage());
        assertEquals(ErrorCode.NONE, cluster.create("spread", 3, 1, Map.of()).getError());

        MetadataResponse md = cluster.metadata(3, "spread");
        Set<Integer> leaders = new HashSet<>();
        for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
            leaders.add(p.getLeader());
        }
        assertEquals(Set.of(1, 2, 3), leaders, "three partitions, one per broker");

        for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
            int other = p.getLeader() % 3 + 1;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.produce(p.getLeader(), "spread", p.getIndex(), 1, "to " + p.getIndex())
                                    .getError()
                            == ErrorCode.NONE);
            assertEquals(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    cluster.produce(other, "spread", p.getIndex(), 1, "wrong").getError());
        }
        for (int node = 1; node <= 3; node++) {
            int n = node;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.metadata(n, "spread").equals(md));
        }

        // A broker that stops is fenced: it leaves the broker list and its partition (replication
        // factor 1: it is the last ISR member) has no leader until it comes back.
        int stopped = 3;
        int partitionOf3 = md.getTopics(0).getPartitionsList().stream()
                .filter(p -> p.getLeader() == stopped)
                .findFirst()
                .orElseThrow()
                .getIndex();
        cluster.stop(stopped);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MetadataResponse now = cluster.metadata(1, "spread");
            assertEquals(2, now.getBrokersCount());
            assertEquals(-1, now.getTopics(0).getPartitions(partitionOf3).getLeader());
        });
        cluster.restart(stopped);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MetadataResponse now = cluster.metadata(1, "spread");
            assertEquals(3, now.getBrokersCount());
            assertEquals(stopped, now.getTopics(0).getPartitions(partitionOf3).getLeader());
        });
    }

    @Test
    void aBrokerOnlyNodeFollowsTheMetadataLogAndHostsReplicasWithoutVoting() throws Exception {
        cluster = TestCluster.start(3, 1, tmp, Map.of());
        int broker = 4;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var described = AdminGrpc.newBlockingStub(cluster.channel(broker))
                    .describeCluster(DescribeClusterRequest.getDefaultInstance());
            assertEquals(4, described.getBrokersCount());
            assertEquals(3, described.getVotersCount());
            assertTrue(described.getVotersList().stream().noneMatch(v -> v.getNodeId() == broker));
        });
        assertEquals(ErrorCode.NONE, cluster.create("four", 4, 3, Map.of()).getError());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cluster.metadata(broker, "four").getTopics(0).getPartitionsList().stream()
                        .anyMatch(p -> p.getLeader() == broker));
        PartitionMetadata led = cluster.metadata(broker, "four").getTopics(0).getPartitionsList().stream()
                .filter(p -> p.getLeader() == broker)
                .findFirst()
                .orElseThrow();
        assertEquals(
                ErrorCode.NONE,
                cluster.produce(broker, "four", led.getIndex(), -1, "via-4").getError(),
                "the broker-only node leads and replicates");

        // A voter goes; the broker-only node still follows the (2 of 3) quorum's changes.
        cluster.stop(1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertTrue(cluster.metadata(broker, "four").getTopics(0).getPartitionsList().stream()
                                .allMatch(p ->
                                        p.getLeader() != 1 && !p.getIsrList().contains(1))));
        cluster.stop(broker);
        cluster.restart(broker);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertEquals(3, cluster.metadata(broker, "four").getBrokersCount()));
    }
}
