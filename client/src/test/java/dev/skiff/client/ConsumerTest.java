package dev.skiff.client;

import static dev.skiff.client.Fixtures.env;
import static dev.skiff.client.Fixtures.props;
import static dev.skiff.client.Fixtures.str;
import static dev.skiff.client.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.testing.FakeCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsumerTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);

    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final List<Consumer> consumers = new ArrayList<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        consumers.forEach(Consumer::close);
        background.shutdownNow();
        cluster.close();
    }

    private Consumer consumer(String... kv) {
        Consumer c = new Consumer(props(cluster, kv), env(cluster));
        consumers.add(c);
        return c;
    }

    /** Appends {@code count} records "v<first>".. as one batch. */
    private void batch(TopicPartition tp, int first, int count) {
        List<RecordBatchCodec.RecordData> rs = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            rs.add(new RecordBatchCodec.RecordData(1_000 + i, utf8("k" + i), utf8("v" + i), List.of()));
        }
        cluster.append(tp, CompressionType.NONE, rs);
    }

    private static List<String> values(List<ConsumerRecord> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(str(r.value())));
        return out;
    }

    /** Polls until {@code n} records came back (the test's timeout guards the loop). */
    private static List<ConsumerRecord> pollFor(Consumer c, int n) {
        List<ConsumerRecord> out = new ArrayList<>();
        while (out.size() < n) {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @Test
    void readsFromTheBeginningInOffsetOrder() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 3);
        batch(TP0, 3, 4);
        Consumer c = consumer();
        c.assign(List.of(TP0));
        c.seekToBeginning(List.of(TP0));
        List<ConsumerRecord> records = pollFor(c, 7);
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6"), values(records));
        for (int i = 0; i < 7; i++) {
            assertEquals(i, records.get(i).offset());
            assertEquals(1_000 + i, records.get(i).timestampMs());
            assertEquals("k" + i, str(records.get(i).key()));
        }
        assertEquals(7, c.position(TP0));
    }

    @Test
    void recordsBelowThePositionInsideABatchAreSkipped() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 5);
        Consumer c = consumer();
        c.assign(List.of(TP0));
        c.seek(TP0, 3);
        List<ConsumerRecord> records = pollFor(c, 2);
        assertEquals(List.of("v3", "v4"), values(records));
        assertEquals(3, records.get(0).offset());
        assertEquals(5, c.position(TP0));
    }

    @Test
    void latestIsTheDefaultResetPolicy() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 5);
        Consumer c = consumer();
        c.assign(List.of(TP0));
        assertEquals(5, c.position(TP0));
        assertTrue(c.poll(Duration.ofMillis(50)).isEmpty());
        batch(TP0, 5, 2);
        assertEquals(List.of("v5", "v6"), values(pollFor(c, 2)));
    }

    @Test
    void earliestResetReadsEverything() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 3);
        Consumer c = consumer("auto.offset.reset", "earliest");
        c.assign(List.of(TP0));
        assertEquals(List.of("v0", "v1", "v2"), values(pollFor(c, 3)));
    }

    @Test
    void anOutOfRangePositionIsResetByPolicy() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 3);
        Consumer earliest = consumer("auto.offset.reset", "earliest");
        earliest.assign(List.of(TP0));
        earliest.seek(TP0, 100);
        assertEquals(List.of("v0", "v1", "v2"), values(pollFor(earliest, 3)));

        Consumer latest = consumer("auto.offset.reset", "latest");
        latest.assign(List.of(TP0));
        latest.seek(TP0, 100);
        latest.poll(Duration.ofMillis(300));
        assertEquals(3, latest.position(TP0));
    }

    @Test
    void resetPolicyNoneRaisesErrors() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 3);
        Consumer c = consumer("auto.offset.reset", "none");
        c.assign(List.of(TP0));
        NoOffsetForPartitionException noOffset =
                assertThrows(NoOffsetForPartitionException.class, () -> c.poll(Duration.ofMillis(100)));
        assertEquals(java.util.Set.of(TP0), noOffset.partitions());
        c.seek(TP0, 50);
        OffsetOutOfRangeException outOfRange = assertThrows(OffsetOutOfRangeException.class, () -> {
            while (true) {
                c.poll(Duration.ofMillis(100));
            }
        });
        assertEquals(Map.of(TP0, 50L), outOfRange.offsetOutOfRangePartitions());
    }

    @Test
    void aLongPollReturnsAsSoonAsDataArrives() {
        cluster.createTopic("t", 1, 1);
        Consumer c = consumer("fetch.max.wait.ms", "5000");
        c.assign(List.of(TP0));
        c.seekToEnd(List.of(TP0));
        assertEquals(0, c.position(TP0));
        background.schedule(() -> batch(TP0, 0, 1), 200, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        List<ConsumerRecord> got = new ArrayList<>();
        c.poll(Duration.ofSeconds(10)).forEach(got::add);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of("v0"), values(got));
        assertTrue(tookMs < 4_000, "returned when the record arrived, not at the poll timeout: " + tookMs);
    }

    @Test
    void maxPollRecordsLimitsEachPoll() {
        cluster.createTopic("t", 1, 1);
        batch(TP0, 0, 10);
        Consumer c = consumer("max.poll.records", "3", "auto.offset.reset", "earliest");
        c.assign(List.of(TP0));
        ConsumerRecords first = ConsumerRecords.empty();
        while (first.isEmpty()) {
            first = c.poll(Duration.ofMillis(200));
        }
        assertEquals(3, first.count());
        assertEquals(3, c.position(TP0));
        assertEquals(List.of("v3", "v4", "v5", "v6", "v7", "v8", "v9"), values(pollFor(c, 7)));
    }

    @Test
    void smallFetchSizesStillMakeProgress() {
        cluster.createTopic("t", 1, 1);
        for (int i = 0; i < 5; i++) {
            batch(TP0, i * 2, 2);
        }
        Consumer c =
                consumer("max.partition.fetch.bytes", "1", "fetch.max.bytes", "1", "auto.offset.reset", "earliest");
        c.assign(List.of(TP0));
        assertEquals(10, pollFor(c, 10).size());
    }

    @Test
    void readsEveryPartitionFromItsOwnLeader() {
        cluster.createTopic("t", 3, 1);
        for (int p = 0; p < 3; p++) {
            batch(new TopicPartition("t", p), p * 10, 2);
        }
        Consumer c = consumer("auto.offset.reset", "earliest");
        List<TopicPartition> all = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor("t")) {
            all.add(new TopicPartition("t", p.partition()));
        }
        assertEquals(3, all.size());
        c.assign(all);
        List<String> got = values(pollFor(c, 6));
        got.sort(String::compareTo);
        assertEquals(List.of("v0", "v1", "v10", "v11", "v20", "v21"), got);
    }

    @Test
    void aMovedLeaderIsFollowed() {
        cluster.createTopic("t", 1, 2);
        batch(TP0, 0, 2);
        Consumer c = consumer("auto.offset.reset", "earliest");
        c.assign(List.of(TP0));
        assertEquals(2, pollFor(c, 2).size());
        cluster.setLeader(TP0, 2);
        batch(TP0, 2, 2);
        assertEquals(List.of("v2", "v3"), values(pollFor(c, 2)));
    }

    @Test
    void offsetsAreLookedUp() {
        cluster.createTopic("t", 2, 1);
        batch(TP0, 0, 4);
        cluster.partition(TP0).logStartOffset = 1;
        TopicPartition tp1 = new TopicPartition("t", 1);
        Consumer c = consumer();
        assertEquals(Map.of(TP0, 1L, tp1, 0L), c.beginningOffsets(List.of(TP0, tp1)));
        assertEquals(Map.of(TP0, 4L, tp1, 0L), c.endOffsets(List.of(TP0, tp1)));
        assertEquals(Map.of(TP0, 2L), c.offsetsForTimes(Map.of(TP0, 1_002L)));
        assertEquals(Map.of(TP0, -1L), c.offsetsForTimes(Map.of(TP0, 9_999L)));
    }

    @Test
    void wakeupInterruptsAPoll() {
        cluster.createTopic("t", 1, 1);
        Consumer c = consumer();
        c.assign(List.of(TP0));
        background.schedule(c::wakeup, 100, TimeUnit.MILLISECONDS);
        assertThrows(WakeupException.class, () -> c.poll(Duration.ofSeconds(20)));
        c.poll(Duration.ZERO);
    }

    @Test
    void anUnknownTopicHasNoPartitions() {
        assertEquals(List.of(), consumer().partitionsFor("nope"));
    }

    @Test
    void anUnreachableClusterIsNamed() {
        Consumer c = new Consumer(
                props(cluster, "bootstrap.servers", "nowhere:1234", "socket.connection.setup.timeout.ms", "200"),
                env(cluster));
        consumers.add(c);
        c.assign(List.of(TP0));
        ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class, () -> c.position(TP0));
        assertTrue(e.getMessage().startsWith("Could not reach any broker at nowhere:1234"), e.getMessage());
    }

    @Test
    void pollWithoutAssignmentIsAnError() {
        assertThrows(IllegalStateException.class, () -> consumer().poll(Duration.ZERO));
    }

    /**
     * A leader that died leaves a backoff behind. Once it has ended and the partition is read from
     * its new leader, a poll waits for the long-polling fetch rather than spinning on an end in the
     * past: counted by the consumer thread's reads of the clock, a few per loop.
     */
    @Test
    void aDeadLeaderLeftBehindDoesNotMakePollSpin() {
        cluster.createTopic("t", 1, 2);
        batch(TP0, 0, 1);
        CountingClock clock = new CountingClock(Thread.currentThread());
        Consumer c = new Consumer(
                props(cluster, "fetch.max.wait.ms", "200"), env(cluster).withClock(clock));
        consumers.add(c);
        c.assign(List.of(TP0));
        c.seekToBeginning(List.of(TP0));
        pollFor(c, 1);
        cluster.hooks().downBrokers.add(1);
        cluster.setLeader(TP0, 2);
        batch(TP0, 1, 1);
        assertEquals(List.of("v1"), values(pollFor(c, 1)));

        long before = clock.reads.get();
        assertTrue(c.poll(Duration.ofSeconds(1)).isEmpty());
        long reads = clock.reads.get() - before;
        assertTrue(reads < 200, "a one-second poll of an idle partition read the clock " + reads + " times");
    }

    /** The system clock, counting how often one thread reads it. */
    private static final class CountingClock extends Clock {
        final AtomicLong reads = new AtomicLong();
        private final Thread counted;

        CountingClock(Thread counted) {
            this.counted = counted;
        }

        @Override
        public long millis() {
            if (Thread.currentThread() == counted) {
                reads.incrementAndGet();
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
