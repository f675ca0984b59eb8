package dev.skiff.cli;

import dev.skiff.client.internals.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** {@code --bootstrap-server} and {@code --command-config}, shared by every command that talks to a cluster. */
final class ConnectionOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    /** How long the CLI lets every address refuse before it reports the cluster unreachable (exit 2). */
    static final String CLI_CONNECTION_SETUP_TIMEOUT_MS = "5000";

    @Option(
            names = "--bootstrap-server",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The broker(s) to connect to (default: " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServer;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "A properties file with client configs (request.timeout.ms, default.api.timeout.ms, ...).")
    Path commandConfig;

    /** The bootstrap list as given, checked, or the default. */
    String bootstrap() {
        String value = bootstrapServer == null ? DEFAULT_BOOTSTRAP : bootstrapServer;
        try {
            HostPort.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new UserException("Invalid --bootstrap-server '" + value + "': " + e.getMessage());
        }
        return value;
    }

    boolean bootstrapGiven() {
        return bootstrapServer != null;
    }

    /** Client properties: the CLI's defaults, then {@code --command-config}, then the bootstrap servers. */
    Map<String, String> clientProps() {
        return clientProps(Map.of());
    }

    /**
     * Client properties: the CLI's defaults, {@code --command-config}, then {@code specific} (a
     * tool's own config file and flags). {@code --bootstrap-server} wins if given; otherwise a
     * {@code bootstrap.servers} from the files or flags, else the default.
     */
    Map<String, String> clientProps(Map<String, String> specific) {
        Map<String, String> props = new HashMap<>();
        props.put("socket.connection.setup.timeout.ms", CLI_CONNECTION_SETUP_TIMEOUT_MS);
        if (commandConfig != null) {
            props.putAll(loadProperties(commandConfig, "--command-config"));
        }
        props.putAll(specific);
        if (bootstrapGiven() || !props.containsKey("bootstrap.servers")) {
            props.put("bootstrap.servers", bootstrap());
        }
        return props;
    }

    static Map<String, String> loadProperties(Path file, String flag) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UserException("Cannot read " + flag + " file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }
}
