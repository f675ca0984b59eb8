package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With nothing listening, commands exit 2 and name the address they tried. */
class UnreachableTest {
    @TempDir
    static Path dir;

    static String address;
    static String config;

    @BeforeAll
    static void setUp() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        address = "127.0.0.1:" + port;
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "socket.connection.setup.timeout.ms=300\n");
        config = file.toString();
    }

    private static void unreachable(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(
                r.errLines().get(0).startsWith("Error: Could not reach any broker at " + address + ": UNAVAILABLE"),
                r.toString());
        assertTrue(r.err().contains("Connection refused"), r.toString());
    }

    @Test
    void topicsExitTwo() {
        unreachable("topics", "--list", "--bootstrap-server", address, "--command-config", config);
        unreachable("topics", "--create", "--topic", "t", "--bootstrap-server", address, "--command-config", config);
    }

    @Test
    void configsExitTwo() {
        unreachable(
                "configs",
                "--describe",
                "--entity-type",
                "topics",
                "--bootstrap-server",
                address,
                "--command-config",
                config);
    }

    @Test
    void consoleClientsExitTwo() {
        unreachable("console-consumer", "--topic", "t", "--bootstrap-server", address, "--command-config", config);
        unreachable("console-producer", "--topic", "t", "--bootstrap-server", address, "--command-config", config);
        unreachable(
                "producer-perf-test",
                "--topic",
                "t",
                "--num-records",
                "1",
                "--record-size",
                "1",
                "--throughput",
                "-1",
                "--bootstrap-server",
                address,
                "--command-config",
                config);
        unreachable(
                "consumer-perf-test",
                "--topic",
                "t",
                "--messages",
                "1",
                "--bootstrap-server",
                address,
                "--command-config",
                config);
    }
}
