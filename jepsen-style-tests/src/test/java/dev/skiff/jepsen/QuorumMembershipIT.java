package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.Admin;
import dev.skiff.client.NewTopic;
import dev.skiff.client.QuorumVoter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skiff metadata-quorum add-controller} and {@code remove-controller} on four node
 * processes (issue 6) while an acks=all producer runs and topics are created every half second:
 * a broker-only node (an observer of the metadata log) becomes a voter; a voter is removed while
 * the active controller is killed with kill -9. The quorum ends with one leader that every node
 * names, every created topic exists, no acks=all request failed and every acknowledged record is
 * read back.
 */
class QuorumMembershipIT {
    private static final String NET = "127.0.74.";
    private static final String VOTERS = "1@127.0.74.1:9093,2@127.0.74.2:9093,3@127.0.74.3:9093";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    private final Map<Integer, NodeProcess> nodes = new HashMap<>();

    private NodeProcess node(int id, boolean controller) {
        return nodes.computeIfAbsent(id, i -> process(i, controller, VOTERS));
    }

    private NodeProcess process(int id, boolean controller, String voters) {
        return new NodeProcess(
                NodeProcess.serverJar(),
                work.resolve("node-" + id),
                Map.of(
                        "node.id",
                        Integer.toString(id),
                        "process.roles",
                        controller ? "broker,controller" : "broker",
                        "listeners",
                        "PLAINTEXT://" + NET + id + ":9092,CONTROLLER://" + NET + id + ":9093",
                        "controller.quorum.voters",
                        voters,
                        "log.dirs",
                        work.resolve("node-" + id).resolve("data").toString()));
    }

    private static String bootstrap(Set<Integer> ids) {
        return ids.stream().map(i -> NET + i + ":9092").collect(Collectors.joining(","));
    }

