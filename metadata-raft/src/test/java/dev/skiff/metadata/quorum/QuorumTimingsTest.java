package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.awaitOneLeader;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.metadata.MetadataRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, not asserts: how long three voters on loopback take to replace a lost leader, to hear a
 * restarted voter again after it was away, and to hand leadership over. Opt-in, as it runs for
 * minutes; the medians are printed as one line each:
 *
 * <pre>
 * mvn -B -o -q verify -pl proto,metadata-raft -Dtest=QuorumTimingsTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dskiff.timings=true [-Dskiff.timings.rounds=5] [-Dskiff.timings.awayMs=25000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "skiff.timings", matches = "true")
class QuorumTimingsTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<MetadataQuorum> nodes = new ArrayList<>();
    private List<QuorumVoter> voters;
    private Path runDir;

    @AfterEach
    void closeAll() throws IOException {
        for (MetadataQuorum node : nodes) {
            node.close();
        }
    }

    private MetadataQuorum start(int nodeId) throws IOException {
        MetadataQuorum quorum = new MetadataQuorum(QuorumTestSupport.config(nodeId, voters, runDir));
        quorum.start();
        nodes.add(quorum);
        return quorum;
    }

    private List<MetadataQuorum> startCluster(int round) throws IOException {
        for (MetadataQuorum node : nodes) {
            node.close();
        }
        nodes.clear();
        runDir = Files.createDirectories(dir.resolve("round-" + round));
        voters = QuorumTestSupport.voters(3);
        List<MetadataQuorum> cluster = new ArrayList<>();
        for (QuorumVoter voter : voters) {
            cluster.add(start(voter.nodeId()));
        }
        return cluster;
    }

    private static long millisSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private static void commitOne(MetadataQuorum via) throws Exception {
        commit(via, MetadataRecords.batch(MetadataRecords.clusterId("test-cluster")));
    }

    @Test
    void measure() throws Exception {
        int rounds = Integer.getInteger("skiff.timings.rounds", 5);
        long awayMs = Long.getLong("skiff.timings.awayMs", 25_000);
        List<Long> failoverMs = new ArrayList<>();
        List<Long> restartMs = new ArrayList<>();
        List<Long> transferMs = new ArrayList<>();
        List<Long> closeMs = new ArrayList<>();
        List<Long> electedMs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<MetadataQuorum> cluster = startCluster(round);
            MetadataQuorum leader = awaitOneLeader(cluster, cluster);
            bootstrap(leader, 3);

            // A follower away for awayMs while the leader keeps committing, then restarted.
            MetadataQuorum away =
                    cluster.stream().filter(q -> q != leader).findFirst().orElseThrow();
            away.close();
            long awaySinceNs = System.nanoTime();
            await().atMost(LIMIT).until(() -> {
                commitOne(leader);
                return millisSince(awaySinceNs) >= awayMs;
            });
            long termBefore = leader.currentTerm();
            long restartNs = System.nanoTime();
            MetadataQuorum back = start(away.nodeId());
            long target = leader.appliedImage().index();
            await().atMost(LIMIT)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> back.leaderId().equals(OptionalInt.of(leader.nodeId()))
                            && back.appliedImage().index() >= target);
            restartMs.add(millisSince(restartNs));
            assertEquals(termBefore, leader.currentTerm(), "the restarted voter deposed the leader");
            List<MetadataQuorum> running = new ArrayList<>(cluster);
            running.set(cluster.indexOf(away), back);

            // Leadership handed over on purpose.
            long transferNs = System.nanoTime();
            int next = leader.transferLeadership().orElseThrow();
            MetadataQuorum successor =
                    running.stream().filter(q -> q.nodeId() == next).findFirst().orElseThrow();
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(5)).until(successor::isLeader);
            commitOne(successor);
            transferMs.add(millisSince(transferNs));

            // The leader lost (closed, as a crash would leave it: no step-down, no hand-over).
            // Closed on another thread, as Ratis' close takes about a second after the leader has
            // stopped sending heartbeats: time from the moment it stops, as after a kill -9.
            long lostNs = System.nanoTime();
            CompletableFuture<Long> closed = CompletableFuture.supplyAsync(() -> {
                try {
                    successor.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return millisSince(lostNs);
            });
            List<MetadataQuorum> rest =
                    running.stream().filter(q -> q != successor).toList();
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(5)).until(() -> rest.stream()
                    .anyMatch(MetadataQuorum::isLeader));
            electedMs.add(millisSince(lostNs));
            commitOne(rest.stream().filter(MetadataQuorum::isLeader).findFirst().orElseThrow());
            failoverMs.add(millisSince(lostNs));
            closeMs.add(closed.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }
        System.out.println("TIMINGS restart of a voter away " + awayMs + " ms, until it follows the leader: "
                + summary(restartMs));
        System.out.println("TIMINGS leadership transfer until the new leader committed: " + summary(transferMs));
        System.out.println("TIMINGS leader lost: its (concurrent) close took " + summary(closeMs));
        System.out.println("TIMINGS leader lost until a new leader was ready: " + summary(electedMs));
        System.out.println("TIMINGS leader lost until a new leader committed: " + summary(failoverMs));
    }

    private static String summary(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return "median " + sorted.get(sorted.size() / 2) + " ms, all " + values;
    }
}
