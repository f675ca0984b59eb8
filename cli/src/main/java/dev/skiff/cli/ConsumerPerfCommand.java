package dev.skiff.cli;

import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.Consumer;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.ConsumerRecords;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicPartition;
import java.io.PrintStream;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff consumer-perf-test}: Kafka's ConsumerPerformance, flags and CSV output (all partitions assigned, no group). */
@Command(
        name = "consumer-perf-test",
        description = "Read records as fast as possible and report throughput, as kafka-consumer-perf-test does.")
final class ConsumerPerfCommand implements Callable<Integer> {
    static final String HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
            + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to consume.")
    String topic;

    @Option(
            names = {"--messages", "--num-records"},
            required = true,
            paramLabel = "N",
            description = "Number of records to read.")
    long messages;

    @Option(
            names = "--timeout",
            paramLabel = "MS",
            defaultValue = "10000",
            description = "Give up if no record arrives for this long (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
            names = "--fetch-size",
            paramLabel = "BYTES",
            defaultValue = "1048576",
            description = "max.partition.fetch.bytes (default: ${DEFAULT-VALUE}).")
    int fetchSize;

    @Option(names = "--from-latest", description = "Start at the end of each partition instead of the beginning.")
    boolean fromLatest;

    @Option(names = "--consumer.config", paramLabel = "FILE", description = "A properties file with consumer configs.")
    Path consumerConfig;

    @Option(names = "--hide-header", description = "Print only the result row.")
    boolean hideHeader;

    @Override
    public Integer call() {
        if (messages < 0 || timeoutMs < 0) {
            throw new UserException("--messages and --timeout must not be negative");
        }
        Map<String, String> props = new HashMap<>();
        if (consumerConfig != null) {
            props.putAll(ConnectionOptions.loadProperties(consumerConfig, "--consumer.config"));
        }
        props.put("max.partition.fetch.bytes", String.valueOf(fetchSize));
        props.put("auto.offset.reset", fromLatest ? "latest" : "earliest");
        Clock clock = skiff.clock();
        PrintStream out = skiff.out();
        try (Consumer consumer = new Consumer(connection.clientProps(props), ClientEnvironment.system())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos.isEmpty()) {
                throw new UserException("Topic '" + topic + "' does not exist");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            if (!hideHeader) {
                out.println(HEADER);
            }
            long startMs = clock.millis();
            long lastConsumedMs = startMs;
            long count = 0;
            long bytes = 0;
            while (count < messages && clock.millis() - lastConsumedMs <= timeoutMs) {
                ConsumerRecords records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    lastConsumedMs = clock.millis();
                }
                for (ConsumerRecord r : records) {
                    count++;
                    bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                }
            }
            long endMs = clock.millis();
            if (count < messages) {
                skiff.err()
                        .println("WARNING: Exiting before consuming the expected number of messages: timeout ("
                                + timeoutMs
                                + " ms) exceeded. You can use the --timeout option to increase the timeout.");
            }
            out.println(row(startMs, endMs, bytes, count, 0));
        }
        return Skiff.OK;
    }

    /** Kafka's CSV row; dates in the local time zone as {@code yyyy-MM-dd HH:mm:ss:SSS}. */
    static String row(long startMs, long endMs, long bytes, long count, long rebalanceMs) {
        SimpleDateFormat date = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS", Locale.ROOT);
        double mb = bytes / (1024.0 * 1024.0);
        double elapsedSec = Math.max(1, endMs - startMs) / 1000.0;
        long fetchMs = (endMs - startMs) - rebalanceMs;
        double fetchSec = Math.max(1, fetchMs) / 1000.0;
        return String.format(
                Locale.ROOT,
                "%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f",
                date.format(new Date(startMs)),
                date.format(new Date(endMs)),
                mb,
                mb / elapsedSec,
                count,
                count / elapsedSec,
                rebalanceMs,
                fetchMs,
                mb / fetchSec,
                count / fetchSec);
    }
}
