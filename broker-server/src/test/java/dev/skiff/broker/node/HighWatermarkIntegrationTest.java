package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.skiff.broker.replica.Partition;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionData;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumers see only records below the high watermark (DESIGN §6), on three combined nodes: acks=1
 * writes that a stalled ISR member has not fetched stay hidden from consumer fetches and from
 * ListOffsets LATEST, and show once that follower catches up or once it leaves the ISR.
 */
@Timeout(120)
class HighWatermarkIntegrationTest extends ClusterTest {
    private static final String TOPIC = "hw";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final List<String> REPLICATED = List.of("r-0", "r-1");
    private static final List<String> ALL = List.of("r-0", "r-1", "r-2", "r-3", "r-4");

    @Test
    void recordsBeyondTheHighWatermarkShowOnceTheStalledFollowerCatchesUp() throws Exception {
        // replica.lag.time.max.ms keeps its 30 s: the stalled follower stays in the ISR throughout.
        cluster = TestCluster.start(3, tmp, Map.of());
        int leader = createAndReplicateTwoRecords();
        int stalled = followerOf(leader);

        cluster.node(stalled).replicaFetchers().pause(true);
        appendThreeMoreWithAcksOne(leader);
        assertOnlyTheReplicatedRecordsAreVisible(leader);
        assertEquals(List.of(1, 2, 3), isrAtLeader(leader), "a stalled follower is not dropped before its lag time");

        cluster.node(stalled).replicaFetchers().pause(false);
        await().atMost(WAIT).untilAsserted(() -> assertEverythingIsVisible(leader));
        assertEquals(List.of(1, 2, 3), isrAtLeader(leader), "the HW moved because the follower caught up");
    }

    @Test
    void recordsBeyondTheHighWatermarkShowOnceTheStalledFollowerLeavesTheIsr() throws Exception {
        // Long enough that the checks right after the write run before the follower counts as lagging.
        cluster = TestCluster.start(3, tmp, Map.of("replica.lag.time.max.ms", "4000"));
        int leader = createAndReplicateTwoRecords();
        int stalled = followerOf(leader);

        cluster.node(stalled).replicaFetchers().pause(true);
        appendThreeMoreWithAcksOne(leader);
        assertOnlyTheReplicatedRecordsAreVisible(leader);

        await().atMost(WAIT).untilAsserted(() -> assertEverythingIsVisible(leader));
        List<Integer> isr = isrAtLeader(leader);
        assertEquals(2, isr.size(), "the HW moved because the stalled follower left the ISR: " + isr);
        assertFalse(isr.contains(stalled), "ISR " + isr + " still has stalled follower " + stalled);

        cluster.node(stalled).replicaFetchers().pause(false);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of(1, 2, 3), isrAtLeader(leader)));
        assertEquals(ALL, cluster.localValues(stalled, TOPIC, 0));
    }

    /** Creates the RF=3 topic and writes r-0, r-1 with acks=all; returns the leader. */
    private int createAndReplicateTwoRecords() {
        assertEquals(ErrorCode.NONE, cluster.create(TOPIC, 1, 3, Map.of()).getError());
        PartitionMetadata p = cluster.awaitLeader(TOPIC, -1);
        assertEquals(Set.of(1, 2, 3), Set.copyOf(p.getIsrList()));
        PartitionProduceResponse r = cluster.produce(p.getLeader(), TOPIC, 0, -1, REPLICATED.toArray(String[]::new));
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        return p.getLeader();
    }

    /** r-2..r-4 with acks=1: the leader answers once it has appended them. */
    private void appendThreeMoreWithAcksOne(int leader) {
        PartitionProduceResponse r = cluster.produce(leader, TOPIC, 0, 1, "r-2", "r-3", "r-4");
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        assertEquals(2, r.getBaseOffset());
        assertEquals(5, leaderPartition(leader).log().logEndOffset(), "the leader appended them");
    }

    private void assertOnlyTheReplicatedRecordsAreVisible(int leader) {
        PartitionData fromStart = cluster.fetch(leader, TOPIC, 0, 0);
        assertEquals(ErrorCode.NONE, fromStart.getError(), fromStart.getErrorMessage());
        assertEquals(2, fromStart.getHighWatermark());
        assertEquals(REPLICATED, TestCluster.values(fromStart));
        PartitionData atHw = cluster.fetch(leader, TOPIC, 0, 2);
        assertEquals(ErrorCode.NONE, atHw.getError(), atHw.getErrorMessage());
        assertEquals(2, atHw.getHighWatermark());
        assertEquals(List.of(), TestCluster.values(atHw), "records at the HW are not served yet");
        var latest = cluster.listOffset(leader, TOPIC, 0, -1);
        assertEquals(ErrorCode.NONE, latest.getError(), latest.getErrorMessage());
        assertEquals(2, latest.getOffset(), "LATEST is the high watermark, not the log end (5)");
    }

    private void assertEverythingIsVisible(int leader) {
        PartitionData fromStart = cluster.fetch(leader, TOPIC, 0, 0);
        assertEquals(5, fromStart.getHighWatermark());
        assertEquals(ALL, TestCluster.values(fromStart));
        assertEquals(5, cluster.listOffset(leader, TOPIC, 0, -1).getOffset());
    }

    private Partition leaderPartition(int leader) {
        return cluster.node(leader).replicaManager().partition(TP).orElseThrow();
    }

    /** The ISR as the leader holds it (the one its high watermark is computed over), sorted. */
    private List<Integer> isrAtLeader(int leader) {
        return leaderPartition(leader).assignment().isr().stream().sorted().toList();
    }

    private static int followerOf(int leader) {
        return leader == 1 ? 2 : 1;
    }
}
