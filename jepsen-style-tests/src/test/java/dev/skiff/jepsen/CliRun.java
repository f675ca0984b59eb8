package dev.skiff.jepsen;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of the {@code skiff} CLI fat jar, as a user types it, with its output and exit code. */
record CliRun(int exitCode, String stdout, String stderr) {
    static Path cliJar() {
        return Path.of(System.getProperty("skiff.cli.jar", "../cli/target/skiff.jar"));
    }

    static CliRun run(Path workDir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(NodeProcess.javaBin(), "-jar", cliJar().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "cli", ".out");
        Path err = Files.createTempFile(workDir, "cli", ".err");
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("skiff " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
