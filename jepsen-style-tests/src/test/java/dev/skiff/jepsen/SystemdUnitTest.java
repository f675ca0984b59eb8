package dev.skiff.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit the README's three-machine section installs. */
class SystemdUnitTest {
    private static final Path ROOT = Path.of(System.getProperty("skiff.root", ".."));
    private static final Path UNIT = ROOT.resolve("deploy/systemd/skiff.service");

    @Test
    void runsTheServerJarWithTheNodesPropertiesAndStopsItWithSigterm() throws IOException {
        String unit = Files.readString(UNIT);
        assertTrue(
                unit.contains("-jar /opt/skiff/skiff-server.jar /etc/skiff/server.properties"),
                "ExecStart runs the fat jar the build makes (broker-server/target/skiff-server.jar)");
        assertTrue(unit.contains("KillSignal=SIGTERM"), "SIGTERM triggers the controlled shutdown");
        assertTrue(unit.contains("SuccessExitStatus=143"), "a JVM ended by SIGTERM exits 143");
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains("deploy/systemd/skiff.service"));
    }

    @Test
    void systemdAcceptsTheUnit(@TempDir Path tmp) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Path copy = tmp.resolve("skiff.service");
        Files.copy(UNIT, copy);
        Path out = tmp.resolve("verify.out");
        Process p = new ProcessBuilder(List.of(analyze.toString(), "verify", copy.toString()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = Files.readString(out);
        // Outside a booted systemd, verify may only complain that it cannot reach the manager.
        Assumptions.assumeFalse(output.contains("Failed to connect") || output.contains("System has not been booted"));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.lines().noneMatch(l -> l.contains("skiff.service:")), output);
    }
}
