package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/skiff-cluster} as a user runs it: three node processes on their own loopback
 * addresses, a topic spread over them, one node killed with kill -9 (fenced: its partition has no
 * leader), started again (it leads again), and the cluster brought down.
 */
class SkiffClusterIT {
    private static final String BASE = "127.0.66.1";
    private static final String BOOTSTRAP = "127.0.66.1:9092,127.0.66.3:9092";

    @TempDir
    Path work;

    private Path dir;

    @AfterEach
    void down() throws Exception {
        if (dir != null) {
            script("down");
        }
    }

    @Test
    @Timeout(300)
    void upKillStartDown() throws Exception {
        dir = work.resolve("cluster");
        ClusterScript.Run up = script("up", "3", "--base-address", BASE);
        assertEquals(0, up.exit(), up.output());
        assertTrue(
                up.output().contains("bootstrap servers: 127.0.66.1:9092,127.0.66.2:9092,127.0.66.3:9092"),
                up.output());
        ClusterScript.Run status = script("status");
        assertEquals(
                3, status.output().lines().filter(l -> l.endsWith("\tready")).count(), status.output());

        CliRun create = CliRun.run(
                work,
                "",
                "topics",
                "--create",
                "--topic",
                "spread",
                "--partitions",
                "3",
                "--replication-factor",
                "1",
                "--bootstrap-server",
                BOOTSTRAP);
        assertEquals(0, create.exitCode(), create.toString());

        assertEquals(0, script("kill", "2").exit());
        assertTrue(script("status").output().contains("2\t127.0.66.2:9092\t-\tstopped"));
        await().atMost(Duration.ofSeconds(60)).until(() -> describe().contains("Leader: none\tReplicas: 2"));

        ClusterScript.Run start = script("start", "2");
        assertEquals(0, start.exit(), start.output());
        await().atMost(Duration.ofSeconds(60)).until(() -> describe().contains("Leader: 2\tReplicas: 2"));

        // The restarted voter catches up on the metadata log: every replica at lag 0.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            CliRun q = CliRun.run(
                    work, "", "metadata-quorum", "describe", "--replication", "--bootstrap-server", BOOTSTRAP);
            return q.exitCode() == 0
                    && q.stdout()
                                    .lines()
                                    .skip(1)
                                    .filter(l -> l.split("\\s+")[2].equals("0"))
                                    .count()
                            == 3;
        });
        CliRun quorum =
                CliRun.run(work, "", "metadata-quorum", "describe", "--status", "--bootstrap-server", BOOTSTRAP);
        assertEquals(0, quorum.exitCode(), quorum.toString());
        assertTrue(quorum.stdout().contains("CurrentVoters:          [1,2,3]"), quorum.toString());
        assertTrue(quorum.stdout().contains("MaxFollowerLag:         0"), quorum.toString());

        // A broker's static configs are known only to that broker: the CLI asks each one.
        CliRun configs = CliRun.run(
                work,
                "",
                "configs",
                "--describe",
                "--entity-type",
                "brokers",
                "--all",
                "--bootstrap-server",
                BOOTSTRAP);
        assertEquals(0, configs.exitCode(), configs.toString());
        for (int id = 1; id <= 3; id++) {
            assertTrue(configs.stdout().contains("All configs for broker " + id + " are:"), configs.toString());
            assertTrue(configs.stdout().contains("  node.id=" + id + " "), configs.toString());
        }

        assertDynamicBrokerConfigs();

        ClusterScript.Run downRun = script("down");
        assertEquals(0, downRun.exit(), downRun.output());
        assertEquals(
                3,
                script("status")
                        .output()
                        .lines()
                        .filter(l -> l.endsWith("\tstopped"))
                        .count());
        dir = null;
    }

    /** Dynamic broker configs: a default for every broker, and one broker's own value over it. */
    private void assertDynamicBrokerConfigs() throws Exception {
        CliRun setDefault = configsCli(
                "--alter", "--entity-type", "brokers", "--entity-default", "--add-config", "log.retention.ms=3600000");
        assertEquals(0, setDefault.exitCode(), setDefault.toString());
        assertEquals("Completed updating default config for brokers in the cluster.\n", setDefault.stdout());
        CliRun setOwn = configsCli(
                "--alter",
                "--entity-type",
                "brokers",
                "--entity-name",
                "3",
                "--add-config",
                "log.retention.ms=7200000");
        assertEquals(0, setOwn.exitCode(), setOwn.toString());
        assertEquals(
                "Default configs for brokers in the cluster are:\n"
                        + "  log.retention.ms=3600000 sensitive=false"
                        + " synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000}\n",
                configsCli("--describe", "--entity-type", "brokers", "--entity-default")
                        .stdout());
        assertTrue(configsCli("--describe", "--entity-type", "brokers", "--entity-name", "2", "--all")
                .stdout()
                .contains("  log.retention.ms=3600000 sensitive=false"
                        + " synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000}"));
        assertEquals(
                "Dynamic configs for broker 3 are:\n"
                        + "  log.retention.ms=7200000 sensitive=false"
                        + " synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=7200000}\n",
                configsCli("--describe", "--entity-type", "brokers", "--entity-name", "3")
                        .stdout());
        CliRun startOnly = configsCli(
                "--alter", "--entity-type", "brokers", "--entity-default", "--add-config", "num.partitions=3");
        assertEquals(1, startOnly.exitCode(), startOnly.toString());
        assertTrue(
                startOnly.stderr().contains("num.partitions is read from server.properties at start"),
                startOnly.toString());
    }

    private CliRun configsCli(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "configs";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--bootstrap-server";
        all[args.length + 2] = BOOTSTRAP;
        return CliRun.run(work, "", all);
    }

    /**
     * Five voters survive two failures at once, the active controller among them: topics are still
     * created and an acks=all write still lands on three replicas.
     */
    @Test
    @Timeout(300)
    void fiveVotersLoseTwoIncludingTheControllerAndKeepWorking() throws Exception {
        dir = work.resolve("five");
        String bootstrap = "127.0.66.11:9092,127.0.66.12:9092,127.0.66.13:9092,127.0.66.14:9092,127.0.66.15:9092";
        assertEquals(0, script("up", "5", "--base-address", "127.0.66.11").exit());
        String cluster = CliRun.run(work, "", "cluster", "describe", "--bootstrap-server", bootstrap)
                .stdout();
        int controller = Integer.parseInt(cluster.lines()
                .filter(l -> l.startsWith("Active controller: "))
                .findFirst()
                .orElseThrow()
                .substring("Active controller: ".length())
                .trim());
        int other = controller % 5 + 1;
        assertEquals(0, script("kill", Integer.toString(controller)).exit());
        assertEquals(0, script("kill", Integer.toString(other)).exit());

        await().atMost(Duration.ofSeconds(60))
                .until(() -> CliRun.run(
                                        work,
                                        "",
                                        "topics",
                                        "--create",
                                        "--if-not-exists",
                                        "--topic",
                                        "after",
                                        "--replication-factor",
                                        "3",
                                        "--bootstrap-server",
                                        bootstrap)
                                .exitCode()
                        == 0);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> CliRun.run(
                                        work,
                                        "written\n",
                                        "console-producer",
                                        "--topic",
                                        "after",
                                        "--request-required-acks",
                                        "all",
                                        "--bootstrap-server",
                                        bootstrap)
                                .exitCode()
                        == 0);
        String consumed = CliRun.run(
                        work,
                        "",
                        "console-consumer",
                        "--topic",
                        "after",
                        "--from-beginning",
                        "--max-messages",
                        "1",
                        "--timeout-ms",
                        "30000",
                        "--bootstrap-server",
                        bootstrap)
                .stdout();
        assertTrue(consumed.contains("written"), consumed);
    }

    @Test
    @Timeout(60)
    void badArgumentsExitOneWithAMessage() throws Exception {
        dir = null;
        ClusterScript.Run noCount = script("up");
        assertEquals(1, noCount.exit());
        assertTrue(noCount.output().contains("node count"), noCount.output());
        ClusterScript.Run unknown = script("explode");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.output().contains("unknown command"), unknown.output());
    }

    private String describe() throws Exception {
        return CliRun.run(work, "", "topics", "--describe", "--topic", "spread", "--bootstrap-server", BOOTSTRAP)
                .stdout();
    }

    private ClusterScript.Run script(String... args) throws IOException, InterruptedException {
        return new ClusterScript(work, dir != null ? dir : work.resolve("none")).run(args);
    }
}
