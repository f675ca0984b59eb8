package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.skiff.broker.replica.Partition;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * acks=all against min.insync.replicas on three combined nodes (DESIGN §6): a write appended while
 * the ISR was full, whose ISR then shrinks below the minimum before every member has it, is
 * answered NOT_ENOUGH_REPLICAS_AFTER_APPEND; with the ISR already below the minimum, acks=all is
 * refused with NOT_ENOUGH_REPLICAS and nothing is written.
 */
@Timeout(120)
class MinInsyncReplicasIntegrationTest extends ClusterTest {
    private static final String TOPIC = "strict";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void anIsrShrinkingBelowMinIsrWhileAnAcksAllWriteWaitsAndAWriteAfterIt() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of("replica.lag.time.max.ms", "2000"));
        assertEquals(
                ErrorCode.NONE,
                cluster.create(TOPIC, 1, 3, Map.of("min.insync.replicas", "3")).getError());
        PartitionMetadata p = cluster.awaitLeader(TOPIC, -1);
        int leader = p.getLeader();
        assertEquals(Set.of(1, 2, 3), Set.copyOf(p.getIsrList()));
        assertProduced(cluster.produce(leader, TOPIC, 0, -1, "a"));
        int stalled = leader == 1 ? 2 : 1;

        // The stalled follower never reports having "b", so the write waits; after
        // replica.lag.time.max.ms the leader drops it, leaving an ISR of 2 < min.insync.replicas.
        cluster.node(stalled).replicaFetchers().pause(true);
        CompletableFuture<PartitionProduceResponse> waiting =
                CompletableFuture.supplyAsync(() -> cluster.produce(leader, TOPIC, 0, -1, "b"));
        await().atMost(WAIT).until(() -> cluster.localValues(leader, TOPIC, 0).equals(List.of("a", "b")));
        PartitionProduceResponse afterAppend = waiting.get(60, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, afterAppend.getError(), afterAppend.getErrorMessage());
        assertEquals(-1, afterAppend.getBaseOffset());
        List<Integer> isr = isrAtLeader(leader);
        assertEquals(2, isr.size(), "ISR " + isr);
        assertFalse(isr.contains(stalled), "ISR " + isr + " still has stalled follower " + stalled);
        assertEquals(List.of("a", "b"), cluster.localValues(leader, TOPIC, 0), "the write was appended");

        // Now the ISR is below the minimum before the write: refused, nothing appended.
        long endBefore = leaderPartition(leader).log().logEndOffset();
        PartitionProduceResponse refused = cluster.produce(leader, TOPIC, 0, -1, "c");
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, refused.getError(), refused.getErrorMessage());
        assertEquals(-1, refused.getBaseOffset());
        assertEquals(endBefore, leaderPartition(leader).log().logEndOffset());
        assertEquals(List.of("a", "b"), cluster.localValues(leader, TOPIC, 0), "nothing was appended");

        // The follower fetches again and rejoins: acks=all goes through again.
        cluster.node(stalled).replicaFetchers().pause(false);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of(1, 2, 3), isrAtLeader(leader)));
        assertProduced(cluster.produce(leader, TOPIC, 0, -1, "d"));
        for (int node = 1; node <= 3; node++) {
            assertEquals(List.of("a", "b", "d"), cluster.localValues(node, TOPIC, 0), "log of node " + node);
        }
    }

    private static void assertProduced(PartitionProduceResponse r) {
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
    }

    private Partition leaderPartition(int leader) {
        return cluster.node(leader).replicaManager().partition(TP).orElseThrow();
    }

    private List<Integer> isrAtLeader(int leader) {
        return leaderPartition(leader).assignment().isr().stream().sorted().toList();
    }
}
