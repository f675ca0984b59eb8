package dev.skiff.jepsen;

import dev.skiff.client.Consumer;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.Producer;
import dev.skiff.client.ProducerRecord;
import dev.skiff.client.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An acks=all producer spreading numbered records ({@code v0}, {@code v1}, ...) over every
 * partition of a topic at a steady rate, remembering which were acknowledged, how many failed for
 * good, and the slowest acknowledgement; {@link #readBack} is the checker's own read of the topic.
 */
final class SteadyProducer implements AutoCloseable {
    private final Clock clock = Clock.systemUTC();
    private final String bootstrap;
    private final Producer producer;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong next = new AtomicLong();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong latencyMsMax = new AtomicLong();
    private final String topic;
    private final int partitions;

    SteadyProducer(String bootstrap, String topic, int partitions, int recordsPerSecond) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.producer = new Producer(Map.of(
                "bootstrap.servers", bootstrap,
                "acks", "all",
                "linger.ms", "5",
                "delivery.timeout.ms", "120000"));
        int perTick = Math.max(1, recordsPerSecond / 100);
        ticker.scheduleAtFixedRate(() -> send(perTick), 0, 10, TimeUnit.MILLISECONDS);
    }

    private void send(int count) {
        for (int i = 0; i < count; i++) {
            long seq = next.getAndIncrement();
            String value = "v" + seq;
            long sentMs = clock.millis();
            producer.send(
                    new ProducerRecord(topic, (int) (seq % partitions), null, value.getBytes(StandardCharsets.UTF_8)),
                    (md, e) -> {
                        if (e == null) {
                            acked.add(value);
                            latencyMsMax.accumulateAndGet(clock.millis() - sentMs, Math::max);
                        } else if (failures.incrementAndGet() <= 3) {
                            System.out.println("SteadyProducer: " + value + " to partition " + (seq % partitions)
                                    + " failed for good: " + e);
                        }
                    });
        }
    }

    /** Stops sending and waits for every record in flight. */
    void stop() {
        ticker.shutdownNow();
        producer.flush();
    }

    Set<String> ackedValues() {
        return Set.copyOf(acked);
    }

    long failures() {
        return failures.get();
    }

    long sent() {
        return next.get();
    }

    /** The slowest acknowledgement so far, from send to callback. */
    long latencyMsMax() {
        return latencyMsMax.get();
    }

    /** Every value in the topic, read from the start of each partition to its end. */
    Set<String> readBack() {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        Set<String> out = new HashSet<>();
        try (Consumer consumer = new Consumer(Map.of("bootstrap.servers", bootstrap))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = clock.millis() + 60_000;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && clock.millis() < deadline) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
