package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.WAIT;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitConverged;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static dev.skiff.metadata.quorum.QuorumTestSupport.createTopic;
import static dev.skiff.metadata.quorum.QuorumTestSupport.submit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.ConfigValidator;
import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.ControllerSettings;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.MetadataRecords;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.TopicImage;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three voters on 127.0.0.1-3 with real Ratis: one leader, one image everywhere, leader loss. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MetadataQuorumClusterTest {
    @TempDir
    Path dir;

    private final List<MetadataQuorum> nodes = new ArrayList<>();
    private List<QuorumVoter> voters;

    private long snapshotThreshold = QuorumConfig.DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES;
    private long segmentBytes = QuorumConfig.DEFAULT_LOG_SEGMENT_BYTES;

    /** A node of the cluster, not started yet (so listeners can be added first); closed after the test. */
    private MetadataQuorum newNode(int nodeId) {
        MetadataQuorum quorum = new MetadataQuorum(QuorumTestSupport.config(nodeId, voters, dir)
                .withSnapshotThresholdEntries(snapshotThreshold)
                .withLogSegmentBytes(segmentBytes));
        nodes.add(quorum);
        return quorum;
    }

    private MetadataQuorum startNode(int nodeId) throws IOException {
        MetadataQuorum quorum = newNode(nodeId);
        quorum.start();
        return quorum;
    }

    private List<MetadataQuorum> startCluster() throws IOException {
        voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> started = new ArrayList<>();
        for (QuorumVoter voter : voters) {
            started.add(startNode(voter.nodeId()));
        }
        return started;
    }

    @AfterEach
    void closeAll() throws IOException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private static MetadataQuorum awaitOneLeader(List<MetadataQuorum> running) {
        return QuorumTestSupport.awaitOneLeader(running, running);
    }

    @Test
    void threeVotersElectOneLeaderAndEveryVoterConvergesOnTheSameImage() throws Exception {
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum leader = awaitOneLeader(cluster);
        MetadataQuorum follower =
                cluster.stream().filter(q -> q != leader).findFirst().orElseThrow();

        // A follower's submissions reach the leader through Ratis' client.
        bootstrap(follower, 3);
        createTopic(follower, leader.image(), new NewTopic("orders", 6, 3), 1);
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(2));
        Decision.Accepted<?> fence =
                assertInstanceOf(Decision.Accepted.class, decisions.fenceBroker(leader.image(), 2));
        SubmitResult.Committed last = commit(leader, fence.batch());

        MetadataImage expected = leader.awaitApplied(last.index())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .image();
        awaitConverged(cluster, expected);
        for (MetadataQuorum node : cluster) {
            await().atMost(WAIT).until(() -> node.appliedImage().index() >= last.index());
        }
        TopicImage orders = expected.topic("orders").orElseThrow();
        orders.partitions().forEach(p -> assertNotEquals(2, p.leader()));
        await().atMost(WAIT)
                .until(() -> leader.status().commitIndexByNode().size() == 3
                        && leader.status().lagByNode().values().stream().allMatch(lag -> lag == 0));
        assertEquals(OptionalInt.of(leader.nodeId()), follower.status().leaderId());
    }

    @Test
    void aStaleChangeIsRejectedOnEveryVoterAlike() throws Exception {
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum leader = awaitOneLeader(cluster);
        bootstrap(leader, 3);
        createTopic(leader, leader.image(), new NewTopic("t", 1, 3), 1);
        TopicImage topic = leader.image().topic("t").orElseThrow();
        MetadataRecord shrink = MetadataRecords.partitionChange(MetadataRecords.partitionChangeOf(topic.id(), 0, 0)
                .setIsr(MetadataRecords.brokerIds(
                        List.of(topic.partitions().get(0).leader()))));
        commit(leader, MetadataRecords.batch(shrink));

        SubmitResult.Rejected stale =
                assertInstanceOf(SubmitResult.Rejected.class, submit(cluster.get(2), MetadataRecords.batch(shrink)));

        assertEquals(ErrorCode.INVALID_UPDATE_VERSION, stale.error());
        for (MetadataQuorum node : cluster) {
            await().atMost(WAIT).until(() -> node.appliedImage().index() >= stale.index());
        }
        awaitConverged(cluster, leader.image());
        assertEquals(1, leader.image().partition("t", 0).orElseThrow().partitionEpoch());
    }

    @Test
    void theQuorumSurvivesLosingItsLeaderAndTheOldLeaderCatchesUp() throws Exception {
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum first = awaitOneLeader(cluster);
        bootstrap(first, 3);
        createTopic(first, first.image(), new NewTopic("before", 2, 3), 1);

        first.close();
        List<MetadataQuorum> rest = cluster.stream().filter(q -> q != first).toList();
        MetadataQuorum second = awaitOneLeader(rest);
        assertNotEquals(first.nodeId(), second.nodeId());
        createTopic(second, second.image(), new NewTopic("after", 1, 2), 2);

        MetadataQuorum restarted = startNode(first.nodeId());
        List<MetadataQuorum> all = new ArrayList<>(rest);
        all.add(restarted);
        awaitConverged(all, second.image());
        assertEquals(2, restarted.image().topics().size());
    }

    @Test
    void aControlledShutdownHandsTheLeadershipToAnotherVoterAtOnce() throws Exception {
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum leader = awaitOneLeader(cluster);
        bootstrap(leader, 3);
        long termBefore = leader.currentTerm();

        long startedNs = System.nanoTime();
        OptionalInt next = leader.transferLeadership();
        MetadataQuorum successor = cluster.stream()
                .filter(q -> q.nodeId() == next.orElseThrow())
                .findFirst()
                .orElseThrow();
        await().atMost(WAIT).until(successor::isLeader);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs);

        assertNotEquals(leader.nodeId(), successor.nodeId());
        assertFalse(leader.isLeader());
        assertEquals(termBefore + 1, successor.currentTerm(), "one election, no contest");
        // Well under an election timeout's worth of waiting on a loaded machine; typically < 100 ms.
        assertTrue(tookMs < 3_000, () -> "the hand-over took " + tookMs + " ms");
        assertEquals(OptionalInt.empty(), leader.transferLeadership(), "no longer the leader: nothing to hand");
        createTopic(leader, successor.image(), new NewTopic("after-handover", 1, 3), 3);
        awaitConverged(cluster, successor.image());
    }

    @Test
    void aRestartedVoterRejoinsWithoutDeposingTheLeader() throws Exception {
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum leader = awaitOneLeader(cluster);
        bootstrap(leader, 3);
        MetadataQuorum away =
                cluster.stream().filter(q -> q != leader).findFirst().orElseThrow();
        away.close();
        for (int i = 0; i < 5; i++) {
            createTopic(leader, leader.image(), new NewTopic("t" + i, 1, 2), i);
        }
        long termBefore = leader.currentTerm();

        long startedNs = System.nanoTime();
        MetadataQuorum back = startNode(away.nodeId());
        await().atMost(WAIT)
                .until(() -> back.leaderId().equals(OptionalInt.of(leader.nodeId()))
                        && back.image().equals(leader.image()));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs);

        // Pre-vote: its elections while it heard no leader yet were refused without a new term.
        assertEquals(termBefore, leader.currentTerm());
        assertTrue(leader.isLeader());
        assertTrue(tookMs < 5_000, () -> "the restarted voter took " + tookMs + " ms to follow the leader");
    }

    @Test
    void aVoterThatWasAwayWhileTheLogWasPurgedInstallsTheLeadersSnapshot() throws Exception {
        snapshotThreshold = 3;
        segmentBytes = QuorumConfig.LOG_SEGMENT_BYTES_MIN;
        List<MetadataQuorum> cluster = startCluster();
        MetadataQuorum leader = awaitOneLeader(cluster);
        MetadataQuorum away =
                cluster.stream().filter(q -> q != leader).findFirst().orElseThrow();
        bootstrap(leader, 3);
        away.close();

        for (int i = 0; i < 12; i++) {
            createTopic(leader, leader.image(), new NewTopic("t" + i, 1, 2), i);
        }
        List<Long> steps = new CopyOnWriteArrayList<>();
        MetadataQuorum back = newNode(away.nodeId());
        back.addImageListener((previous, current) -> steps.add(current.index() - previous.index()));
        back.start();
        List<MetadataQuorum> all =
                new ArrayList<>(cluster.stream().filter(q -> q != away).toList());
        all.add(back);

        awaitConverged(all, leader.image());
        assertEquals(12, back.image().topics().size());
        // Its own snapshot, then the leader's: two images that skip entries, not one per entry.
        assertTrue(steps.stream().filter(step -> step > 1).count() >= 2, () -> "index steps: " + steps);
    }
}
