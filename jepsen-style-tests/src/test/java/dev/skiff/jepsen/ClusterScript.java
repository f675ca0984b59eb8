package dev.skiff.jepsen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/skiff-cluster} run the way a user runs it, against one cluster directory. */
final class ClusterScript {
    /** What a run printed (stdout and stderr together) and its exit code. */
    record Run(int exit, String output) {}

    private final Path work;
    private final Path dir;

    /**
     * @param work where the script's output files go
     * @param dir the cluster directory ({@code --dir})
     */
    ClusterScript(Path work, Path dir) {
        this.work = work;
        this.dir = dir;
    }

    Run run(String... args) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("skiff.root", ".."));
        Path out = Files.createTempFile(work, "script", ".out");
        List<String> cmd = new ArrayList<>(
                List.of("bash", root.resolve("bin/skiff-cluster").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--dir", dir.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("skiff-cluster " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out));
    }

    /**
     * Sends SIGKILL to a node's process straight from this JVM, so that the caller knows the
     * moment of the kill to the millisecond ({@code skiff-cluster kill} adds a bash start-up).
     */
    static void killNow(long pid) {
        ProcessHandle handle =
                ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("pid " + pid + " is not running"));
        handle.destroyForcibly();
        handle.onExit().join();
    }

    /** A running node's PID, from {@code skiff-cluster status}. */
    long pid(int nodeId) throws IOException, InterruptedException {
        for (String line : ok("status").output().lines().toList()) {
            String[] cols = line.split("\t");
            if (cols.length == 4 && cols[0].equals(Integer.toString(nodeId)) && !cols[2].equals("-")) {
                return Long.parseLong(cols[2]);
            }
        }
        throw new AssertionError("node " + nodeId + " has no PID in skiff-cluster status");
    }

    /** Runs and fails the test unless the script exits 0. */
    Run ok(String... args) throws IOException, InterruptedException {
        Run r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError(
                    "skiff-cluster " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r;
    }
}
