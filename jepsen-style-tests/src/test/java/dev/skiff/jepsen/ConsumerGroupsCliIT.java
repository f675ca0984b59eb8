package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups with the fat jars, as a user would: produce 10 records, read them as group g1
 * with the console consumer, see LAG 0 in {@code consumer-groups --describe}, reset the group to
 * the earliest offsets and see CURRENT-OFFSET 0 and LAG 10.
 */
class ConsumerGroupsCliIT {
    private static final String TOPIC = "groups-it";
    private static final String GROUP = "g1";

    @TempDir
    Path work;

    /** One row of the offsets table: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ... */
    private record Row(String partition, String current, String logEnd, String lag) {}

    @Test
    @Timeout(300)
    void consumeDescribeResetDescribe() throws Exception {
        String host = "127.0.0.1";
        int clientPort = FreePorts.on(host);
        int controllerPort = FreePorts.on(host);
        Map<String, String> props = Map.of(
                "listeners",
                "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort,
                "log.dirs",
                work.resolve("data").toString(),
                "offsets.topic.num.partitions",
                "3",
                "group.initial.rebalance.delay.ms",
                "0");
        String bootstrap = host + ":" + clientPort;
        try (NodeProcess node = new NodeProcess(NodeProcess.serverJar(), work.resolve("node"), props)) {
            node.start(Duration.ofSeconds(60));
            CliRun create = CliRun.run(
                    work,
                    "",
                    "topics",
                    "--create",
                    "--topic",
                    TOPIC,
                    "--partitions",
                    "1",
                    "--bootstrap-server",
                    bootstrap);
            assertEquals(0, create.exitCode(), create.toString());

            String lines =
                    IntStream.range(0, 10).mapToObj(i -> "record-" + i + "\n").collect(Collectors.joining());
            CliRun produce =
                    CliRun.run(work, lines, "console-producer", "--topic", TOPIC, "--bootstrap-server", bootstrap);
            assertEquals(0, produce.exitCode(), produce.toString());

            CliRun consume = CliRun.run(
                    work,
                    "",
                    "console-consumer",
                    "--topic",
                    TOPIC,
                    "--group",
                    GROUP,
                    "--from-beginning",
                    "--max-messages",
                    "10",
                    "--timeout-ms",
                    "60000",
                    "--bootstrap-server",
                    bootstrap);
            assertEquals(0, consume.exitCode(), consume.toString());
            assertEquals(10, consume.stdout().strip().split("\n").length, consume.toString());

            Row consumed = describe(bootstrap);
            assertEquals(new Row("0", "10", "10", "0"), consumed);

            // The console consumer leaves the group on exit; until the coordinator has seen it go,
            // the reset is refused (exit 1), so retry for a while.
            AtomicReference<CliRun> reset = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        CliRun r = CliRun.run(
                                work,
                                "",
                                "consumer-groups",
                                "--reset-offsets",
                                "--group",
                                GROUP,
                                "--topic",
                                TOPIC,
                                "--to-earliest",
                                "--execute",
                                "--bootstrap-server",
                                bootstrap);
                        reset.set(r);
                        assertTrue(
                                r.exitCode() == 0 || r.stderr().contains("can only be reset if the group"),
                                r.toString());
                        return r.exitCode() == 0;
                    });
            assertTrue(reset.get().stdout().contains("NEW-OFFSET"), reset.get().toString());

            assertEquals(new Row("0", "0", "10", "10"), describe(bootstrap));
        }
    }

    private Row describe(String bootstrap) throws Exception {
        CliRun describe = CliRun.run(
                work, "", "consumer-groups", "--describe", "--group", GROUP, "--bootstrap-server", bootstrap);
        assertEquals(0, describe.exitCode(), describe.toString());
        List<String> rows =
                describe.stdout().lines().filter(l -> l.startsWith(GROUP + " ")).toList();
        assertEquals(1, rows.size(), describe.toString());
        assertTrue(
                describe.stdout()
                        .contains(
                                "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID"),
                describe.toString());
        String[] cells = rows.get(0).split(" +");
        assertEquals(TOPIC, cells[1], describe.toString());
        return new Row(cells[2], cells[3], cells[4], cells[5]);
    }
}
