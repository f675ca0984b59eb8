package dev.skiff.cli;

import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.Producer;
import dev.skiff.client.ProducerRecord;
import dev.skiff.client.SkiffException;
import dev.skiff.client.internals.ClientExecutors;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff producer-perf-test}: Kafka's ProducerPerformance, flags and output. */
@Command(
        name = "producer-perf-test",
        description =
                "Send records as fast as allowed and report throughput and latency, as kafka-producer-perf-test does.")
final class ProducerPerfCommand implements Callable<Integer> {
    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to produce to.")
    String topic;

    @Option(names = "--num-records", required = true, paramLabel = "N", description = "Number of records to send.")
    long numRecords;

    @Option(
            names = "--record-size",
            required = true,
            paramLabel = "BYTES",
            description = "Size of each record in bytes.")
    int recordSize;

    @Option(
            names = "--throughput",
            required = true,
            paramLabel = "RECORDS/SEC",
            description = "Throttle to about this many records per second; -1 for no limit.")
    double throughput;

    @Option(
            names = "--producer-props",
            arity = "1..*",
            paramLabel = "KEY=VALUE",
            description = "Producer configs, e.g. acks=1 linger.ms=5 compression.type=lz4.")
    List<String> producerProps = new ArrayList<>();

    @Option(names = "--producer.config", paramLabel = "FILE", description = "A properties file with producer configs.")
    Path producerConfig;

    @Override
    public Integer call() throws InterruptedException {
        if (numRecords < 0 || recordSize < 0) {
            throw new UserException("--num-records and --record-size must not be negative");
        }
        Map<String, String> props = new HashMap<>();
        if (producerConfig != null) {
            props.putAll(ConnectionOptions.loadProperties(producerConfig, "--producer.config"));
        }
        props.putAll(KeyValues.pairs(producerProps, "--producer-props"));
        byte[] payload = new byte[recordSize];
        SplittableRandom random = new SplittableRandom();
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (random.nextInt(26) + 65);
        }
        Clock clock = skiff.clock();
        ScheduledExecutorService pacer = ClientExecutors.singleThread(Executors.defaultThreadFactory());
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (Producer producer = new Producer(connection.clientProps(props), ClientEnvironment.system())) {
            producer.partitionsFor(topic);
            long start = clock.millis();
            PerfStats stats = new PerfStats(numRecords, 5_000, start, skiff.out());
            Throttler throttler = new Throttler(throughput, start);
            for (long i = 0; i < numRecords; i++) {
                long waitMs = throttler.waitMs(i, clock.millis());
                if (waitMs > 0) {
                    pause(pacer, waitMs);
                }
                long sendStart = clock.millis();
                long iteration = i;
                producer.send(new ProducerRecord(topic, payload), (metadata, e) -> {
                    if (e != null) {
                        firstError.compareAndSet(null, e);
                        return;
                    }
                    long now = clock.millis();
                    stats.record(iteration, (int) (now - sendStart), payload.length, now);
                });
            }
            producer.flush();
            stats.printTotal(clock.millis());
        } finally {
            pacer.shutdownNow();
        }
        if (firstError.get() != null) {
            throw new SkiffException("Some records failed: " + firstError.get().getMessage(), firstError.get());
        }
        return Skiff.OK;
    }

    /** Waits on a timer of the pacer's scheduler: time is the scheduler's, not a sleep in this loop. */
    private static void pause(ScheduledExecutorService pacer, long ms) throws InterruptedException {
        try {
            pacer.schedule(() -> null, ms, TimeUnit.MILLISECONDS).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
