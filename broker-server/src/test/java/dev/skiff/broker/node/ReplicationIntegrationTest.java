package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replication between three combined nodes in this JVM (DESIGN §6): acks=all waits for the ISR,
 * a stopped leader's partition moves to an ISR member at a higher epoch and produce goes on there,
 * the ISR shrinks and expands again when the node is back, and a node that returns with a tail
 * the new leader never had truncates it.
 */
@Timeout(240)
class ReplicationIntegrationTest extends ClusterTest {
    @Test
    void leaderStopsProduceGoesOnIsrShrinksAndExpands() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of());
        assertEquals(
                ErrorCode.NONE,
                cluster.create("orders", 1, 3, Map.of("min.insync.replicas", "2"))
                        .getError());
        PartitionMetadata first = awaitLeader("orders", -1);
        int leader = first.getLeader();
        assertEquals(Set.of(1, 2, 3), Set.copyOf(first.getIsrList()));

        List<String> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String v = "before-" + i;
            assertEquals(
                    ErrorCode.NONE, cluster.produce(leader, "orders", 0, -1, v).getError());
            written.add(v);
        }
        // acks=all answered: every ISR member has every record.
        for (int node = 1; node <= 3; node++) {
            assertEquals(written, cluster.localValues(node, "orders", 0), "log of node " + node);
        }

        cluster.stop(leader);
        PartitionMetadata second = awaitLeader("orders", leader);
        assertTrue(second.getLeaderEpoch() > first.getLeaderEpoch(), "the new leader has a higher epoch");
        assertEquals(2, second.getIsrCount(), "the stopped broker left the ISR: " + second.getIsrList());
        int newLeader = second.getLeader();
        for (int i = 0; i < 20; i++) {
            String v = "after-" + i;
            assertEquals(
                    ErrorCode.NONE,
                    cluster.produce(newLeader, "orders", 0, -1, v).getError());
            written.add(v);
        }

        cluster.restart(leader);
        await().atMost(WAIT)
                .untilAsserted(() -> assertEquals(
                        Set.of(1, 2, 3),
                        Set.copyOf(cluster.partition("orders", 0).getIsrList())));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(written, cluster.localValues(leader, "orders", 0)));

        // With two replicas down the ISR is below min.insync.replicas=2: acks=all writes nothing.
        int other = Set.of(1, 2, 3).stream()
                .filter(n -> n != newLeader && n != leader)
                .findFirst()
                .orElseThrow();
        cluster.stop(leader);
        cluster.stop(other);
        await().atMost(WAIT).until(() -> cluster.partition("orders", 0).getIsrCount() == 1);
        PartitionProduceResponse refused = cluster.produce(newLeader, "orders", 0, -1, "refused");
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, refused.getError(), refused.getErrorMessage());
        assertEquals(written, cluster.localValues(newLeader, "orders", 0));
    }

    @Test
    void laggingFollowersLeaveTheIsrAndAReturningLeaderTruncatesItsTail() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of("replica.lag.time.max.ms", "1000"));
        // Unclean election lets a replica outside the ISR lead, so the old leader's tail diverges.
        assertEquals(
                ErrorCode.NONE,
                cluster.create("events", 1, 3, Map.of("unclean.leader.election.enable", "true"))
                        .getError());
        int old = awaitLeader("events", -1).getLeader();
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    ErrorCode.NONE,
                    cluster.produce(old, "events", 0, -1, "common-" + i).getError());
        }
        List<Integer> followers =
                Set.of(1, 2, 3).stream().filter(n -> n != old).sorted().toList();
        for (int f : followers) {
            cluster.node(f).replicaFetchers().pause(true);
        }
        // Live but stalled followers leave the ISR after replica.lag.time.max.ms once there is
        // something they have not fetched.
        assertEquals(
                ErrorCode.NONE, cluster.produce(old, "events", 0, 1, "lost-0").getError());
        await().atMost(WAIT)
                .until(() -> cluster.partition("events", 0).getIsrList().equals(List.of(old)));
        for (int i = 1; i < 3; i++) {
            assertEquals(
                    ErrorCode.NONE,
                    cluster.produce(old, "events", 0, 1, "lost-" + i).getError());
        }
        cluster.stop(old);
        PartitionMetadata unclean = awaitLeader("events", old);
        int next = unclean.getLeader();
        assertTrue(followers.contains(next));
        for (int f : followers) {
            cluster.node(f).replicaFetchers().pause(false);
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    ErrorCode.NONE,
                    cluster.produce(next, "events", 0, 1, "new-" + i).getError());
        }

        // A fetch parked at the moment of the pause may have carried lost-0 to the new leader;
        // lost-1 and lost-2 only the old leader ever had.
        List<String> kept = cluster.localValues(next, "events", 0);
        assertEquals(List.of("new-0", "new-1"), kept.subList(kept.size() - 2, kept.size()));
        assertTrue(kept.stream().noneMatch(v -> v.equals("lost-1") || v.equals("lost-2")), kept.toString());
        cluster.restart(old);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(kept, cluster.localValues(old, "events", 0)));
        await().atMost(WAIT)
                .untilAsserted(() -> assertTrue(
                        cluster.partition("events", 0).getIsrList().contains(old),
                        "the truncated node rejoins the ISR"));
    }

    @Test
    void aBrokerBackWithAnEmptyDiskNeverLeadsOnItsOldIsrMembership() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of());
        assertEquals(ErrorCode.NONE, cluster.create("solo", 1, 1, Map.of()).getError());
        assertEquals(ErrorCode.NONE, cluster.create("wide", 1, 3, Map.of()).getError());
        int soloLeader = awaitLeader("solo", -1).getLeader();
        assertEquals(
                ErrorCode.NONE,
                cluster.produce(soloLeader, "solo", 0, 1, "only-copy").getError());
        int wideLeader = awaitLeader("wide", -1).getLeader();
        List<String> wide = List.of("w-0", "w-1", "w-2");
        assertEquals(
                ErrorCode.NONE,
                cluster.produce(wideLeader, "wide", 0, -1, wide.toArray(String[]::new))
                        .getError());

        // The only replica of "solo" loses its disk: back, it must not lead "solo" (its data is
        // gone); with unclean election off the partition stays offline.
        cluster.stop(soloLeader);
        deleteRecursively(cluster.dataDir(soloLeader));
        cluster.restart(soloLeader);
        await().atMost(WAIT).untilAsserted(() -> {
            PartitionMetadata p = cluster.partition("solo", 0);
            assertEquals(-1, p.getLeader());
            assertEquals(List.of(), p.getIsrList());
        });
        // On "wide" it was one of three: it catches up from the leader and rejoins the ISR.
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertEquals(3, cluster.partition("wide", 0).getIsrCount()));
        int returned = soloLeader;
        await().atMost(WAIT).untilAsserted(() -> assertEquals(wide, cluster.localValues(returned, "wide", 0)));
    }

    @Test
    void aLeaderThatWroteNothingInItsEpochFollowsAgainWithoutLooping() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of("auto.leader.rebalance.enable", "false"));
        assertEquals(
                ErrorCode.NONE,
                cluster.create("idle", 1, 3, Map.of("min.insync.replicas", "3")).getError());
        int preferred = awaitLeader("idle", -1).getLeader();
        assertEquals(
                ErrorCode.NONE,
                cluster.produce(preferred, "idle", 0, -1, "a", "b").getError());
        // Leadership moves away and back without a write in between: the interim leader holds an
        // epoch with no batch in it, which it must drop when it follows again.
        cluster.stop(preferred);
        int interim = awaitLeader("idle", preferred).getLeader();
        cluster.restart(preferred);
        await().atMost(WAIT).until(() -> cluster.partition("idle", 0).getIsrCount() == 3);
        var elected = dev.skiff.proto.v1.AdminGrpc.newBlockingStub(cluster.channel(interim))
                .electLeaders(dev.skiff.proto.v1.ElectLeadersRequest.newBuilder()
                        .setElectionType(dev.skiff.proto.v1.ElectionType.PREFERRED)
                        .setAllTopicPartitions(true)
                        .build());
        assertEquals(ErrorCode.NONE, elected.getError(), elected.toString());
        await().atMost(WAIT).until(() -> cluster.partition("idle", 0).getLeader() == preferred);
        // min.insync.replicas=3: this write needs the interim leader to fetch again.
        PartitionProduceResponse r = cluster.produce(preferred, "idle", 0, -1, "c");
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        await().atMost(WAIT)
                .untilAsserted(() -> assertEquals(List.of("a", "b", "c"), cluster.localValues(interim, "idle", 0)));
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private PartitionMetadata awaitLeader(String topic, int not) {
        return cluster.awaitLeader(topic, not);
    }
}
