package dev.skiff.examples;

import dev.skiff.client.Producer;
import dev.skiff.client.ProducerConfig;
import dev.skiff.client.ProducerRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends each new line of a file to a topic, as {@code tail -F file | skiff console-producer} would:
 *
 * <pre>FileTailProducer [--from-beginning] &lt;bootstrap&gt; &lt;topic&gt; &lt;file&gt;</pre>
 *
 * Lines become records without a key (the producer spreads them over the partitions), sent with
 * {@code acks=all}: a record counts as written once every in-sync replica has it. Ctrl-C or
 * SIGTERM stops reading, waits for what was sent, and closes the producer.
 */
public final class FileTailProducer {
    static final String USAGE = "usage: FileTailProducer [--from-beginning] <bootstrap> <topic> <file>";
    private static final long POLL_INTERVAL_MS = 200;

    record Arguments(String bootstrap, String topic, Path file, boolean fromBeginning) {}

    private FileTailProducer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(1);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM exits when the hook returns, so the hook waits for the flush and close.
        Runtime.getRuntime().addShutdownHook(Executors.defaultThreadFactory().newThread(() -> {
            stop.countDown();
            awaitUninterruptibly(stopped);
        }));
        try {
            run(arguments, stop, System.err);
        } finally {
            stopped.countDown();
        }
    }

    /**
     * The arguments, checked: three of them after the one option, and a file that exists.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Arguments parse(String... args) {
        List<String> positional = new ArrayList<>();
        boolean fromBeginning = false;
        for (String arg : args) {
            if (arg.equals("--from-beginning")) {
                fromBeginning = true;
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != 3) {
            throw new IllegalArgumentException("expected <bootstrap> <topic> <file>, got " + positional);
        }
        Path file = Path.of(positional.get(2));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        return new Arguments(positional.get(0), positional.get(1), file, fromBeginning);
    }

    /** Sends the file's new lines until {@code stop} opens, then waits until all are acknowledged. */
    static void run(Arguments arguments, CountDownLatch stop, PrintStream err)
            throws IOException, InterruptedException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, arguments.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        FileTailer tailer = FileTailer.open(arguments.file(), arguments.fromBeginning());
        try (Producer producer = new Producer(props)) {
            do {
                for (String line : tailer.poll()) {
                    byte[] value = line.getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord(arguments.topic(), value), (metadata, e) -> {
                        if (e != null) {
                            err.println("could not send a line: " + e);
                        }
                    });
                }
            } while (!stop.await(POLL_INTERVAL_MS, TimeUnit.MILLISECONDS));
            producer.flush();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