    private CliRun skiff(String bootstrap, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrap);
        return CliRun.run(work, "", all.toArray(String[]::new));
    }

    private static List<Integer> voters(Admin admin) {
        return admin.describeCluster().join().voters().stream()
                .map(QuorumVoter::nodeId)
                .sorted()
                .toList();
    }

    /** What the removal under a controller kill did. */
    private record Removal(int active, int removed, int firstExit) {}

    @Test
    @Timeout(600)
    void controllersAreAddedAndRemovedUnderLoadAndAKilledActiveControllerLosesNothing() throws Exception {
        startNodes();
        String all = bootstrap(Set.of(1, 2, 3, 4));
        Set<String> created = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService creator = Executors.newSingleThreadScheduledExecutor();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", all))) {
            Topics.createReplicated(admin, new NewTopic("events", 3, 3, Map.of("min.insync.replicas", "2")), WAIT);
            createTopicsEveryHalfSecond(admin, creator, created);
            try (SteadyProducer producer = new SteadyProducer(all, "events", 3, 500)) {
                await().atMost(WAIT).until(() -> producer.ackedValues().size() >= 500);
                addController4(all, admin);
                Removal r = removeAVoterWhileKillingTheActiveController(all, admin);
                List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4));
                expected.remove(Integer.valueOf(r.removed()));
                awaitOneLeaderNamedByAll(Set.copyOf(expected));
                int topicsBefore = created.size();
                await().atMost(WAIT).until(() -> created.size() >= topicsBefore + 3);
                creator.shutdownNow();
                producer.stop();
                Set<String> missing = new HashSet<>(producer.ackedValues());
                missing.removeAll(producer.readBack());
                assertEquals(0, producer.failures(), "no acks=all request failed");
                assertTrue(missing.isEmpty(), "acknowledged records missing: " + missing.size());
                Set<String> lost = new HashSet<>(created);
                lost.removeAll(admin.listTopics(false).join());
                assertTrue(lost.isEmpty(), "created topics lost: " + lost);
                System.out.printf(
                        "quorum membership under load: added 4, removed %d while killing active controller %d (first"
                                + " remove-controller exit %d); %d topics created, %d records sent, 0 failed%n",
                        r.removed(), r.active(), r.firstExit(), created.size(), producer.sent());
            }
        } finally {
            creator.shutdownNow();
            for (NodeProcess p : nodes.values()) {
                p.close();
            }
            if (Boolean.getBoolean("skiff.keep.nodes")) {
                for (int id = 1; id <= 4; id++) {
                    Path out = Path.of("target", "quorum-membership-node-" + id + ".out");
                    java.nio.file.Files.createDirectories(out.getParent());
                    java.nio.file.Files.writeString(
                            out, nodes.containsKey(id) ? nodes.get(id).output() : "");
                }
            }
        }
    }

    private void startNodes() throws Exception {
        List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            NodeProcess n = node(id, true);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return n.start(WAIT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        starting.forEach(CompletableFuture::join);
        node(4, false).start(WAIT);
    }

    private static void createTopicsEveryHalfSecond(
            Admin admin, ScheduledExecutorService creator, Set<String> created) {
        AtomicInteger n = new AtomicInteger();
        creator.scheduleWithFixedDelay(
                () -> {
                    String name = "t-" + n.incrementAndGet();
                    try {
                        admin.createTopics(List.of(new NewTopic(name, 1, 2, Map.of())))
                                .all()
                                .get(20, TimeUnit.SECONDS);
                        created.add(name);
                    } catch (Exception e) {
                        // a creation that failed or timed out may or may not exist: not counted
                    }
                },
                0,
                500,
                TimeUnit.MILLISECONDS);
    }

    private void addController4(String all, Admin admin) throws Exception {
        CliRun added = skiff(all, "metadata-quorum", "add-controller", "--controller-id", "4");
        assertEquals(0, added.exitCode(), added.toString());
        assertTrue(
                added.stdout().contains("Added controller 4. The voters of the metadata quorum are now [1, 2, 3, 4]."),
                added.toString());
        await().atMost(WAIT).until(() -> voters(admin).equals(List.of(1, 2, 3, 4)));
        CliRun again = skiff(all, "metadata-quorum", "add-controller", "--controller-id", "4");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("node 4 is already a voter"), again.toString());
    }

    private Removal removeAVoterWhileKillingTheActiveController(String all, Admin admin) throws Exception {
        int active = admin.describeCluster().join().controllerId();
        int removed =
                List.of(1, 2, 3).stream().filter(i -> i != active).findFirst().orElseThrow();
        CompletableFuture<CliRun> removing = CompletableFuture.supplyAsync(() -> {
            try {
                return skiff(all, "metadata-quorum", "remove-controller", "--controller-id", "" + removed);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        nodes.get(active).kill();
        CliRun firstTry = removing.join();
        // Committed or not before the kill: asked again, it is done or it says so.
        CliRun[] last = {firstTry};
        try {
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                CliRun r = skiff(all, "metadata-quorum", "remove-controller", "--controller-id", "" + removed);
                last[0] = r;
                return r.exitCode() == 0 || r.stderr().contains("node " + removed + " is not a voter");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "remove-controller " + removed + " never succeeded after killing " + active + "; last try: "
                            + last[0],
                    e);
        }
        List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4));
        expected.remove(Integer.valueOf(removed));
        await().atMost(WAIT).until(() -> voters(admin).equals(expected));
        if (active == 4) {
            // A voter now: it starts again as a controller (its log holds the configuration).
            nodes.put(4, process(4, true, VOTERS + ",4@" + NET + "4:9093"));
        }
        nodes.get(active).start(WAIT);
        nodes.get(removed).stop(Duration.ofSeconds(60));
        return new Removal(active, removed, firstTry.exitCode());
    }

    /** Every running node names the same active controller, one of them. */
    private static void awaitOneLeaderNamedByAll(Set<Integer> running) {
        await().atMost(WAIT).until(() -> {
            Set<Integer> named = new HashSet<>();
            for (int id : running) {
                try (Admin one = Admin.create(Map.of("bootstrap.servers", bootstrap(Set.of(id))))) {
                    named.add(one.describeCluster().join().controllerId());
                }
            }
            return named.size() == 1 && running.containsAll(named);
        });
    }
}
