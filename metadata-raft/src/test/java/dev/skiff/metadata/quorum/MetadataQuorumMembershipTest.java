package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.WAIT;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitConverged;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitOneLeader;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.MetadataRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the voters of a real Ratis quorum one at a time: an observer (listener) becomes a voter
 * and counts towards commits; a voter, the leader included, leaves; bad changes name the problem.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetadataQuorumMembershipTest {
    @TempDir
    Path dir;

    private final List<MetadataQuorum> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private MetadataQuorum start(QuorumConfig config) throws IOException {
        MetadataQuorum q = new MetadataQuorum(config);
        nodes.add(q);
        q.start();
        return q;
    }

    private static List<Integer> ids(MetadataQuorum q) {
        return q.currentVoters().stream().map(QuorumVoter::nodeId).toList();
    }

    @Test
    void anObserverBecomesAVoterAndAVoterLeavesTheLeaderFirst() throws Exception {
        List<QuorumVoter> voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> bootstrapVoters = new ArrayList<>();
        for (QuorumVoter v : voters) {
            bootstrapVoters.add(start(QuorumTestSupport.config(v.nodeId(), voters, dir)));
        }
        MetadataQuorum leader = awaitOneLeader(bootstrapVoters, bootstrapVoters);
        bootstrap(leader, 3);
        MetadataQuorum four =
                start(QuorumTestSupport.listenerConfig(4, voters, dir, QuorumTestSupport.freePort("127.0.0.4")));
        List<MetadataQuorum> all = new ArrayList<>(nodes);
        awaitConverged(all, leader.image());

        MetadataQuorum follower =
                bootstrapVoters.stream().filter(q -> !q.isLeader()).findFirst().orElseThrow();
        IOException notLeader = assertThrows(IOException.class, () -> follower.addVoter(4));
        assertTrue(
                notLeader.getMessage().contains("is not the active controller (node " + leader.nodeId() + " is)"),
                notLeader.getMessage());
        IOException stranger = assertThrows(IOException.class, () -> leader.addVoter(9));
        assertTrue(stranger.getMessage().contains("node 9 does not follow the metadata quorum"), stranger.getMessage());
        IOException twice = assertThrows(IOException.class, () -> leader.addVoter(leader.nodeId()));
        assertTrue(twice.getMessage().contains("is already a voter"), twice.getMessage());

        leader.addVoter(4);
        await().atMost(WAIT).until(() -> all.stream().allMatch(q -> ids(q).equals(List.of(1, 2, 3, 4))));

        // The leader leaves: a new one is elected among 2 of the others and node 4.
        int gone = leader.nodeId();
        leader.removeVoter(gone);
        List<MetadataQuorum> remaining = new ArrayList<>(bootstrapVoters);
        remaining.remove(leader);
        remaining.add(four);
        MetadataQuorum next = awaitOneLeader(remaining, remaining);
        await().atMost(WAIT)
                .until(() -> remaining.stream().allMatch(q -> !ids(q).contains(gone) && ids(q).size() == 3));
        leader.close();

        // Of the three voters left, stop one that is not node 4: a commit then needs node 4's vote.
        MetadataQuorum stopped = remaining.stream()
                .filter(q -> q != four && q != next)
                .findFirst()
                .orElseGet(() ->
                        remaining.stream().filter(q -> q != four).findFirst().orElseThrow());
        stopped.close();
        List<MetadataQuorum> two = new ArrayList<>(remaining);
        two.remove(stopped);
        MetadataQuorum last = awaitOneLeader(two, two);
        commit(last, MetadataRecords.batch(MetadataRecords.clusterId("test-cluster")));
        assertEquals(3, four.image().brokers().size());
    }
}
