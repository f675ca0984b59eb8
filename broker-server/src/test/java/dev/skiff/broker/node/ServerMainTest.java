package dev.skiff.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.broker.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ServerMainTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ServerMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: skiff-server"));
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("skiff-server "));
    }

    @Test
    void zookeeperConnectExitsOneWithTheWayOut() throws Exception {
        Path props = tmp.resolve("server.properties");
        Files.writeString(props, "broker.id=0\nzookeeper.connect=localhost:2181\n");
        assertEquals(1, run(props.toString()));
        assertTrue(err().contains("needs no ZooKeeper") && err().contains("controller.quorum.voters"), err());
    }

    @Test
    void badValuesAndArgumentsExitOne() {
        assertEquals(1, run("--override", "num.partitions=-3"));
        assertTrue(err().contains("num.partitions"), err());
        assertEquals(1, run("--frobnicate"));
        assertTrue(err().contains("unknown option --frobnicate"), err());
        assertEquals(1, run(tmp.resolve("missing.properties").toString()));
        assertTrue(err().contains("does not exist"), err());
    }

    @Test
    @Timeout(120)
    void secondNodeOnALockedDataDirRefusesToStart() throws Exception {
        Map<String, String> props = Map.of(
                "listeners",
                FreePorts.listeners(),
                "log.dirs",
                tmp.resolve("data").toString());
        try (SkiffNode first = SkiffNode.start(ServerConfig.parse(props, w -> {}), props, Clock.systemUTC())) {
            int code = run(
                    "--override",
                    "listeners=" + FreePorts.listeners(),
                    "--override",
                    "log.dirs=" + tmp.resolve("data"));
            assertEquals(1, code);
            assertTrue(err().contains("in use by another skiff process"), err());
        }
    }

    @Test
    void dataDirOfAnotherNodeIsRefused() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("meta.properties"), "version=1\ncluster.id=abc\nnode.id=7\n");
        int code = run("--override", "log.dirs=" + data, "--override", "listeners=" + FreePorts.listeners());
        assertEquals(1, code);
        assertTrue(err().contains("belongs to node 7"), err());
    }
}
