package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.AlterConfigsRequest;
import dev.skiff.proto.v1.AlterConfigsResource;
import dev.skiff.proto.v1.AlterOp;
import dev.skiff.proto.v1.AlterPartitionReassignmentsRequest;
import dev.skiff.proto.v1.AlterPartitionReassignmentsResponse;
import dev.skiff.proto.v1.AlterableConfig;
import dev.skiff.proto.v1.BrokerList;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ListPartitionReassignmentsRequest;
import dev.skiff.proto.v1.ListPartitionReassignmentsResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.ReassignablePartition;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.UnregisterBrokerRequest;
import dev.skiff.proto.v1.UnregisterBrokerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Partition reassignment on four real nodes (three voters and a broker-only node): a move copies
 * the partition to the new replicas before the old ones delete theirs and moves leadership when
 * the leader leaves; a throttled move stays in progress and can be cancelled half-way; a broker
 * holding replicas cannot be unregistered.
 */
@Timeout(240)
class ReassignmentIntegrationTest extends ClusterTest {
    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(cluster.anyChannel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private AlterPartitionReassignmentsResponse reassign(String topic, Optional<List<Integer>> target) {
        ReassignablePartition.Builder p =
                ReassignablePartition.newBuilder().setTopic(topic).setPartition(0);
        target.ifPresent(t -> p.setReplicas(BrokerList.newBuilder().addAllIds(t)));
        return admin().alterPartitionReassignments(AlterPartitionReassignmentsRequest.newBuilder()
                .addPartitions(p)
                .build());
    }

    private ListPartitionReassignmentsResponse ongoing() {
        return admin().listPartitionReassignments(ListPartitionReassignmentsRequest.getDefaultInstance());
    }

    private void throttle(String value) {
        AlterableConfig.Builder c = AlterableConfig.newBuilder().setName("leader.replication.throttled.rate");
        c = value == null ? c.setOp(AlterOp.DELETE) : c.setOp(AlterOp.SET).setValue(value);
        var r = admin().alterConfigs(AlterConfigsRequest.newBuilder()
                .addResources(AlterConfigsResource.newBuilder()
                        .setResource(dev.skiff.proto.v1.ConfigResource.newBuilder()
                                .setType(ResourceType.BROKER)
                                .setName(""))
                        .addConfigs(c))
                .build());
        assertEquals(ErrorCode.NONE, r.getResults(0).getError(), r.toString());
    }

    private boolean hosts(int node, String topic) {
        return cluster.node(node)
                .replicaManager()
                .partition(new TopicPartition(topic, 0))
                .isPresent();
    }

    @Test
    void aMoveCopiesFirstMovesTheLeaderAndDeletesTheOldReplicaAndAThrottledOneCanBeCancelled() throws Exception {
        cluster = TestCluster.start(3, 1, tmp, Map.of());
        assertEquals(ErrorCode.NONE, cluster.create("moved", 1, 2, Map.of()).getError());
        PartitionMetadata before = cluster.awaitLeader("moved", -1);
        List<Integer> old = before.getReplicasList();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            values.add("v" + i);
        }
        int leader = before.getLeader();
        await().atMost(WAIT)
                .until(() -> cluster.produce(leader, "moved", 0, -1, values.toArray(String[]::new))
                                .getError()
                        == ErrorCode.NONE);
        List<Integer> target = new ArrayList<>();
        for (int b = 1; b <= 4 && target.size() < 2; b++) {
            if (!old.contains(b)) {
                target.add(b);
            }
        }
        AlterPartitionReassignmentsResponse r = reassign("moved", Optional.of(target));
        assertEquals(ErrorCode.NONE, r.getResults(0).getError(), r.toString());
        await().atMost(WAIT).untilAsserted(() -> {
            PartitionMetadata now = cluster.partition("moved", 0);
            assertEquals(target, now.getReplicasList());
            assertTrue(target.contains(now.getLeader()), "a target replica leads: " + now);
            assertEquals(0, ongoing().getReassignmentsCount());
        });
        PartitionMetadata after = cluster.partition("moved", 0);
        assertTrue(after.getLeaderEpoch() > before.getLeaderEpoch(), "the leader moved: a new epoch");
        for (int b : target) {
            assertEquals(values, cluster.localValues(b, "moved", 0), "broker " + b + " has every record");
        }
        for (int b : old) {
            await().atMost(WAIT).until(() -> !hosts(b, "moved"));
            assertFalse(cluster.dataDir(b).resolve("moved-0").toFile().exists(), "broker " + b + " deleted its copy");
        }
        UnregisterBrokerResponse held = admin().unregisterBroker(UnregisterBrokerRequest.newBuilder()
                .setBrokerId(target.get(0))
                .build());
        assertEquals(ErrorCode.INVALID_REQUEST, held.getError());
        assertTrue(
                held.getErrorMessage().contains("still holds replicas of 1 partition(s) (moved-0)"), held.toString());

        // A throttled move of a partition with data: at 1 byte/s the new replica cannot catch up,
        // so it stays in progress until it is cancelled, which puts the old replicas back.
        assertEquals(ErrorCode.NONE, cluster.create("slow", 1, 1, Map.of()).getError());
        PartitionMetadata slow = cluster.awaitLeader("slow", -1);
        // One batch per record: the throttle lets one batch through, then owes its size in seconds.
        for (String v : values) {
            await().atMost(WAIT)
                    .until(() ->
                            cluster.produce(slow.getLeader(), "slow", 0, -1, v).getError() == ErrorCode.NONE);
        }
        throttle("1");
        int adding = slow.getLeader() % 4 + 1;
        assertEquals(
                ErrorCode.NONE,
                reassign("slow", Optional.of(List.of(slow.getLeader(), adding)))
                        .getResults(0)
                        .getError());
        await().atMost(WAIT).until(() -> hosts(adding, "slow"));
        assertEquals(1, ongoing().getReassignmentsCount(), "throttled to 1 byte/s: still copying");
        assertEquals(List.of(adding), ongoing().getReassignments(0).getAddingReplicasList());
        AlterPartitionReassignmentsResponse cancelled = reassign("slow", Optional.empty());
        assertEquals(ErrorCode.NONE, cancelled.getResults(0).getError(), cancelled.toString());
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(List.of(slow.getLeader()), cluster.partition("slow", 0).getReplicasList());
            assertFalse(hosts(adding, "slow"), "the partial copy is deleted");
        });
        AlterPartitionReassignmentsResponse none = reassign("slow", Optional.empty());
        assertEquals(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, none.getResults(0).getError());
        throttle(null);
        assertEquals(values, cluster.localValues(slow.getLeader(), "slow", 0), "the cancel lost nothing");
    }
}
