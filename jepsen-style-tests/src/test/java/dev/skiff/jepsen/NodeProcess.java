package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One skiff node started from the fat jar as a separate JVM, as a user starts it, with its stdout
 * and stderr in a file. Stops with SIGTERM ({@link #stop}) or SIGKILL ({@link #kill}); {@link
 * #close} always reaps the process.
 */
final class NodeProcess implements AutoCloseable {
    private final Path jar;
    private final Path dir;
    private final Map<String, String> overrides;
    private Process process;
    private Path output;
    private int starts;

    NodeProcess(Path jar, Path dir, Map<String, String> overrides) {
        this.jar = jar;
        this.dir = dir;
        this.overrides = Map.copyOf(overrides);
    }

    static Path serverJar() {
        return Path.of(System.getProperty("skiff.server.jar", "../broker-server/target/skiff-server.jar"));
    }

    /** Starts the JVM and waits for its ready line. */
    NodeProcess start(Duration readyWithin) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-jar", jar.toString()));
        overrides.forEach((k, v) -> {
            cmd.add("--override");
            cmd.add(k + "=" + v);
        });
        Files.createDirectories(dir);
        output = dir.resolve("node-" + (++starts) + ".out");
        process = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        await().atMost(readyWithin).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "node exited with " + process.exitValue() + " before it was ready:\n" + output());
            }
            return output().contains(" ready in ");
        });
        return this;
    }

    String output() throws IOException {
        return output == null || !Files.exists(output) ? "" : Files.readString(output, StandardCharsets.UTF_8);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM and wait: a clean shutdown. Returns the exit code. */
    int stop(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node did not stop within " + within + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to flush or clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
