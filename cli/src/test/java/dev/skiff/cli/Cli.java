package dev.skiff.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@code skiff} in-process with captured streams. */
final class Cli {
    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.isEmpty()
                    ? List.of()
                    : List.of(out.split("\n", -1))
                            .subList(0, out.split("\n", -1).length - (out.endsWith("\n") ? 1 : 0));
        }

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.strip().split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        return runWithInput("", args);
    }

    static Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Skiff.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
