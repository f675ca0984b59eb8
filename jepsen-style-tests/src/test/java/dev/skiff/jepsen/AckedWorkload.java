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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An acks=all producer sending numbered records to one partition at a steady rate, remembering
 * when each was sent and acknowledged, and the checker that reads the partition back: no
 * acknowledged record lost, none reordered; duplicates (retries without the idempotent producer)
 * counted.
 */
final class AckedWorkload implements AutoCloseable {
    /** What reading the partition back found. */
    record Check(int acked, int read, int lost, int duplicates, boolean inOrder, List<Long> lostSamples) {
        boolean ok() {
            return lost == 0 && inOrder;
        }
    }

    private static final int TICK_MS = 5;

    private final String bootstrap;
    private final TopicPartition tp;
    private final Clock clock = Clock.systemUTC();
    private final Producer producer;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong next = new AtomicLong();
    private final Map<Long, Long> sentAt = new ConcurrentSkipListMap<>();
    private final Map<Long, Long> ackedAt = new ConcurrentSkipListMap<>();
    private final AtomicLong failures = new AtomicLong();

    /** Starts sending {@code recordsPerSecond} records/s (in ticks of 5 ms). */
    AckedWorkload(String bootstrap, String topic, int recordsPerSecond) {
        this.bootstrap = bootstrap;
        this.tp = new TopicPartition(topic, 0);
        this.producer = new Producer(Map.of(
                "bootstrap.servers", bootstrap,
                "acks", "all",
                "linger.ms", "0",
                "delivery.timeout.ms", "120000",
                "request.timeout.ms", "10000"));
        int perTick = Math.max(1, recordsPerSecond * TICK_MS / 1000);
        ticker.scheduleAtFixedRate(() -> sendSome(perTick), 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void sendSome(int count) {
        for (int i = 0; i < count; i++) {
            long seq = next.getAndIncrement();
            sentAt.put(seq, clock.millis());
            producer.send(
                    new ProducerRecord(tp.topic(), 0, null, Long.toString(seq).getBytes(StandardCharsets.UTF_8)),
                    (md, e) -> {
                        if (e == null) {
                            ackedAt.put(seq, clock.millis());
                        } else {
                            failures.incrementAndGet();
                        }
                    });
        }
    }

    long nowMs() {
        return clock.millis();
    }

    long ackedCount() {
        return ackedAt.size();
    }

    long failures() {
        return failures.get();
    }

    /**
     * The time from {@code eventMs} until the first record sent at or after it was acknowledged,
     * or -1 if none has been yet.
     */
    long stallAfter(long eventMs) {
        for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            if (e.getValue() >= eventMs) {
                Long acked = ackedAt.get(e.getKey());
                return acked == null ? -1 : acked - eventMs;
            }
        }
        return -1;
    }

    /** Stops sending, waits for every outstanding record, and reads the partition back. */
    Check stopAndCheck() {
        ticker.shutdownNow();
        producer.flush();
        List<Long> read = readAll();
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        List<Long> firstOccurrences = new ArrayList<>();
        for (long seq : read) {
            if (seen.add(seq)) {
                firstOccurrences.add(seq);
            } else {
                duplicates++;
            }
        }
        List<Long> lost = new ArrayList<>();
        for (long seq : ackedAt.keySet()) {
            if (!seen.contains(seq)) {
                lost.add(seq);
            }
        }
        boolean inOrder = true;
        for (int i = 1; i < firstOccurrences.size(); i++) {
            inOrder &= firstOccurrences.get(i) > firstOccurrences.get(i - 1);
        }
        return new Check(
                ackedAt.size(),
                read.size(),
                lost.size(),
                duplicates,
                inOrder,
                lost.subList(0, Math.min(10, lost.size())));
    }

    private List<Long> readAll() {
        try (Consumer consumer = new Consumer(Map.of("bootstrap.servers", bootstrap))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<Long> out = new ArrayList<>();
            long deadline = clock.millis() + 60_000;
            while (consumer.position(tp) < end && clock.millis() < deadline) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(Long.parseLong(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
