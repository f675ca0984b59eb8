package dev.skiff.client;

import static dev.skiff.client.Fixtures.env;
import static dev.skiff.client.Fixtures.props;
import static dev.skiff.client.Fixtures.str;
import static dev.skiff.client.Fixtures.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.internals.Murmur2;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.testing.FakeCluster;
import dev.skiff.client.testing.FakeHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProducerTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);

    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final List<Producer> producers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        producers.forEach(p -> p.close(Duration.ZERO));
        cluster.close();
    }

    private Producer producer(String... kv) {
        Producer p = new Producer(props(cluster, kv), env(cluster));
        producers.add(p);
        return p;
    }

    private static Throwable failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    private List<String> stored(TopicPartition tp) {
        List<String> out = new ArrayList<>();
        cluster.records(tp).forEach(r -> out.add(str(r.value())));
        return out;
    }

    @Test
    void sendReturnsTheOffsetsTheLeaderAssigned() {
        cluster.createTopic("t", 1, 3);
        Producer p = producer();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(p.send(new ProducerRecord("t", utf8("v" + i))));
        }
        p.flush();
        for (int i = 0; i < 3; i++) {
            RecordMetadata m = sent.get(i).join();
            assertEquals(TP0, m.topicPartition());
            assertEquals(i, m.offset());
        }
        assertEquals(List.of("v0", "v1", "v2"), stored(TP0));
    }

    @Test
    void keyedRecordsLandWhereKafkasDefaultPartitionerPutsThem() {
        cluster.createTopic("keyed", 6, 1);
        Producer p = producer();
        for (int i = 0; i < 40; i++) {
            byte[] key = utf8("key-" + i);
            RecordMetadata m =
                    p.send(new ProducerRecord("keyed", key, utf8("v"))).join();
            int expected =
                    org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                            % 6;
            assertEquals(expected, m.partition(), "key-" + i);
            assertEquals(Murmur2.partitionForKey(key, 6), m.partition());
        }
    }

    @Test
    void keylessRecordsStickToOnePartitionUntilTheBatchIsFull() {
        cluster.createTopic("sticky", 4, 1);
        Producer p = producer("linger.ms", "60000", "batch.size", "100000");
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(p.send(new ProducerRecord("sticky", utf8("v" + i))));
        }
        p.flush();
        Set<Integer> partitions = new HashSet<>();
        sent.forEach(f -> partitions.add(f.join().partition()));
        assertEquals(1, partitions.size(), "one open batch: one partition");
        assertEquals(1, cluster.hooks().arrivals().size(), "linger held every record for one request");
    }

    @Test
    void keylessRecordsMoveOnWhenABatchCloses() {
        cluster.createTopic("sticky", 4, 1);
        Producer p = producer("linger.ms", "60000", "batch.size", "300");
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(p.send(new ProducerRecord("sticky", utf8("value-" + 100 + i))));
        }
        p.flush();
        List<Integer> order = new ArrayList<>();
        sent.forEach(f -> order.add(f.join().partition()));
        int switches = 0;
        for (int i = 1; i < order.size(); i++) {
            switches += order.get(i).equals(order.get(i - 1)) ? 0 : 1;
        }
        assertTrue(switches >= 3, "batches of ~8 records each switch partition: " + order);
        assertTrue(switches <= 10, "but not on every record: " + order);
    }

    @Test
    void lingerGathersRecordsIntoOneRequest() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer("linger.ms", "1000");
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(p.send(new ProducerRecord("t", utf8("v" + i))));
        }
        sent.forEach(CompletableFuture::join);
        List<FakeHooks.ProduceArrival> arrivals = cluster.hooks().arrivals();
        assertEquals(1, arrivals.size());
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), arrivals.get(0).values());
    }

    @Test
    void batchSizeSplitsRecordsIntoSeveralBatchesThatTravelTogether() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().holdProduce = true;
        // Without idempotence several batches of a partition share a request (an idempotent
        // producer sends one per partition per request, as the broker requires).
        Producer p = producer(
                "linger.ms",
                "0",
                "batch.size",
                "200",
                "enable.idempotence",
                "false",
                "max.in.flight.requests.per.connection",
                "1");
        p.send(new ProducerRecord("t", 0, null, utf8("first")));
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.hooks().heldCount() == 1);
        for (int i = 0; i < 10; i++) {
            p.send(new ProducerRecord("t", 0, null, utf8("value-" + (1000 + i))));
        }
        cluster.hooks().releaseProduce();
        p.flush();
        List<FakeHooks.ProduceArrival> arrivals = cluster.hooks().arrivals();
        assertEquals(2, arrivals.size(), "what queued behind the request in flight went in one request");
        assertTrue(
                arrivals.get(1).batches() >= 3,
                "10 records of ~33 bytes in 200-byte batches: "
                        + arrivals.get(1).batches());
        assertEquals(
                1 + arrivals.get(1).batches(), cluster.partition(TP0).batches.size());
        assertEquals(11, stored(TP0).size());
        assertEquals(arrivals.get(1).values(), stored(TP0).subList(1, 11));
    }

    @Test
    void maxRequestSizeSplitsRequests() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer("linger.ms", "60000", "batch.size", "200", "max.request.size", "500");
        for (int i = 0; i < 20; i++) {
            p.send(new ProducerRecord("t", 0, null, utf8("value-" + (1000 + i))));
        }
        p.flush();
        List<FakeHooks.ProduceArrival> arrivals = cluster.hooks().arrivals();
        assertTrue(arrivals.size() >= 2, "20 records do not fit one 500-byte request: " + arrivals.size());
        List<String> all = new ArrayList<>();
        arrivals.forEach(a -> all.addAll(a.values()));
        assertEquals(stored(TP0), all);
        assertEquals(20, all.size());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void batchesAreCompressedWithTheConfiguredCodec(CompressionType codec) {
        cluster.createTopic("t", 1, 1);
        Producer p = producer("compression.type", codec.configName());
        p.send(new ProducerRecord("t", utf8("k"), utf8("compressible ".repeat(20))))
                .join();
        assertEquals(codec.configName(), cluster.hooks().arrivals().get(0).compression());
        assertEquals("compressible ".repeat(20), stored(TP0).get(0));
    }

    @Test
    void acksZeroIsSentAsZeroAndReportsNoOffset() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer("acks", "0");
        RecordMetadata m = p.send(new ProducerRecord("t", utf8("v"))).join();
        assertEquals(-1, m.offset());
        assertEquals(0, cluster.hooks().arrivals().get(0).acks());
        assertEquals(List.of("v"), stored(TP0));
    }

    @Test
    void acksAllIsSentAsMinusOne() {
        cluster.createTopic("t", 1, 1);
        producer("acks", "all").send(new ProducerRecord("t", utf8("v"))).join();
        assertEquals(-1, cluster.hooks().arrivals().get(0).acks());
        producer("acks", "1").send(new ProducerRecord("t", utf8("w"))).join();
        assertEquals(1, cluster.hooks().arrivals().get(1).acks());
    }

    @Test
    void aNewLeaderThatIsNotReadyYetIsRetriedWithAFreshBackoff() throws Exception {
        cluster.createTopic("t", 1, 1);
        // The leader fails every attempt (the backoff grows towards 5 s), until a new leader is
        // elected; that one answers NOT_LEADER_OR_FOLLOWER once more (it has not applied its
        // election yet) and then accepts.
        java.util.concurrent.atomic.AtomicInteger failUpTo = new java.util.concurrent.atomic.AtomicInteger(1_000);
        cluster.hooks().produceError = (tp, n) -> n <= failUpTo.get() ? Errors.NOT_LEADER_OR_FOLLOWER : null;
        Producer p = producer(
                "linger.ms",
                "0",
                "retry.backoff.ms",
                "20",
                "retry.backoff.max.ms",
                "60000",
                "delivery.timeout.ms",
                "120000");
        CompletableFuture<RecordMetadata> sent = p.send(new ProducerRecord("t", 0, null, utf8("v")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cluster.hooks().arrivals().size() >= 9);
        failUpTo.set(cluster.hooks().arrivals().size() + 1);
        cluster.setLeader(TP0, 1);
        // The grown backoff would be over 5 s; a fresh one is 20 ms.
        assertEquals(0, sent.get(3, java.util.concurrent.TimeUnit.SECONDS).offset());
    }

    @Test
    void retriesNeverReorderAPartition() {
        cluster.createTopic("t", 1, 1);
        // Every third attempt fails with a retriable error.
        cluster.hooks().produceError = (tp, n) -> n % 3 == 1 ? Errors.NOT_LEADER_OR_FOLLOWER : null;
        Producer p = producer("linger.ms", "0", "batch.size", "1");
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add("v" + i);
            sent.add(p.send(new ProducerRecord("t", 0, null, utf8("v" + i))));
            if (i % 7 == 0) {
                p.flush();
            }
        }
        p.flush();
        for (int i = 0; i < 30; i++) {
            assertEquals(i, sent.get(i).join().offset());
        }
        assertEquals(expected, stored(TP0));
        int inFlight = cluster.hooks().maxInFlight(TP0);
        assertTrue(inFlight >= 1 && inFlight <= 5, "at most 5 requests in flight per partition: " + inFlight);
        List<FakeHooks.ProduceArrival> arrivals = cluster.hooks().arrivals();
        int retried = 0;
        for (int i = 0; i < arrivals.size(); i++) {
            if (arrivals.get(i).attempt() % 3 == 1) {
                retried++;
                List<String> failed = arrivals.get(i).values();
                assertTrue(
                        arrivals.subList(i + 1, arrivals.size()).stream()
                                .anyMatch(a -> a.values().equals(failed)),
                        "the failed records " + failed + " were sent again");
            }
        }
        assertTrue(retried >= 2, "some requests were retried: " + arrivals);
    }

    @Test
    void aPartitionWithOneRequestInFlightAllowedSendsNothingElse() {
        requestsInFlightPerPartitionStayWithin(1);
    }

    @Test
    void aPartitionPipelinesUpToFiveRequestsByDefaultAndKeepsTheirOrder() {
        requestsInFlightPerPartitionStayWithin(5);
    }

    /** With every answer held, partition 0 gets exactly {@code max} requests in flight, and the order holds. */
    private void requestsInFlightPerPartitionStayWithin(int max) {
        cluster.createTopic("t", 2, 1);
        cluster.hooks().holdProduce = true;
        Producer p = max == 5
                ? producer("linger.ms", "0", "batch.size", "1")
                : producer(
                        "linger.ms",
                        "0",
                        "batch.size",
                        "1",
                        "max.in.flight.requests.per.connection",
                        Integer.toString(max));
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        sent.add(p.send(new ProducerRecord("t", 0, null, utf8("v0"))));
        CompletableFuture<RecordMetadata> other = p.send(new ProducerRecord("t", 1, null, utf8("other")));
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.hooks().heldCount() >= 2);
        for (int i = 1; i < 10; i++) {
            sent.add(p.send(new ProducerRecord("t", 0, null, utf8("v" + i))));
        }
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5))
                .until(() -> cluster.hooks().arrivals().stream()
                                .filter(a -> a.tp().equals(TP0))
                                .count()
                        == max);
        cluster.hooks().releaseProduce();
        p.flush();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("v" + i);
            assertEquals(i, sent.get(i).join().offset());
        }
        assertEquals(expected, stored(TP0));
        assertEquals(max, cluster.hooks().maxInFlight(TP0));
        assertEquals(0, other.join().offset());
    }

    @Test
    void aMovedLeaderIsFoundThroughAMetadataRefresh() {
        cluster.createTopic("t", 1, 2);
        Producer p = producer("linger.ms", "0");
        p.send(new ProducerRecord("t", utf8("before"))).join();
        cluster.setLeader(TP0, 2);
        RecordMetadata m = p.send(new ProducerRecord("t", utf8("after"))).join();
        assertEquals(1, m.offset());
        List<FakeHooks.ProduceArrival> arrivals = cluster.hooks().arrivals();
        assertEquals(1, arrivals.get(1).nodeId(), "first try went to the old leader");
        assertEquals(2, arrivals.get(arrivals.size() - 1).nodeId(), "the retry found the new one");
    }

    @Test
    void aNonRetriableErrorFailsTheRecordAndReachesTheCallback() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().produceError = (tp, n) -> Errors.INVALID_RECORD;
        Producer p = producer();
        List<Exception> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<RecordMetadata> f = p.send(new ProducerRecord("t", utf8("v")), (m, e) -> seen.add(e));
        ApiException e = assertInstanceOf(ApiException.class, failure(f));
        assertEquals(Errors.INVALID_RECORD, e.error());
        await().atMost(Duration.ofSeconds(2)).until(() -> seen.size() == 1);
        assertEquals(1, cluster.hooks().arrivals().size(), "not retried");
    }

    @Test
    void retriesZeroFailsOnTheFirstRetriableError() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().produceError = (tp, n) -> Errors.NOT_ENOUGH_REPLICAS;
        Producer p = producer("retries", "0");
        ApiException e = assertInstanceOf(ApiException.class, failure(p.send(new ProducerRecord("t", utf8("v")))));
        assertEquals(Errors.NOT_ENOUGH_REPLICAS, e.error());
    }

    @Test
    void deliveryTimeoutBoundsTheRetries() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().produceError = (tp, n) -> Errors.NOT_ENOUGH_REPLICAS;
        Producer p = producer("linger.ms", "0", "request.timeout.ms", "500", "delivery.timeout.ms", "800");
        Throwable t = failure(p.send(new ProducerRecord("t", utf8("v"))));
        TimeoutException e = assertInstanceOf(TimeoutException.class, t);
        assertTrue(e.getMessage().startsWith("Expiring 1 record(s) for t-0:"), e.getMessage());
        assertTrue(e.getMessage().contains("NOT_ENOUGH_REPLICAS"), e.getMessage());
        assertTrue(cluster.hooks().arrivals().size() > 2, "retried until the deadline");
    }

    @Test
    void anUnknownTopicFailsAfterMaxBlock() {
        Producer p = producer("max.block.ms", "300");
        TimeoutException e =
                assertInstanceOf(TimeoutException.class, failure(p.send(new ProducerRecord("nope", utf8("v")))));
        assertEquals("Topic nope not present in metadata after 300 ms.", e.getMessage());
    }

    @Test
    void autoCreatedTopicsAreWaitedFor() {
        cluster.setAutoCreateTopics(true, 2);
        Producer p = producer();
        assertEquals(0, p.send(new ProducerRecord("fresh", utf8("v"))).join().offset());
    }

    @Test
    void anUnreachableClusterIsNamed() {
        Producer p = new Producer(
                Fixtures.props(
                        cluster, "bootstrap.servers", "nowhere:9092", "socket.connection.setup.timeout.ms", "200"),
                env(cluster));
        producers.add(p);
        ClusterUnreachableException e = assertInstanceOf(
                ClusterUnreachableException.class, failure(p.send(new ProducerRecord("t", utf8("v")))));
        assertTrue(e.getMessage().startsWith("Could not reach any broker at nowhere:9092"), e.getMessage());
    }

    @Test
    void invalidPartitionsAndOversizedRecordsAreRefused() {
        cluster.createTopic("t", 2, 1);
        Producer p = producer("max.request.size", "1000");
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> p.send(new ProducerRecord("t", 5, null, utf8("v"))));
        assertEquals("Invalid partition given with record: 5 is not in the range [0...2).", bad.getMessage());
        ApiException big =
                assertInstanceOf(ApiException.class, failure(p.send(new ProducerRecord("t", new byte[2000]))));
        assertEquals(Errors.MESSAGE_TOO_LARGE, big.error());
        assertTrue(big.getMessage().contains("max.request.size"), big.getMessage());
    }

    @Test
    void callbacksOfAPartitionRunInSendOrder() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer("linger.ms", "0", "batch.size", "100");
        List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            p.send(new ProducerRecord("t", utf8("v" + i)), (m, e) -> offsets.add(m.offset()));
        }
        p.flush();
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, offsets);
    }

    @Test
    void closeWithoutTimeLeftFailsWhatIsStillPending() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().holdProduce = true;
        Producer p = producer("linger.ms", "0");
        CompletableFuture<RecordMetadata> inFlight = p.send(new ProducerRecord("t", utf8("v")));
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.hooks().heldCount() == 1);
        p.close(Duration.ZERO);
        SkiffException e = assertInstanceOf(SkiffException.class, failure(inFlight));
        assertEquals("Producer is closed forcefully.", e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.send(new ProducerRecord("t", utf8("late"))));
        cluster.hooks().releaseProduce();
    }

    @Test
    void partitionsForDescribesTheTopic() {
        cluster.createTopic("t", 3, 2);
        List<PartitionInfo> parts = producer().partitionsFor("t");
        assertEquals(3, parts.size());
        assertEquals(List.of(2, 3), parts.get(1).replicas());
        assertEquals(2, parts.get(1).leader());
    }

    @Test
    void headersAndTimestampsTravel() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer();
        p.send(new ProducerRecord("t", 0, 1_234L, utf8("k"), utf8("v"), List.of(new Header("h1", utf8("x")))))
                .join();
        RecordBatchCodec.DecodedRecord r = cluster.records(TP0).get(0);
        assertEquals(1_234L, r.timestampMs());
        assertEquals("k", str(r.key()));
        assertEquals(List.of(new Header("h1", utf8("x"))), r.headers());
    }

    @Test
    void closingFromACallbackDoesNotDeadlock() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        p.send(new ProducerRecord("t", utf8("v")), (m, e) -> {
            p.close();
            closed.complete(null);
        });
        closed.join();
        assertThrows(IllegalStateException.class, () -> p.send(new ProducerRecord("t", utf8("w"))));
    }

    @Test
    void aLeaderlessPartitionIsRefreshedNoFasterThanTheBackoff() {
        cluster.createTopic("t", 1, 1);
        cluster.setLeader(TP0, -1);
        Producer p = producer("linger.ms", "0", "retry.backoff.ms", "50", "retry.backoff.max.ms", "50");
        int before = cluster.hooks().metadataCalls.get();
        long start = System.nanoTime();
        CompletableFuture<RecordMetadata> f = p.send(new ProducerRecord("t", utf8("v")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cluster.hooks().metadataCalls.get() - before >= 6);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= 160, "6 refreshes at least ~40 ms apart took " + tookMs + " ms");
        cluster.setLeader(TP0, 1);
        assertEquals(0, f.join().offset());
    }
}
