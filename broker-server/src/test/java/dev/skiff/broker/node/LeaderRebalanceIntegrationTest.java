package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionMetadata;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The automatic preferred-leader rebalance (controller/LeaderRebalancer) on three combined nodes:
 * a preferred leader that restarts and rejoins the ISR leads again at a later check, unless
 * auto.leader.rebalance.enable is false.
 */
@Timeout(120)
class LeaderRebalanceIntegrationTest extends ClusterTest {
    private static final String TOPIC = "pref";
    private static final int CHECK_INTERVAL_S = 1;

    @Test
    void aRestartedPreferredLeaderLeadsAgainAtALaterCheck() throws Exception {
        start(true);
        Moved moved = moveLeadershipAwayAndRestartThePreferredLeader();
        await().atMost(WAIT)
                .untilAsserted(() -> assertEquals(
                        moved.preferred(), partitionSeenBy(moved.interim()).getLeader(), "leader"));
        PartitionMetadata back = partitionSeenBy(moved.interim());
        assertEquals(Set.of(1, 2, 3), Set.copyOf(back.getIsrList()));
    }

    @Test
    void withTheRebalanceDisabledTheInterimLeaderKeepsLeading() throws Exception {
        start(false);
        Moved moved = moveLeadershipAwayAndRestartThePreferredLeader();
        // Several check intervals after the preferred replica could lead again, it still does not.
        await().during(Duration.ofSeconds(5L * CHECK_INTERVAL_S))
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> partitionSeenBy(moved.interim()).getLeader() == moved.interim());
    }

    private void start(boolean rebalance) throws Exception {
        cluster = TestCluster.start(
                3,
                tmp,
                Map.of(
                        "auto.leader.rebalance.enable",
                        Boolean.toString(rebalance),
                        "leader.imbalance.check.interval.seconds",
                        Integer.toString(CHECK_INTERVAL_S)));
    }

    /** Where leadership went while the preferred replica was down. */
    private record Moved(int preferred, int interim) {}

    /**
     * Creates the topic, stops its preferred leader until another replica leads, then restarts it
     * and waits until it is back in the ISR (so it could lead again).
     */
    private Moved moveLeadershipAwayAndRestartThePreferredLeader() {
        assertEquals(ErrorCode.NONE, cluster.create(TOPIC, 1, 3, Map.of()).getError());
        PartitionMetadata first = cluster.awaitLeader(TOPIC, -1);
        int preferred = first.getReplicas(0);
        assertEquals(preferred, first.getLeader(), "a new partition is led by its preferred replica");
        assertEquals(
                ErrorCode.NONE, cluster.produce(preferred, TOPIC, 0, -1, "x").getError());

        cluster.stop(preferred);
        int interim = cluster.awaitLeader(TOPIC, preferred).getLeader();
        assertNotEquals(preferred, interim);
        cluster.restart(preferred);
        await().atMost(WAIT).until(() -> partitionSeenBy(interim).getIsrList().contains(preferred));
        return new Moved(preferred, interim);
    }

    /** Partition 0 as broker {@code nodeId}'s metadata has it. */
    private PartitionMetadata partitionSeenBy(int nodeId) {
        return cluster.metadata(nodeId, TOPIC).getTopics(0).getPartitions(0);
    }
}
