package dev.skiff.cli;

import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.Consumer;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.WakeupException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff console-consumer}: print a topic's records, as kafka-console-consumer. Without a
 * group it assigns itself the partitions; with {@code --group} (or a {@code group.id} consumer
 * property) it subscribes as a member of that group and commits the offsets of the records it
 * printed when it exits.
 */
@Command(name = "console-consumer", description = "Print records from a topic's partitions to standard output.")
final class ConsoleConsumerCommand implements Callable<Integer> {
    private static final String GROUP_ID = "group.id";

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to consume.")
    String topic;

    @Option(names = "--from-beginning", description = "Start with the earliest record rather than the latest.")
    boolean fromBeginning;

    @Option(
            names = "--partition",
            paramLabel = "N",
            description = "Consume only this partition (default: all partitions of the topic).")
    Integer partition;

    @Option(names = "--offset", paramLabel = "earliest|latest|N", description = "With --partition: where to start.")
    String offset;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after this many records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Exit if no record arrives for this long.")
    Long timeoutMs;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description =
                    "Output: print.key, print.offset, print.timestamp, print.partition, print.value (true|false), key.separator, line.separator (repeatable).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "A consumer config (repeatable).")
    List<String> consumerProperties = new ArrayList<>();

    @Option(names = "--consumer.config", paramLabel = "FILE", description = "A properties file with consumer configs.")
    Path consumerConfig;

    @Option(
            names = "--group",
            paramLabel = "GROUP",
            description = "Join this consumer group: the group shares the topic's partitions, starts from its"
                    + " committed offsets (else --from-beginning or auto.offset.reset) and commits on exit.")
    String group;

    @Override
    public Integer call() {
        Long start = validate();
        RecordFormatter formatter = new RecordFormatter(KeyValues.pairs(properties, "--property"));
        PrintStream out = skiff.out();
        Clock clock = skiff.clock();
        long count = 0;
        boolean started = false;
        CountDownLatch finished = new CountDownLatch(1);
        Map<String, String> props = consumerProps();
        String groupId = props.get(GROUP_ID);
        Map<TopicPartition, Long> printed = new HashMap<>();
        try (Consumer consumer = new Consumer(props, ClientEnvironment.system())) {
            Thread hook = Executors.defaultThreadFactory().newThread(() -> {
                consumer.wakeup();
                awaitQuietly(finished);
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (groupId == null) {
                    List<TopicPartition> partitions = partitions(consumer);
                    consumer.assign(partitions);
                    position(consumer, partitions, start);
                } else {
                    consumer.subscribe(List.of(topic));
                }
                started = true;
                long lastRecordMs = clock.millis();
                while (maxMessages == null || count < maxMessages) {
                    long waitMs = timeoutMs == null ? 1_000 : Math.max(0, lastRecordMs + timeoutMs - clock.millis());
                    List<ConsumerRecord> records = new ArrayList<>();
                    consumer.poll(Duration.ofMillis(waitMs)).forEach(records::add);
                    for (ConsumerRecord r : records) {
                        if (maxMessages != null && count >= maxMessages) {
                            break;
                        }
                        formatter.write(r, out);
                        printed.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                        count++;
                    }
                    out.flush();
                    if (!records.isEmpty()) {
                        lastRecordMs = clock.millis();
                    } else if (timeoutMs != null && clock.millis() - lastRecordMs >= timeoutMs) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C: stop consuming and report as Kafka does.
            } finally {
                removeHook(hook);
            }
            if (groupId != null && !printed.isEmpty()) {
                commit(consumer, printed);
            }
        } finally {
            if (started) {
                skiff.err().println("Processed a total of " + count + " messages");
            }
            finished.countDown();
        }
        return Skiff.OK;
    }

    /**
     * Commits the position after the last printed record of each partition (not the fetch
     * position: records fetched but not printed, past --max-messages, are read again next time).
     */
    private static void commit(Consumer consumer, Map<TopicPartition, Long> printed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        printed.forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
        consumer.commitSync(offsets);
    }

    /** Checks the flags; returns the --offset number if one was given. */
    private Long validate() {
        if (group != null && partition != null) {
            throw new UserException("Options group and partition cannot be specified together.");
        }
        if (offset != null && partition == null) {
            throw new UserException("The partition is required when offset is specified.");
        }
        if (offset != null && fromBeginning) {
            throw new UserException("Options from-beginning and offset cannot be specified together.");
        }
        if (partition != null && partition < 0) {
            throw new UserException("The partition must be a non-negative number");
        }
        if (maxMessages != null && maxMessages < 0 || timeoutMs != null && timeoutMs < 0) {
            throw new UserException("--max-messages and --timeout-ms must not be negative");
        }
        if (offset == null || offset.equals("earliest") || offset.equals("latest")) {
            return null;
        }
        try {
            long n = Long.parseLong(offset);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new UserException(
                "The provided offset value is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
    }

    private List<TopicPartition> partitions(Consumer consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos.isEmpty()) {
            throw new UserException("Topic '" + topic + "' does not exist");
        }
        List<TopicPartition> out = new ArrayList<>();
        if (partition != null) {
            if (partition >= infos.size()) {
                throw new UserException("Partition " + partition + " does not exist in topic '" + topic + "' (it has "
                        + infos.size() + " partitions)");
            }
            out.add(new TopicPartition(topic, partition));
        } else {
            infos.forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    private void position(Consumer consumer, List<TopicPartition> partitions, Long start) {
        if (start != null) {
            consumer.seek(partitions.get(0), start);
        } else if ("earliest".equals(offset) || fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
    }

    private Map<String, String> consumerProps() {
        Map<String, String> fromFile = consumerConfig == null
                ? Map.of()
                : ConnectionOptions.loadProperties(consumerConfig, "--consumer.config");
        Map<String, String> fromFlags = KeyValues.pairs(consumerProperties, "--consumer-property");
        Set<String> groupIds = new TreeSet<>();
        if (group != null) {
            groupIds.add(group);
        }
        if (fromFile.containsKey(GROUP_ID)) {
            groupIds.add(fromFile.get(GROUP_ID));
        }
        if (fromFlags.containsKey(GROUP_ID)) {
            groupIds.add(fromFlags.get(GROUP_ID));
        }
        if (groupIds.size() > 1) {
            throw new UserException("The group ids provided in different places (directly using '--group', via"
                    + " '--consumer-property', or via '--consumer.config') do not match. Detected group ids: '"
                    + String.join("', '", groupIds) + "'");
        }
        if (!groupIds.isEmpty() && partition != null) {
            throw new UserException("Options group and partition cannot be specified together.");
        }
        Map<String, String> props = new HashMap<>(fromFile);
        props.putAll(fromFlags);
        String reset = props.get("auto.offset.reset");
        if (reset != null && fromBeginning && !reset.equals("earliest")) {
            throw new UserException("Can't simultaneously specify --from-beginning and 'auto.offset.reset=" + reset
                    + "', please remove one option");
        }
        props.put("auto.offset.reset", fromBeginning ? "earliest" : props.getOrDefault("auto.offset.reset", "latest"));
        props.putIfAbsent("client.id", "console-consumer");
        if (!groupIds.isEmpty()) {
            props.put(GROUP_ID, groupIds.iterator().next());
            // This tool commits what it printed, on exit; auto-commit could commit records it never printed.
            props.putIfAbsent("enable.auto.commit", "false");
        }
        return connection.clientProps(props);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running.
        }
    }
}
