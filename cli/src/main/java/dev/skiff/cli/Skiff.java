package dev.skiff.cli;

import dev.skiff.client.ApiException;
import dev.skiff.client.ClusterUnreachableException;
import dev.skiff.client.ConfigException;
import dev.skiff.client.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code skiff} command: {@code main} wires the real streams; {@link #run} is what tests call. */
@Command(
        name = "skiff",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Skiff.Version.class,
        description =
                "Manage and use a skiff cluster: topics, configs, consumer groups, leader elections, console producer and consumer, perf"
                        + " tests, segment dumps.",
        subcommands = {
            TopicsCommand.class,
            ConfigsCommand.class,
            ConsoleProducerCommand.class,
            ConsoleConsumerCommand.class,
            DumpLogCommand.class,
            ProducerPerfCommand.class,
            ConsumerPerfCommand.class,
            ClusterCommand.class,
            LeaderElectionCommand.class,
            ReassignPartitionsCommand.class,
            MetadataQuorumCommand.class,
            ConsumerGroupsCommand.class
        })
public final class Skiff implements Callable<Integer> {
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int UNREACHABLE = 2;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    @Spec
    private CommandSpec spec;

    Skiff(InputStream in, PrintStream out, PrintStream err, Clock clock) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code. Nothing here calls {@code System.exit}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, Clock.systemUTC());
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Clock clock) {
        CommandLine cmd = new CommandLine(new Skiff(in, out, err, clock));
        cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cmd.setParameterExceptionHandler((e, a) -> {
            String command = e.getCommandLine().getCommandName();
            err.println("Error: " + oneLine(e.getMessage()) + " (see '" + qualified(e.getCommandLine(), command)
                    + " --help')");
            return USER_ERROR;
        });
        cmd.setExecutionExceptionHandler((e, c, parsed) -> report(e, err));
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String qualified(CommandLine c, String name) {
        return c.getParent() == null ? name : "skiff " + name;
    }

    /** Maps a failure to its exit code and prints one line; never a stack trace. */
    static int report(Exception e, PrintStream err) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof ClusterUnreachableException u) {
            err.println("Error: " + oneLine(u.getMessage()));
            return UNREACHABLE;
        }
        if (t instanceof UserException
                || t instanceof ConfigException
                || t instanceof ApiException
                || t instanceof IllegalArgumentException) {
            err.println("Error: " + oneLine(t.getMessage()));
            return USER_ERROR;
        }
        if (t instanceof SkiffException || t instanceof IOException) {
            err.println("Error: " + oneLine(t.getMessage()));
            return USER_ERROR;
        }
        err.println("Error: unexpected " + t.getClass().getName() + ": " + oneLine(String.valueOf(t.getMessage())));
        return USER_ERROR;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').strip();
    }

    @Override
    public Integer call() {
        err.println("Error: missing command: one of "
                + String.join(", ", spec.subcommands().keySet()) + " (see 'skiff --help')");
        return USER_ERROR;
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Clock clock() {
        return clock;
    }

    /** {@code skiff <version>} from the jar's build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream s = Skiff.class.getResourceAsStream("/skiff-version.properties")) {
                if (s != null) {
                    p.load(s);
                }
            }
            return new String[] {"skiff " + p.getProperty("version", "unknown")};
        }
    }
}
