package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.WAIT;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitConverged;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitOneLeader;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static dev.skiff.metadata.quorum.QuorumTestSupport.createTopic;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.MetadataRecords;
import dev.skiff.metadata.NewTopic;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker-only nodes follow the metadata log as Ratis listeners: three voters on 127.0.0.1-3 and
 * listener node 4 on 127.0.0.4, real Ratis and files. The listener keeps the same image, submits
 * through the leader, knows the leader, never leads (checked after every test), follows the quorum
 * that survives the loss of its leader, and rejoins after its own restart and the voters', by
 * snapshot when the log it missed was purged.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetadataQuorumListenerTest {
    private static final int LISTENER = 4;

    @TempDir
    Path dir;

    private final List<MetadataQuorum> nodes = new ArrayList<>();
    /** Every leader any node (voter or listener) was told of, in order. */
    private final List<Integer> leadersSeen = new CopyOnWriteArrayList<>();

    private List<QuorumVoter> voters;
    private long snapshotThreshold = QuorumConfig.DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES;
    private long segmentBytes = QuorumConfig.DEFAULT_LOG_SEGMENT_BYTES;

    @AfterEach
    void closeAll() throws IOException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        assertFalse(leadersSeen.contains(LISTENER), () -> "the listener led: " + leadersSeen);
    }

    private MetadataQuorum start(QuorumConfig config) throws IOException {
        MetadataQuorum quorum = new MetadataQuorum(
                config.withSnapshotThresholdEntries(snapshotThreshold).withLogSegmentBytes(segmentBytes));
        nodes.add(quorum);
        quorum.addLeaderListener(leadersSeen::add);
        quorum.start();
        return quorum;
    }

    private List<MetadataQuorum> startVoters() throws IOException {
        voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> started = new ArrayList<>();
        for (QuorumVoter voter : voters) {
            started.add(start(QuorumTestSupport.config(voter.nodeId(), voters, dir)));
        }
        return started;
    }

    private MetadataQuorum startListener(int port) throws IOException {
        return start(QuorumTestSupport.listenerConfig(LISTENER, voters, dir, port));
    }

    private static List<MetadataQuorum> plus(List<MetadataQuorum> some, MetadataQuorum one) {
        return Stream.concat(some.stream(), Stream.of(one)).toList();
    }

    @Test
    void aListenerFollowsTheLogSubmitsThroughTheLeaderAndNeverVotes() throws Exception {
        List<MetadataQuorum> cluster = startVoters();
        MetadataQuorum leader = awaitOneLeader(cluster, cluster);
        bootstrap(leader, 3);
        MetadataQuorum listener = startListener(QuorumTestSupport.freePort("127.0.0.4"));
        List<MetadataQuorum> all = plus(cluster, listener);

        assertTrue(listener.isListener());
        awaitOneLeader(cluster, all);
        awaitConverged(all, leader.image());
        // Its own submissions reach the leader through the Ratis client.
        SubmitResult.Committed created = createTopic(listener, listener.image(), new NewTopic("orders", 3, 3), 1);
        await().atMost(WAIT).until(() -> listener.appliedImage().index() >= created.index());
        assertTrue(listener.image().topic("orders").isPresent());
        awaitConverged(all, leader.image());

        assertFalse(listener.isLeader());
        assertEquals(OptionalInt.of(leader.nodeId()), listener.leaderId());
        assertEquals(OptionalInt.empty(), listener.transferLeadership());
        // A listener does not count towards a commit: the voters' status leaves it out.
        assertEquals(
                List.of(1, 2, 3),
                List.copyOf(leader.status().commitIndexByNode().keySet()));
    }

    @Test
    void theListenerFollowsTheQuorumThatSurvivesItsLeaderAndRejoinsAfterARestart() throws Exception {
        List<MetadataQuorum> cluster = startVoters();
        MetadataQuorum first = awaitOneLeader(cluster, cluster);
        bootstrap(first, 3);
        int port = QuorumTestSupport.freePort("127.0.0.4");
        MetadataQuorum listener = startListener(port);
        awaitConverged(plus(cluster, listener), first.image());

        first.close();
        List<MetadataQuorum> rest = cluster.stream().filter(q -> q != first).toList();
        MetadataQuorum second = awaitOneLeader(rest, plus(rest, listener));
        createTopic(second, second.image(), new NewTopic("after-failover", 1, 2), 2);
        awaitConverged(plus(rest, listener), second.image());

        listener.close();
        createTopic(second, second.image(), new NewTopic("while-away", 1, 2), 3);
        MetadataQuorum back = startListener(port);
        awaitOneLeader(rest, plus(rest, back));
        awaitConverged(plus(rest, back), second.image());
        assertTrue(back.image().topic("while-away").isPresent());

        // A voter restarting finds the listener in its own log: the listener follows on.
        MetadataQuorum restartedVoter = start(QuorumTestSupport.config(first.nodeId(), voters, dir));
        List<MetadataQuorum> voting = plus(rest, restartedVoter);
        MetadataQuorum leader = awaitOneLeader(voting, plus(voting, back));
        commit(back, MetadataRecords.batch(MetadataRecords.clusterId("test-cluster")));
        createTopic(leader, leader.image(), new NewTopic("last", 1, 3), 4);
        awaitConverged(plus(voting, back), leader.image());
    }

    @Test
    void aListenerRestartingAtTheSameAddressNeedsNoLeaderToFollowAgain() throws Exception {
        List<MetadataQuorum> cluster = startVoters();
        MetadataQuorum leader = awaitOneLeader(cluster, cluster);
        bootstrap(leader, 2);
        int port = QuorumTestSupport.freePort("127.0.0.4");
        MetadataQuorum listener = startListener(port);
        awaitConverged(plus(cluster, listener), leader.image());
        listener.close();

        // With every voter down, it still starts, from its own log, and then follows the voters
        // once they are back.
        for (MetadataQuorum voter : cluster) {
            voter.close();
        }
        MetadataQuorum back = startListener(port);
        assertEquals(leader.image(), back.image());
        List<MetadataQuorum> again = new ArrayList<>();
        for (QuorumVoter voter : voters) {
            again.add(start(QuorumTestSupport.config(voter.nodeId(), voters, dir)));
        }
        MetadataQuorum newLeader = awaitOneLeader(again, plus(again, back));
        createTopic(newLeader, newLeader.image(), new NewTopic("t", 1, 2), 5);
        awaitConverged(plus(again, back), newLeader.image());
    }

    @Test
    void aListenerThatWasAwayWhileTheLogWasPurgedInstallsTheLeadersSnapshot() throws Exception {
        snapshotThreshold = 3;
        segmentBytes = QuorumConfig.LOG_SEGMENT_BYTES_MIN;
        List<MetadataQuorum> cluster = startVoters();
        MetadataQuorum leader = awaitOneLeader(cluster, cluster);
        bootstrap(leader, 3);
        int port = QuorumTestSupport.freePort("127.0.0.4");
        MetadataQuorum listener = startListener(port);
        awaitConverged(plus(cluster, listener), leader.image());
        listener.close();

        for (int i = 0; i < 12; i++) {
            createTopic(leader, leader.image(), new NewTopic("t" + i, 1, 2), i);
        }
        List<Long> steps = new CopyOnWriteArrayList<>();
        MetadataQuorum back = new MetadataQuorum(QuorumTestSupport.listenerConfig(LISTENER, voters, dir, port)
                .withSnapshotThresholdEntries(snapshotThreshold)
                .withLogSegmentBytes(segmentBytes));
        nodes.add(back);
        back.addImageListener((previous, current) -> steps.add(current.index() - previous.index()));
        back.start();

        awaitConverged(plus(cluster, back), leader.image());
        assertEquals(12, back.image().topics().size());
        // Its own snapshot, then the leader's: two images that skip entries, not one per entry.
        assertTrue(steps.stream().filter(step -> step > 1).count() >= 2, () -> "index steps: " + steps);
    }

    @Test
    void aListenerThatMovedToAnotherAddressIsRefusedWithAMessage() throws Exception {
        List<MetadataQuorum> cluster = startVoters();
        awaitOneLeader(cluster, cluster);
        MetadataQuorum listener = startListener(QuorumTestSupport.freePort("127.0.0.4"));
        await().atMost(WAIT).until(() -> listener.leaderId().isPresent());
        listener.close();

        MetadataQuorum moved = new MetadataQuorum(QuorumTestSupport.listenerConfig(
                LISTENER, voters, dir.resolve("elsewhere"), QuorumTestSupport.freePort("127.0.0.4")));
        nodes.add(moved);
        IOException e = assertThrows(IOException.class, moved::start);
        assertTrue(e.getMessage().contains("must keep its address"), e.getMessage());
    }

    @Test
    void aListenerOfAnotherClusterIsToldSo() throws Exception {
        List<MetadataQuorum> cluster = startVoters();
        awaitOneLeader(cluster, cluster);
        MetadataQuorum stranger = new MetadataQuorum(QuorumConfig.listener(
                LISTENER,
                voters,
                new InetSocketAddress("127.0.0.4", QuorumTestSupport.freePort("127.0.0.4")),
                dir.resolve("stranger"),
                "another-cluster"));
        nodes.add(stranger);
        IOException e = assertThrows(IOException.class, stranger::start);
        assertTrue(e.getMessage().contains("belongs to another cluster"), e.getMessage());
    }

    @Test
    void aNodeCannotBeBothVoterAndListener() throws IOException {
        voters = QuorumTestSupport.voters(3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> QuorumConfig.listener(
                        2, voters, new InetSocketAddress("127.0.0.2", 0), dir.resolve("x"), "test-cluster"));
        assertTrue(e.getMessage().contains("one of the voters"), e.getMessage());
        IllegalArgumentException noPort = assertThrows(
                IllegalArgumentException.class,
                () -> QuorumConfig.listener(
                        4, voters, new InetSocketAddress("127.0.0.4", 0), dir.resolve("x"), "test-cluster"));
        assertTrue(noPort.getMessage().contains("fixed port"), noPort.getMessage());
    }
}
