package dev.skiff.cli;

import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.CompressionType;
import dev.skiff.client.Producer;
import dev.skiff.client.ProducerRecord;
import dev.skiff.client.RecordMetadata;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff console-producer}: one record per line of standard input, as kafka-console-producer. */
@Command(name = "console-producer", description = "Read lines from standard input and send each as a record.")
final class ConsoleProducerCommand implements Callable<Integer> {
    private static final Set<String> PROPERTIES = Set.of("parse.key", "key.separator", "ignore.error", "null.marker");

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to produce to.")
    String topic;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description =
                    "Line parsing: parse.key=true, key.separator=<sep> (default tab), ignore.error=true, null.marker=<text> (repeatable).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE", description = "A producer config (repeatable).")
    List<String> producerProperties = new ArrayList<>();

    @Option(names = "--producer.config", paramLabel = "FILE", description = "A properties file with producer configs.")
    Path producerConfig;

    @Option(
            names = "--compression-codec",
            arity = "0..1",
            fallbackValue = "gzip",
            paramLabel = "CODEC",
            description = "none, gzip (if given without a value), snappy, lz4 or zstd.")
    String compressionCodec;

    @Option(
            names = "--request-required-acks",
            paramLabel = "ACKS",
            defaultValue = "-1",
            description = "acks: 0, 1, -1 or all (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--sync", description = "Wait for each record to be acknowledged before reading the next line.")
    boolean sync;

    @Override
    public Integer call() {
        Map<String, String> reader = KeyValues.pairs(properties, "--property");
        for (String key : reader.keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw new UserException(
                        "Unknown --property " + key + " (known: parse.key, key.separator, ignore.error, null.marker)");
            }
        }
        boolean parseKey = Boolean.parseBoolean(reader.getOrDefault("parse.key", "false"));
        boolean ignoreError = Boolean.parseBoolean(reader.getOrDefault("ignore.error", "false"));
        String separator = reader.getOrDefault("key.separator", "\t");
        String nullMarker = reader.get("null.marker");
        if (separator.isEmpty()) {
            throw new UserException("key.separator must not be empty");
        }
        AtomicInteger failures = new AtomicInteger();
        try (Producer producer = new Producer(producerProps(), ClientEnvironment.system())) {
            producer.partitionsFor(topic);
            BufferedReader in = new BufferedReader(new InputStreamReader(skiff.in(), StandardCharsets.UTF_8));
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String key = null;
                String value = line;
                if (parseKey) {
                    int at = line.indexOf(separator);
                    if (at < 0 && !ignoreError) {
                        producer.flush();
                        throw new UserException(
                                "No key separator found on line number " + lineNumber + ": '" + line + "'");
                    }
                    if (at >= 0) {
                        key = line.substring(0, at);
                        value = line.substring(at + separator.length());
                    }
                }
                send(producer, nullable(key, nullMarker), nullable(value, nullMarker), failures);
            }
            producer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return failures.get() == 0 ? Skiff.OK : Skiff.USER_ERROR;
    }

    private static String nullable(String text, String nullMarker) {
        return text != null && text.equals(nullMarker) ? null : text;
    }

    private void send(Producer producer, String key, String value, AtomicInteger failures) {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<RecordMetadata> f = producer.send(new ProducerRecord(topic, k, v), (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
                skiff.err()
                        .println("Error when sending message to topic " + topic + " with key: "
                                + (k == null ? "null" : k.length + " bytes") + ", value: "
                                + (v == null ? "null" : v.length + " bytes") + " with error: "
                                + Skiff.oneLine(e.getMessage()));
            }
        });
        if (sync) {
            f.exceptionally(e -> null).join();
        }
    }

    private Map<String, String> producerProps() {
        Map<String, String> props = new HashMap<>();
        props.put("linger.ms", "1000");
        if (producerConfig != null) {
            props.putAll(ConnectionOptions.loadProperties(producerConfig, "--producer.config"));
        }
        props.putAll(KeyValues.pairs(producerProperties, "--producer-property"));
        props.put("acks", acks);
        if (compressionCodec != null) {
            try {
                props.put(
                        "compression.type",
                        CompressionType.forName(compressionCodec).configName());
            } catch (IllegalArgumentException e) {
                throw new UserException("Invalid --compression-codec: " + e.getMessage());
            }
        }
        return connection.clientProps(props);
    }
}
