package dev.skiff.jepsen;

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
 * A consumer-group member as an application runs it: {@code skiff console-consumer --group} from
 * the CLI fat jar, in its own JVM, printing {@code Partition:P<TAB>Offset:O<TAB>value} for every
 * record it consumes (flushed after each poll, before the poll's offsets are committed, so that
 * what it printed is what it processed). {@link #kill} is kill -9: no commit, no LeaveGroup.
 */
final class MemberProcess implements AutoCloseable {
    /** One record as the member printed it. */
    record Consumed(int partition, long offset, String value) {}

    private final Process process;
    private final Path output;
    private final String name;

    private MemberProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    static MemberProcess start(
            Path dir, String name, String bootstrap, String topic, String group, Map<String, String> props)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                NodeProcess.javaBin(),
                "-Xmx128m",
                "-jar",
                CliRun.cliJar().toString(),
                "console-consumer",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--group",
                group,
                "--from-beginning",
                "--property",
                "print.partition=true",
                "--property",
                "print.offset=true"));
        props.forEach((k, v) -> {
            cmd.add("--consumer-property");
            cmd.add(k + "=" + v);
        });
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        return new MemberProcess(name, p, out);
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every complete line printed so far. */
    List<Consumed> consumed() throws IOException {
        List<Consumed> out = new ArrayList<>();
        String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return out;
        }
        for (String line : text.substring(0, end).split("\n")) {
            String[] cols = line.split("\t", 3);
            if (cols.length == 3 && cols[0].startsWith("Partition:") && cols[1].startsWith("Offset:")) {
                out.add(new Consumed(
                        Integer.parseInt(cols[0].substring("Partition:".length())),
                        Long.parseLong(cols[1].substring("Offset:".length())),
                        cols[2]));
            }
        }
        return out;
    }

    /** kill -9, as a crashed application: nothing committed since the last commit, no leave. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the consumer commits and leaves the group. Returns the exit code. */
    int stop(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not stop within " + within + " after SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
