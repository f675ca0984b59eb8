package dev.skiff.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's quickstart, done with skiff's fat jars exactly as a user would: start a node, create a
 * topic, produce with the console producer, consume from the beginning, find the bytes in the
 * segment file, kill -9 the node, restart it, and read the message again.
 */
class QuickstartIT {
    private static final String TOPIC = "peter-overview01";

    @TempDir
    Path work;

    @Test
    @Timeout(300)
    void quickstartSurvivesKillMinusNine() throws Exception {
        String host = "127.0.0.1";
        int clientPort = FreePorts.on(host);
        int controllerPort = FreePorts.on(host);
        Path data = work.resolve("data");
        Map<String, String> props = Map.of(
                "listeners",
                "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort,
                "log.dirs",
                data.toString());
        String bootstrap = host + ":" + clientPort;
        try (NodeProcess node = new NodeProcess(NodeProcess.serverJar(), work.resolve("node"), props)) {
            node.start(Duration.ofSeconds(60));
            assertTrue(node.output().contains("skiff node 1 ready in "), node.output());

            CliRun create = CliRun.run(
                    work,
                    "",
                    "topics",
                    "--create",
                    "--topic",
                    TOPIC,
                    "--partitions",
                    "1",
                    "--replication-factor",
                    "1",
                    "--bootstrap-server",
                    bootstrap);
            assertEquals(0, create.exitCode(), create.toString());

            CliRun again = CliRun.run(
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
            assertEquals(1, again.exitCode(), again.toString());
            assertTrue(again.stderr().contains("already exists"), again.toString());

            CliRun produce = CliRun.run(
                    work, "hi consumer\n", "console-producer", "--topic", TOPIC, "--bootstrap-server", bootstrap);
            assertEquals(0, produce.exitCode(), produce.toString());

            assertConsumes(bootstrap);
            byte[] segment = Files.readAllBytes(data.resolve(TOPIC + "-0").resolve("00000000000000000000.log"));
            assertTrue(
                    new String(segment, StandardCharsets.ISO_8859_1).contains("hi consumer"),
                    "the message is in the segment file");

            node.kill();
            node.start(Duration.ofSeconds(60));
            assertConsumes(bootstrap);

            CliRun describe =
                    CliRun.run(work, "", "topics", "--describe", "--topic", TOPIC, "--bootstrap-server", bootstrap);
            assertEquals(0, describe.exitCode(), describe.toString());
            String[] lines = describe.stdout().split("\n");
            assertTrue(lines[0].startsWith("Topic: " + TOPIC + "\tTopicId: "), describe.stdout());
            assertTrue(lines[0].contains("\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: "), describe.stdout());
            assertEquals("\tTopic: " + TOPIC + "\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1", lines[1]);

            int exit = node.stop(Duration.ofSeconds(30));
            // 143 = 128 + SIGTERM: the JVM's exit code after its shutdown hooks ran, as Kafka's.
            assertTrue(exit == 143 || exit == 0, "SIGTERM is a clean shutdown, exit " + exit);
            assertTrue(Files.exists(data.resolve(".skiff-clean-shutdown")), "clean-shutdown marker written");
        }
    }

    @Test
    @Timeout(60)
    void unreachableClusterExitsTwoNamingTheAddress() throws Exception {
        String bootstrap = "127.0.0.1:" + FreePorts.on("127.0.0.1");
        CliRun list = CliRun.run(work, "", "topics", "--list", "--bootstrap-server", bootstrap);
        assertEquals(2, list.exitCode(), list.toString());
        assertTrue(list.stderr().contains(bootstrap), list.toString());
    }

    private void assertConsumes(String bootstrap) throws Exception {
        CliRun consume = CliRun.run(
                work,
                "",
                "console-consumer",
                "--topic",
                TOPIC,
                "--from-beginning",
                "--max-messages",
                "1",
                "--timeout-ms",
                "30000",
                "--bootstrap-server",
                bootstrap);
        assertEquals(0, consume.exitCode(), consume.toString());
        assertEquals("hi consumer", consume.stdout().strip(), consume.toString());
    }
}
