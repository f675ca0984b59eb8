package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.Admin;
import dev.skiff.client.CreateTopicsOptions;
import dev.skiff.client.NewTopic;
import dev.skiff.client.PartitionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a three-process cluster started by {@code bin/skiff-cluster} (DESIGN §6): an acks=all
 * producer sends 2,000 records/s while the partition leader, or the active controller, is killed
 * with kill -9. Every acknowledged record must be read back in order, and (the producer being
 * idempotent) exactly once; duplicates from retries are
 * counted. Measures the time from the kill to the first acknowledged record sent after it, and
 * from a controller kill to the next successful topic creation. {@code -Dskiff.failover.runs=N}
 * repeats each (the {@code failover-bench} profile runs 10) and prints median and max.
 */
@Timeout(1800)
class FailoverIT {
    private static final String BASE = "127.0.67.1";
    private static final String BOOTSTRAP = "127.0.67.1:9092,127.0.67.2:9092,127.0.67.3:9092";
    private static final int RATE = 2_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    private static ClusterScript cluster;
    private static Admin admin;
    private final Clock clock = Clock.systemUTC();

    @BeforeAll
    static void up() throws Exception {
        cluster = new ClusterScript(work, work.resolve("cluster"));
        cluster.ok("up", "3", "--base-address", BASE);
        admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP));
    }

    @AfterAll
    static void down() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.run("down");
        }
    }

    private static int runs() {
        return Integer.getInteger("skiff.failover.runs", 1);
    }

    @Test
    void killingThePartitionLeaderLosesNoAcknowledgedWrite() throws Exception {
        List<Long> stalls = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int run = 1; run <= runs(); run++) {
            String topic = "leader-kill-" + run;
            createReplicated(topic);
            try (AckedWorkload w = new AckedWorkload(BOOTSTRAP, topic, RATE)) {
                await().atMost(WAIT).until(() -> w.ackedCount() >= RATE);
                int leader = partition(topic).leader();
                int controller =
                        admin.describeCluster().get(30, TimeUnit.SECONDS).controllerId();
                long pid = cluster.pid(leader);
                long killedAt = w.nowMs();
                ClusterScript.killNow(pid);
                await().atMost(WAIT).until(() -> w.stallAfter(killedAt) >= 0);
                stalls.add(w.stallAfter(killedAt));
                System.out.printf(
                        "run %d: killed leader %d (the active controller %s); fenced after %d ms; first ack after %d ms%n",
                        run,
                        leader,
                        controller == leader ? "was" : "was not",
                        fencedAfter(leader, killedAt),
                        w.stallAfter(killedAt));
                long acked = w.ackedCount();
                await().atMost(WAIT).until(() -> w.ackedCount() >= acked + RATE / 2);
                cluster.ok("start", Integer.toString(leader));
                await().atMost(WAIT).until(() -> partition(topic).isr().size() == 3);
                AckedWorkload.Check check = w.stopAndCheck();
                assertTrue(check.ok(), "run " + run + ": " + check);
                assertEquals(0, check.duplicates(), "the idempotent producer writes no duplicates, run " + run);
                assertEquals(0, w.failures(), "no send failed for good in run " + run);
                duplicates.add(check.duplicates());
            }
        }
        report("kill -9 of the partition leader -> first acks=all success", stalls, duplicates);
    }

    @Test
    void killingTheActiveControllerLosesNoAcknowledgedWriteAndTopicsCanBeCreated() throws Exception {
        List<Long> recoveries = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int run = 1; run <= runs(); run++) {
            String topic = "controller-kill-" + run;
            createReplicated(topic);
            try (AckedWorkload w = new AckedWorkload(BOOTSTRAP, topic, RATE)) {
                await().atMost(WAIT).until(() -> w.ackedCount() >= RATE);
                int controller =
                        admin.describeCluster().get(30, TimeUnit.SECONDS).controllerId();
                long killedAt = clock.millis();
                cluster.ok("kill", Integer.toString(controller));
                String created = "created-after-" + run;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> tryCreate(created));
                recoveries.add(clock.millis() - killedAt);
                long acked = w.ackedCount();
                await().atMost(WAIT).until(() -> w.ackedCount() >= acked + RATE / 2);
                cluster.ok("start", Integer.toString(controller));
                await().atMost(WAIT).until(() -> partition(topic).isr().size() == 3);
                AckedWorkload.Check check = w.stopAndCheck();
                assertTrue(check.ok(), "run " + run + ": " + check);
                assertEquals(0, check.duplicates(), "the idempotent producer writes no duplicates, run " + run);
                duplicates.add(check.duplicates());
            }
        }
        report("kill -9 of the active controller -> next topic created", recoveries, duplicates);
    }

    @Test
    void sigtermOfTheLeaderMovesLeadershipFirstSoNoRequestFails() throws Exception {
        List<Long> stalls = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int run = 1; run <= runs(); run++) {
            String topic = "leader-stop-" + run;
            createReplicated(topic);
            try (AckedWorkload w = new AckedWorkload(BOOTSTRAP, topic, RATE)) {
                await().atMost(WAIT).until(() -> w.ackedCount() >= RATE);
                int leader = partition(topic).leader();
                long stoppedAt = w.nowMs();
                cluster.ok("stop", Integer.toString(leader));
                await().atMost(WAIT).until(() -> w.stallAfter(stoppedAt) >= 0);
                stalls.add(w.stallAfter(stoppedAt));
                cluster.ok("start", Integer.toString(leader));
                await().atMost(WAIT).until(() -> partition(topic).isr().size() == 3);
                AckedWorkload.Check check = w.stopAndCheck();
                assertTrue(check.ok(), "run " + run + ": " + check);
                assertEquals(0, check.duplicates(), "the idempotent producer writes no duplicates, run " + run);
                assertEquals(0, w.failures(), "no send failed in run " + run);
                duplicates.add(check.duplicates());
            }
        }
        report("SIGTERM of the partition leader -> first acks=all success", stalls, duplicates);
    }

    /** When a surviving node logged that it fenced {@code broker}, in ms after {@code sinceMs}; -1 if none did. */
    private static long fencedAfter(int broker, long sinceMs) throws IOException {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        long first = Long.MAX_VALUE;
        try (var dirs = Files.list(work.resolve("cluster"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("node-"))
                    .toList()) {
                Path out = dir.resolve("node.out");
                if (!Files.exists(out)) {
                    continue;
                }
                for (String line : Files.readAllLines(out)) {
                    if (line.contains("fenced broker " + broker + ":") && line.length() > 23) {
                        long at = java.time.LocalDateTime.parse(line.substring(0, 23), f)
                                .atZone(java.time.ZoneId.systemDefault())
                                .toInstant()
                                .toEpochMilli();
                        if (at >= sinceMs) {
                            first = Math.min(first, at);
                        }
                    }
                }
            }
        }
        return first == Long.MAX_VALUE ? -1 : first - sinceMs;
    }

    private static void createReplicated(String topic) throws Exception {
        Topics.createReplicated(admin, new NewTopic(topic, 1, 3, Map.of("min.insync.replicas", "2")), WAIT);
        await().atMost(WAIT).until(() -> partition(topic).hasLeader());
    }

    private static boolean tryCreate(String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, 1)), new CreateTopicsOptions(false, true))
                    .all()
                    .get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static PartitionInfo partition(String topic) throws Exception {
        return admin.describeTopics(List.of(topic))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .get(0);
    }

    private static void report(String what, List<Long> millis, List<Integer> duplicates) throws IOException {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long median = sorted.get((sorted.size() - 1) / 2);
        String line = String.format(
                "%s: median %d ms, max %d ms over %d run(s) %s; duplicates per run %s%n",
                what, median, sorted.get(sorted.size() - 1), sorted.size(), millis, duplicates);
        System.out.print(line);
        Path figures = Path.of("target", "failover-figures.txt");
        Files.createDirectories(figures.getParent());
        Files.writeString(
                figures, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
