package dev.skiff.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.log.FlushPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void embeddedDefaultIsOneCombinedNodeOnLoopback() {
        ServerConfig c = ServerConfig.embeddedDefault();
        assertEquals(1, c.nodeId());
        assertTrue(c.isBroker() && c.isController());
        assertEquals(new Endpoint("127.0.0.1", 9092), c.clientListener());
        assertEquals(new Endpoint("127.0.0.1", 9093), c.controllerListener());
        assertEquals(List.of(new Voter(1, new Endpoint("127.0.0.1", 9093))), c.quorumVoters());
        assertEquals(List.of(Path.of("./data")), c.logDirs());
        assertEquals(Path.of("./data/__metadata"), c.metadataLogDir());
        assertEquals(FlushPolicy.FSYNC, c.logDefaults().flushPolicy());
        assertEquals(168L * 3_600_000L, c.logDefaults().retentionMs());
    }

    @Test
    void readsKafkaStyleKeysAndAliases() {
        Map<String, String> p = new HashMap<>();
        p.put("broker.id", "2");
        p.put("listeners", "PLAINTEXT://127.0.0.2:9092,CONTROLLER://127.0.0.2:9093");
        p.put("controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.2:9093,3@127.0.0.3:9093");
        p.put("log.dir", "/var/skiff/a,/var/skiff/b");
        p.put("log.retention.minutes", "5");
        p.put("log.retention.hours", "1");
        p.put("message.timestamp.type", "LogAppendTime");
        p.put("num.partitions", "3");
        ServerConfig c = ServerConfig.parse(p, w -> {});
        assertEquals(2, c.nodeId());
        assertEquals(3, c.quorumVoters().size());
        assertEquals(2, c.logDirs().size());
        assertEquals(300_000L, c.logDefaults().retentionMs(), "minutes win over hours");
        assertEquals(3, c.numPartitions());
        assertEquals("LogAppendTime", c.logDefaults().timestampType().configName());
    }

    @Test
    void unknownKeysWarn() {
        List<String> warnings = new ArrayList<>();
        ServerConfig.parse(Map.of("num.partitons", "3"), warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("num.partitons"));
    }

    @Test
    void zookeeperConnectSaysHowToConfigureTheQuorum() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ServerConfig.parse(Map.of("zookeeper.connect", "localhost:2181"), w -> {}));
        assertTrue(e.getMessage().contains("needs no ZooKeeper"), e.getMessage());
        assertTrue(e.getMessage().contains("controller.quorum.voters"), e.getMessage());
    }

    @Test
    void badValuesNameTheKey() {
        assertBad(Map.of("num.partitions", "zero"), "num.partitions", "whole number");
        assertBad(Map.of("num.partitions", "0"), "num.partitions", "between 1");
        assertBad(Map.of("process.roles", "broker,leader"), "process.roles", "unknown role");
        assertBad(Map.of("listeners", "127.0.0.1:9092"), "listeners", "NAME://host:port");
        assertBad(Map.of("listeners", "PLAINTEXT://127.0.0.1:99999,CONTROLLER://127.0.0.1:9093"), "listeners", "port");
        assertBad(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092"), "listeners", "CONTROLLER://");
        assertBad(Map.of("controller.quorum.voters", "1@127.0.0.1"), "controller.quorum.voters", "host:port");
        assertBad(Map.of("controller.quorum.voters", "2@127.0.0.1:9093"), "controller.quorum.voters", "not listed");
        assertBad(Map.of("process.roles", "broker"), "controller.quorum.voters", "where the controllers are");
        assertBad(Map.of("auto.create.topics.enable", "yes"), "auto.create.topics.enable", "true or false");
        assertBad(Map.of("log.segment.bytes", "12"), "log.segment.bytes", "between 128");
        assertBad(Map.of("log.flush.policy", "never"), "log.flush.policy", "fsync or interval");
        assertBad(Map.of("logging.level", "LOUD"), "logging.level", "INFO");
        assertBad(
                Map.of("listeners", "PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093"),
                "advertised.listeners",
                "wildcard");
        assertBad(
                Map.of("broker.heartbeat.interval.ms", "10000"),
                "broker.heartbeat.interval.ms",
                "broker.session.timeout.ms");
    }

    @Test
    void theLeaderRebalanceIsOnEveryFiveMinutesByDefaultAsInKafka() {
        ServerConfig defaults = ServerConfig.embeddedDefault();
        assertTrue(defaults.autoLeaderRebalanceEnable());
        assertEquals(300, defaults.leaderImbalanceCheckIntervalSeconds());

        ServerConfig c = ServerConfig.parse(
                Map.of("auto.leader.rebalance.enable", "false", "leader.imbalance.check.interval.seconds", "7"),
                w -> {});
        assertFalse(c.autoLeaderRebalanceEnable());
        assertEquals(7, c.leaderImbalanceCheckIntervalSeconds());

        assertBad(Map.of("auto.leader.rebalance.enable", "on"), "auto.leader.rebalance.enable", "true or false");
        assertBad(
                Map.of("leader.imbalance.check.interval.seconds", "0"),
                "leader.imbalance.check.interval.seconds",
                "between 1");
        assertBad(
                Map.of("leader.imbalance.check.interval.seconds", "5m"),
                "leader.imbalance.check.interval.seconds",
                "whole number");
    }

    @Test
    void aBrokerOnlyNodeFollowsTheQuorumAtItsControllerListenerWithoutBeingAVoter() {
        ServerConfig c = ServerConfig.parse(
                Map.of(
                        "node.id", "4",
                        "process.roles", "broker",
                        "controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.2:9093,3@127.0.0.3:9093",
                        "listeners", "PLAINTEXT://127.0.0.4:9092,CONTROLLER://127.0.0.4:9093"),
                w -> {});
        assertTrue(c.isBroker());
        assertFalse(c.isController());
        assertEquals(3, c.quorumVoters().size());
        assertTrue(c.quorumVoters().stream().noneMatch(v -> v.nodeId() == 4));
        assertEquals(new Endpoint("127.0.0.4", 9093), c.controllerListener(), "where it receives the metadata log");
        assertEquals(new Endpoint("127.0.0.4", 9092), c.clientListener());
        assertEquals(Map.of("PLAINTEXT", new Endpoint("127.0.0.4", 9092)), c.advertisedListeners());
    }

    @Test
    void aControllerOnlyNodeNeedsNoClientListener() {
        ServerConfig c = ServerConfig.parse(
                Map.of(
                        "node.id", "1",
                        "process.roles", "controller",
                        "controller.quorum.voters", "1@127.0.0.1:9093",
                        "listeners", "CONTROLLER://127.0.0.1:9093"),
                w -> {});
        assertTrue(c.isController());
        assertFalse(c.isBroker());
        assertEquals(new Endpoint("127.0.0.1", 9093), c.controllerListener());
    }

    @Test
    void rolesThatContradictTheQuorumAreRefusedSayingWhatToDo() {
        String voters = "1@127.0.0.1:9093,2@127.0.0.2:9093,3@127.0.0.3:9093";
        assertBad(
                Map.of(
                        "node.id", "2",
                        "process.roles", "broker",
                        "controller.quorum.voters", voters,
                        "listeners", "PLAINTEXT://127.0.0.2:9092,CONTROLLER://127.0.0.2:9093"),
                "controller.quorum.voters",
                "listed as a voter but process.roles has no controller");
        assertBad(
                Map.of(
                        "node.id", "4",
                        "process.roles", "broker,controller",
                        "controller.quorum.voters", voters,
                        "listeners", "PLAINTEXT://127.0.0.4:9092,CONTROLLER://127.0.0.4:9093"),
                "controller.quorum.voters",
                "process.roles=broker");
        assertBad(
                Map.of(
                        "node.id", "4",
                        "process.roles", "broker",
                        "controller.quorum.voters", voters,
                        "listeners", "PLAINTEXT://127.0.0.4:9092"),
                "listeners",
                "a broker-only node follows the metadata log");
        assertBad(
                Map.of(
                        "node.id", "4",
                        "process.roles", "broker",
                        "controller.quorum.voters", voters,
                        "listeners", "PLAINTEXT://127.0.0.4:9092,CONTROLLER://127.0.0.3:9093"),
                "listeners",
                "address of voter 3");
        assertBad(
                Map.of(
                        "node.id", "2",
                        "controller.quorum.voters", voters,
                        "listeners", "PLAINTEXT://127.0.0.2:9092,CONTROLLER://127.0.0.2:9193"),
                "controller.quorum.voters",
                "make the ports agree");
        assertBad(Map.of("process.roles", ""), "process.roles", "unknown role ''");
        assertBad(Map.of("process.roles", "broker,,controller"), "process.roles", "use broker, controller or both");
    }

    @Test
    void listenersNeedPortsOfTheirOwnAndTheQuorumAFixedOne() {
        assertBad(
                Map.of("listeners", "PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9093"),
                "listeners",
                "cannot both bind port 9093");
        assertBad(
                Map.of("listeners", "PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9092"),
                "listeners",
                "cannot both bind port 9092");
        assertBad(
                Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:0"), "listeners", "fixed port");
        assertBad(
                Map.of(
                        "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                        "controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.2:0"),
                "controller.quorum.voters",
                "voter 2 needs a fixed port");
        // Client listeners may take any free port (tests do).
        ServerConfig.parse(Map.of("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:9093"), w -> {});
    }

    private static void assertBad(Map<String, String> props, String key, String hint) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(props, w -> {}));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
    }
}
