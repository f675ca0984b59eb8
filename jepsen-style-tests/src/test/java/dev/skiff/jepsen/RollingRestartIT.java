package dev.skiff.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.Admin;
import dev.skiff.client.NewTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/skiff-cluster restart --rolling} under load (issue 6): three nodes, a topic of 6
 * partitions with replication factor 3 and min.insync.replicas 2, an acks=all producer at 1,000
 * records/s; each node in turn is stopped with SIGTERM (controlled shutdown moves its leadership
 * first), started, and waited for until every partition is back in full ISR. Zero requests may
 * fail, and every acknowledged record must be read back. The figures (failed requests, slowest
 * acknowledgement, total time) go to stdout and {@code target/rolling-restart-figures.txt}.
 */
class RollingRestartIT {
    private static final String BASE = "127.0.69.1";
    private static final String BOOTSTRAP = "127.0.69.1:9092,127.0.69.2:9092,127.0.69.3:9092";

    @TempDir
    Path work;

    @Test
    @Timeout(900)
    void rollingRestartUnderAcksAllLoadFailsNoRequest() throws Exception {
        ClusterScript cluster = new ClusterScript(work, work.resolve("cluster"));
        cluster.ok("up", "3", "--base-address", BASE);
        Clock clock = Clock.systemUTC();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            Topics.createReplicated(
                    admin, new NewTopic("events", 6, 3, Map.of("min.insync.replicas", "2")), Duration.ofSeconds(60));
            try (SteadyProducer producer = new SteadyProducer(BOOTSTRAP, "events", 6, 1_000)) {
                long started = clock.millis();
                ClusterScript.Run restart = cluster.ok("restart", "--rolling");
                long totalMs = clock.millis() - started;
                producer.stop();
                Set<String> acked = producer.ackedValues();
                Set<String> missing = new HashSet<>(acked);
                missing.removeAll(producer.readBack());
                String line = String.format(
                        "rolling restart of 3 nodes under an acks=all producer at 1,000 records/s: %d of %d records"
                                + " failed for good, slowest acknowledgement %d ms, total %d ms%n",
                        producer.failures(), producer.sent(), producer.latencyMsMax(), totalMs);
                System.out.print(restart.output());
                System.out.print(line);
                Path figures = Path.of("target", "rolling-restart-figures.txt");
                Files.createDirectories(figures.getParent());
                Files.writeString(figures, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                assertEquals(0, producer.failures(), "no acks=all request failed during the rolling restart");
                assertTrue(missing.isEmpty(), "acknowledged records missing after the restart: " + missing.size());
                assertTrue(restart.output().contains("rolling restart of 3 node(s) done"), restart.output());
            }
        } finally {
            cluster.run("down");
        }
    }
}
