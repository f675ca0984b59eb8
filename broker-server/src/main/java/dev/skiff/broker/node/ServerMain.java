package dev.skiff.broker.node;

import dev.skiff.broker.config.ConfigException;
import dev.skiff.broker.config.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar skiff-server.jar [server.properties] [--override key=value]…}: validates the
 * config (exit 1 with the key named), starts the node, prints the ready line, and shuts down
 * cleanly on SIGTERM.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Clock clock = Clock.systemUTC();
        long startedMs = clock.millis();
        ServerConfig config;
        Map<String, String> props;
        List<String> warnings = new ArrayList<>();
        try {
            ServerArgs parsed = ServerArgs.parse(args);
            if (parsed.help()) {
                out.print(ServerArgs.USAGE);
                return 0;
            }
            if (parsed.version()) {
                out.println(ServerArgs.versionString());
                return 0;
            }
            props = parsed.properties();
            config = ServerConfig.parse(props, warnings::add);
            Files.createDirectories(config.logDirs().get(0));
        } catch (ConfigException e) {
            err.println("skiff-server: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("skiff-server: cannot create the data directory: " + e.getMessage());
            return 1;
        }
        Logging.configure(config.loggingLevel(), config.logDirs().get(0).resolve("skiff-server.log"));
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        warnings.forEach(log::warn);
        SkiffNode node;
        try {
            node = SkiffNode.start(config, props, clock);
        } catch (IOException | RuntimeException e) {
            log.error("startup failed", e);
            err.println("skiff-server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ThreadRunner.onShutdown("skiff-shutdown", () -> {
            node.close();
            stopped.countDown();
        });
        out.println(node.readyLine(startedMs));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
