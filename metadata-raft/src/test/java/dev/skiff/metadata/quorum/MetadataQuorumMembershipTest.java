package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.WAIT;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitConverged;
import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitOneLeader;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.MetadataRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the voters of a real Ratis quorum one at a time: an observer (listener) becomes a voter
 * and counts towards commits; a voter, and then the leader itself, leave and go on following the
 * log as observers; bad changes name the problem.
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

    /** Every node has the voters {@code expected} and the same image as the leader after a commit. */
    private void awaitVotersAndFollowing(List<Integer> expected) throws Exception {
        try {
            await().atMost(WAIT).until(() -> nodes.stream().allMatch(q -> ids(q).equals(expected)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder b = new StringBuilder("voters per node, expected " + expected + ":");
            nodes.forEach(q -> b.append(" node ")
                    .append(q.nodeId())
                    .append('=')
                    .append(ids(q))
                    .append(" leader ")
                    .append(q.leaderId())
                    .append(" applied ")
                    .append(q.appliedImage().index()));
            throw new AssertionError(b.toString(), e);
        }
        List<MetadataQuorum> voters =
                nodes.stream().filter(q -> expected.contains(q.nodeId())).toList();
        MetadataQuorum leader = awaitOneLeader(voters, nodes);
        commit(
                leader,
                MetadataRecords.batch(MetadataRecords.producerIds(
                        1, leader.image().nextProducerId(), leader.image().nextProducerId() + 1000)));
        awaitConverged(nodes, leader.image());
        await().atMost(WAIT)
                .until(() -> nodes.stream().allMatch(q -> q.leaderId().equals(OptionalInt.of(leader.nodeId()))));
    }

    @Test
    void anObserverBecomesAVoterAndVotersLeaveAsObserversTheLeaderToo() throws Exception {
        List<QuorumVoter> voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> bootstrapVoters = new ArrayList<>();
        for (QuorumVoter v : voters) {
            bootstrapVoters.add(start(QuorumTestSupport.config(v.nodeId(), voters, dir)));
        }
        MetadataQuorum leader = awaitOneLeader(bootstrapVoters, bootstrapVoters);
        bootstrap(leader, 3);
        start(QuorumTestSupport.listenerConfig(4, voters, dir, QuorumTestSupport.freePort("127.0.0.4")));
        awaitConverged(nodes, leader.image());

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
        awaitVotersAndFollowing(List.of(1, 2, 3, 4));

        // A voter that does not lead leaves, and follows the log as an observer.
        List<Integer> left = new ArrayList<>(List.of(1, 2, 3, 4));
        left.remove(Integer.valueOf(follower.nodeId()));
        leader.removeVoter(follower.nodeId());
        awaitVotersAndFollowing(left);

        // The leader leaves: it hands over first. Two voters are left, node 4 one of them, so
        // every commit from now on needs node 4's vote.
        MetadataQuorum current = awaitOneLeader(
                nodes.stream().filter(q -> left.contains(q.nodeId())).toList(), nodes);
        int gone = current.nodeId() == 4
                ? left.stream().filter(i -> i != 4).findFirst().orElseThrow()
                : current.nodeId();
        MetadataQuorum remover = current;
        remover.removeVoter(gone);
        List<Integer> two = new ArrayList<>(left);
        two.remove(Integer.valueOf(gone));
        awaitVotersAndFollowing(two);
        assertTrue(two.contains(4), two.toString());
    }

    @Test
    void aVoterThatLostItsStorageRefusesToVoteUntilRemovedAndAddedAgain() throws Exception {
        List<QuorumVoter> voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> started = new ArrayList<>();
        for (QuorumVoter v : voters) {
            started.add(start(QuorumTestSupport.config(v.nodeId(), voters, dir)));
        }
        MetadataQuorum leader = awaitOneLeader(started, started);
        bootstrap(leader, 3);
        MetadataQuorum lost =
                started.stream().filter(q -> q != leader).findFirst().orElseThrow();
        awaitConverged(started, leader.image());
        int id = lost.nodeId();
        lost.close();
        nodes.remove(lost);
        deleteTree(dir.resolve("node-" + id));

        MetadataQuorum again = new MetadataQuorum(QuorumTestSupport.config(id, voters, dir));
        IOException refused = assertThrows(IOException.class, again::start);
        assertTrue(
                refused.getMessage().contains("is a voter of the metadata quorum, but its metadata storage"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("remove-controller --controller-id " + id), refused.getMessage());
        again.close();

        leader.removeVoter(id);
        List<Integer> two =
                voters.stream().map(QuorumVoter::nodeId).filter(n -> n != id).toList();
        await().atMost(WAIT).until(() -> ids(leader).equals(two));
        // It comes back as an observer (a broker-only node) at its old address, and catches up.
        List<QuorumVoter> others = voters.stream().filter(v -> v.nodeId() != id).toList();
        MetadataQuorum observer = start(QuorumTestSupport.listenerConfig(
                id, others, dir, voters.get(id - 1).port()));
        awaitVotersAndFollowing(two);
        MetadataQuorum current = awaitOneLeader(
                nodes.stream().filter(q -> two.contains(q.nodeId())).toList(), nodes);
        current.addVoter(id);
        awaitVotersAndFollowing(voters.stream().map(QuorumVoter::nodeId).toList());
        assertTrue(observer.image().brokers().size() == 3);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
