package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.Admin;
import dev.skiff.client.NewTopic;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.Producer;
import dev.skiff.client.ProducerRecord;
import dev.skiff.client.RegisteredBroker;
import dev.skiff.client.TopicDescription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skiff reassign-partitions} and {@code skiff cluster decommission} on six node processes
 * (issue 6), as an operator runs them: a partition of replication factor 3 moves to the three
 * other brokers under an acks=all producer without a failed request or a lost record; a
 * replication factor goes 1 → 3 → 2; a throttled move is cancelled half-way; a broker is
 * decommissioned, and refused when a partition would fall below min.insync.replicas.
 */
class ReassignPartitionsIT {
    private static final String BASE = "127.0.73.1";
    private static final int NODES = 6;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    private String bootstrap;

    private CliRun skiff(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrap);
        return CliRun.run(work, "", all.toArray(String[]::new));
    }

    private CliRun ok(String... args) throws Exception {
        CliRun r = skiff(args);
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    private Path plan(String topic, List<Integer> replicas) throws Exception {
        Path f = Files.createTempFile(work, "plan", ".json");
        Files.writeString(
                f,
                "{\"version\":1,\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"replicas\":" + replicas
                        + "}]}");
        return f;
    }

    /** Runs --verify until it reports the partition completed. */
    private void awaitCompleted(Path plan, String partition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> ok(
                        "reassign-partitions", "--verify", "--reassignment-json-file", plan.toString())
                .stdout()
                .contains("Reassignment of partition " + partition + " is completed."));
    }

    private static PartitionInfo partition0(Admin admin, String topic) {
        TopicDescription d = admin.describeTopics(List.of(topic)).all().join().get(topic);
        return d.partitions().get(0);
    }

    @Test
    @Timeout(900)
    void movesChangesOfReplicationFactorACancelAndADecommissionLoseNothing() throws Exception {
        ClusterScript cluster = new ClusterScript(work, work.resolve("cluster"));
        cluster.ok("up", Integer.toString(NODES), "--base-address", BASE);
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            addresses.add("127.0.73." + i + ":9092");
        }
        bootstrap = String.join(",", addresses);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            moveUnderLoad(admin);
            generate(admin);
            changeReplicationFactor(admin);
            cancelThrottledMove(admin);
            decommission(admin);
        } finally {
            cluster.run("down");
        }
    }

    private void moveUnderLoad(Admin admin) throws Exception {
        // A partition of replication factor 3 moves to the three other brokers under load.
        Topics.createReplicated(admin, new NewTopic("moved", 1, 3, Map.of("min.insync.replicas", "2")), WAIT);
        List<Integer> old = partition0(admin, "moved").replicas();
        List<Integer> target = new ArrayList<>();
        for (int b = 1; b <= NODES; b++) {
            if (!old.contains(b)) {
                target.add(b);
            }
        }
        try (SteadyProducer producer = new SteadyProducer(bootstrap, "moved", 1, 500)) {
            await().atMost(WAIT).until(() -> producer.ackedValues().size() >= 500);
            Path plan = plan("moved", target);
            CliRun started = ok("reassign-partitions", "--execute", "--reassignment-json-file", plan.toString());
            assertTrue(
                    started.stdout()
                            .contains("Save this to use as the --reassignment-json-file option during" + " rollback"),
                    started.toString());
            assertTrue(
                    started.stdout().contains("\"replicas\":" + old.toString().replace(" ", "")), started.toString());
            assertTrue(
                    started.stdout().contains("Successfully started partition reassignment(s) for moved-0"),
                    started.toString());
            awaitCompleted(plan, "moved-0");
            int ackedAtCompletion = producer.ackedValues().size();
            await().atMost(WAIT).until(() -> producer.ackedValues().size() >= ackedAtCompletion + 500);
            producer.stop();
            Set<String> missing = new HashSet<>(producer.ackedValues());
            missing.removeAll(producer.readBack());
            assertEquals(0, producer.failures(), "no acks=all request failed during the move");
            assertTrue(missing.isEmpty(), "acknowledged records missing after the move: " + missing.size());
            System.out.printf(
                    "moved moved-0 from %s to %s under an acks=all producer at 500 records/s: %d records sent,"
                            + " %d failed, slowest acknowledgement %d ms%n",
                    old, target, producer.sent(), producer.failures(), producer.latencyMsMax());
        }
        PartitionInfo moved = partition0(admin, "moved");
        assertEquals(target, moved.replicas());
        assertEquals(Set.copyOf(target), Set.copyOf(moved.isr()));
        assertTrue(target.contains(moved.leader()), moved.toString());
        for (int b : old) {
            Path copy =
                    work.resolve("cluster").resolve("node-" + b).resolve("data").resolve("moved-0");
            await().atMost(WAIT).until(() -> !Files.exists(copy));
        }
    }

    private void generate(Admin admin) throws Exception {
        // --generate proposes the topic over a broker list, keeping its replication factor.
        Path topicsFile = work.resolve("topics.json");
        Files.writeString(topicsFile, "{\"version\":1,\"topics\":[{\"topic\":\"moved\"}]}");
        CliRun generated = ok(
                "reassign-partitions",
                "--generate",
                "--topics-to-move-json-file",
                topicsFile.toString(),
                "--broker-list",
                "1,2,3");
        assertTrue(
                generated
                        .stdout()
                        .contains(
                                "Proposed partition reassignment configuration\n"
                                        + "{\"version\":1,\"partitions\":[{\"topic\":\"moved\",\"partition\":0,\"replicas\":[1,2,3]"),
                generated.toString());
    }

    private void changeReplicationFactor(Admin admin) throws Exception {
        // Replication factor 1 -> 3 -> 2.
        Topics.createReplicated(admin, new NewTopic("grow", 1, 1, Map.of()), WAIT);
        int only = partition0(admin, "grow").replicas().get(0);
        List<Integer> three = new ArrayList<>(List.of(only));
        for (int b = 1; three.size() < 3; b++) {
            if (b != only) {
                three.add(b);
            }
        }
        try (Producer p = new Producer(Map.of("bootstrap.servers", bootstrap, "acks", "all"))) {
            for (int i = 0; i < 100; i++) {
                p.send(new ProducerRecord("grow", 0, null, ("g" + i).getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        Path up = plan("grow", three);
        ok("reassign-partitions", "--execute", "--reassignment-json-file", up.toString());
        awaitCompleted(up, "grow-0");
        await().atMost(WAIT).until(() -> partition0(admin, "grow").isr().size() == 3);
        Path down = plan("grow", three.subList(0, 2));
        ok("reassign-partitions", "--execute", "--reassignment-json-file", down.toString());
        awaitCompleted(down, "grow-0");
        assertEquals(three.subList(0, 2), partition0(admin, "grow").replicas());
    }

    private void cancelThrottledMove(Admin admin) throws Exception {
        // A throttled move of a few MB is cancelled half-way: the replicas are as before.
        Topics.createReplicated(admin, new NewTopic("big", 1, 1, Map.of()), WAIT);
        int bigLeader = partition0(admin, "big").replicas().get(0);
        byte[] kilobyte = new byte[1024];
        try (Producer p = new Producer(Map.of("bootstrap.servers", bootstrap, "acks", "all"))) {
            for (int i = 0; i < 3000; i++) {
                p.send(new ProducerRecord("big", 0, null, kilobyte));
            }
            p.flush();
        }
        int adding = bigLeader % NODES + 1;
        Path slow = plan("big", List.of(bigLeader, adding));
        CliRun throttled = ok(
                "reassign-partitions", "--execute", "--reassignment-json-file", slow.toString(), "--throttle", "20000");
        assertTrue(
                throttled.stdout().contains("The inter-broker throttle limit was set to 20000 B/s"),
                throttled.toString());
        CliRun listed = ok("reassign-partitions", "--list");
        assertTrue(
                listed.stdout()
                        .contains("big-0: replicas: " + bigLeader + "," + adding + ". adding: " + adding
                                + ". removing: ."),
                listed.toString());
        assertTrue(ok("reassign-partitions", "--verify", "--reassignment-json-file", slow.toString())
                .stdout()
                .contains("Reassignment of partition big-0 is still in progress."));
        CliRun cancelled = ok("reassign-partitions", "--cancel", "--reassignment-json-file", slow.toString());
        assertTrue(
                cancelled.stdout().contains("Successfully cancelled partition reassignment(s) for: big-0"),
                cancelled.toString());
        assertEquals(List.of(bigLeader), partition0(admin, "big").replicas());
        assertEquals(
                "No partition reassignments found.\n",
                ok("reassign-partitions", "--list").stdout());
        CliRun mismatch = skiff("reassign-partitions", "--verify", "--reassignment-json-file", slow.toString());
        assertEquals(1, mismatch.exitCode(), mismatch.toString());
        assertTrue(
                mismatch.stdout()
                        .contains("There is no active reassignment of partition big-0, but replica set" + " is ["
                                + bigLeader + "] rather than [" + bigLeader + ", " + adding + "]."),
                mismatch.toString());
    }

    private void decommission(Admin admin) throws Exception {
        // Decommission broker 6: every replica moves off it and it is unregistered.
        CliRun decommissioned = ok("cluster", "decommission", "--broker", "6");
        assertTrue(decommissioned.stdout().contains("Broker 6 is decommissioned"), decommissioned.toString());
        Set<Integer> registered = admin.describeCluster().join().registeredBrokers().stream()
                .map(RegisteredBroker::id)
                .collect(Collectors.toSet());
        assertFalse(registered.contains(6), "broker 6 is unregistered: " + registered);
        for (TopicDescription t :
                admin.describeTopics(admin.listTopics(true).join()).all().join().values()) {
            for (PartitionInfo p : t.partitions()) {
                assertFalse(p.replicas().contains(6), t.name() + "-" + p.partition() + " " + p.replicas());
            }
        }
        // With five brokers left, a partition on all five with min.insync.replicas=5 cannot lose one.
        Topics.createReplicated(admin, new NewTopic("tight", 1, 5, Map.of("min.insync.replicas", "5")), WAIT);
        CliRun refused = skiff("cluster", "decommission", "--broker", "5");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(
                refused.stderr().contains("Cannot decommission broker 5")
                        && refused.stderr().contains("tight-0 (replicas"),
                refused.toString());
    }
}
