package dev.skiff.examples;

import dev.skiff.client.Consumer;
import dev.skiff.client.ConsumerConfig;
import dev.skiff.client.ConsumerRebalanceListener;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.ConsumerRecords;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.WakeupException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Reads topics as a member of a consumer group, printing {@code partition offset value} per record:
 *
 * <pre>GroupConsumer &lt;bootstrap&gt; &lt;group&gt; &lt;topic&gt;...</pre>
 *
 * Start several with the same group and the group splits the partitions among them; stop one and
 * the others take its partitions over, from the offsets it committed. Ctrl-C or SIGTERM commits
 * and leaves the group.
 */
public final class GroupConsumer {
    static final String USAGE = "usage: GroupConsumer <bootstrap> <group> <topic>...";

    record Arguments(String bootstrap, String group, List<String> topics) {}

    private final Consumer consumer;
    private final PrintStream out;
    /** The offset after the last record processed, per partition this member owns. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();

    private GroupConsumer(Consumer consumer, PrintStream out) {
        this.consumer = consumer;
        this.out = out;
    }

    public static void main(String[] args) throws InterruptedException {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(1);
            return;
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, arguments.bootstrap());
        props.put("group.id", arguments.group());
        props.put("enable.auto.commit", "false"); // This member commits itself, after processing.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // A new group reads from the start.

        CountDownLatch closed = new CountDownLatch(1);
        try (Consumer consumer = new Consumer(props)) {
            // wakeup() is the one Consumer method safe to call from another thread: the poll loop
            // throws WakeupException. The JVM exits when the hook returns, so the hook waits.
            Runtime.getRuntime()
                    .addShutdownHook(Executors.defaultThreadFactory().newThread(() -> {
                        consumer.wakeup();
                        try {
                            closed.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            new GroupConsumer(consumer, System.out).run(arguments.topics());
        } finally {
            closed.countDown();
        }
    }

    /** @throws IllegalArgumentException saying what is wrong */
    static Arguments parse(String... args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("expected <bootstrap> <group> <topic>..., got " + Arrays.asList(args));
        }
        for (String arg : args) {
            if (arg.isBlank() || arg.startsWith("-")) {
                throw new IllegalArgumentException("not a bootstrap address, group or topic: '" + arg + "'");
            }
        }
        return new Arguments(args[0], args[1], List.of(args).subList(2, args.length));
    }

    private void run(List<String> topics) {
        consumer.subscribe(topics, new CommitOnRevoke());
        try {
            while (true) {
                ConsumerRecords records = consumer.poll(Duration.ofSeconds(1));
                for (ConsumerRecord record : records) {
                    process(record);
                    processed.put(record.topicPartition(), new OffsetAndMetadata(record.offset() + 1));
                }
                // At-least-once: commit only what has been processed. A crash before this line
                // means the next owner reads these records again. Committing right after poll,
                // before processing, would be at-most-once: a crash then loses them.
                if (!records.isEmpty()) {
                    consumer.commitSync(Map.copyOf(processed));
                }
            }
        } catch (WakeupException e) {
            // Shutting down: everything polled was processed; commit it below and leave.
        } finally {
            if (!processed.isEmpty()) {
                consumer.commitSync(Map.copyOf(processed));
            }
        }
    }

    private void process(ConsumerRecord record) {
        String value = record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8);
        out.println(record.partition() + " " + record.offset() + " " + value);
    }

    /** Commits a partition's progress before it goes to another member, so that member starts there. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> revoked = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = processed.remove(tp);
                if (offset != null) {
                    revoked.put(tp, offset);
                }
            }
            if (!revoked.isEmpty()) {
                consumer.commitSync(revoked);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another member may own these already: committing now could overwrite its progress.
            partitions.forEach(processed::remove);
        }
    }
}
