package dev.skiff.broker.node;

import dev.skiff.broker.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The command line of {@code skiff-server}: {@code [server.properties] [--override key=value]…},
 * {@code --help}, {@code --version}. Overrides win over the file, as Kafka's do.
 */
record ServerArgs(Optional<Path> propertiesFile, Map<String, String> overrides, boolean help, boolean version) {

    static final String USAGE =
            """
            usage: skiff-server [server.properties] [--override key=value]...
                   skiff-server --help | --version

            Without a file, starts one combined broker+controller node: clients on 127.0.0.1:9092,
            the controller quorum on 127.0.0.1:9093, data in ./data. The file uses Kafka's
            server.properties keys (node.id, process.roles, controller.quorum.voters, listeners,
            advertised.listeners, log.dirs, num.partitions, log.retention.hours, ...); see the README.
            """;

    static ServerArgs parse(String[] args) {
        Optional<Path> file = Optional.empty();
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--version", "-V" -> version = true;
                case "--override" -> {
                    if (i + 1 >= args.length) {
                        throw new ConfigException("--override needs key=value");
                    }
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new ConfigException("--override '" + kv + "' is not key=value");
                    }
                    overrides.put(
                            kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new ConfigException("unknown option " + a + "; see skiff-server --help");
                    }
                    if (file.isPresent()) {
                        throw new ConfigException("more than one properties file given: " + file.get() + " and " + a);
                    }
                    file = Optional.of(Path.of(a));
                }
            }
        }
        return new ServerArgs(file, overrides, help, version);
    }

    /** The file's keys (if any), then the overrides. */
    Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        if (propertiesFile.isPresent()) {
            Path f = propertiesFile.get();
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (NoSuchFileException e) {
                throw new ConfigException("properties file " + f.toAbsolutePath() + " does not exist");
            } catch (IOException e) {
                throw new ConfigException("cannot read properties file " + f.toAbsolutePath() + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                out.put(k, p.getProperty(k));
            }
        }
        out.putAll(overrides);
        return out;
    }

    static String versionString() {
        String v = ServerArgs.class.getPackage().getImplementationVersion();
        return "skiff-server " + (v == null ? "development build" : v);
    }
}
