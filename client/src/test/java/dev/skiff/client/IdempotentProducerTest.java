package dev.skiff.client;

import static dev.skiff.client.Fixtures.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.testing.FakeCluster;
import dev.skiff.proto.v1.BrokerGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idempotent producer against the fake cluster, which deduplicates as the broker does. */
class IdempotentProducerTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);

    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final List<Producer> producers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        producers.forEach(p -> p.close(Duration.ZERO));
        cluster.close();
    }

    /**
     * Loses every {@code every}-th produce answer after the broker handled the request: the
     * answer is dropped and the stream it came on breaks (UNAVAILABLE), as when a connection dies.
     */
    static final class LoseProduceAnswers implements ClientInterceptor {
        private final int every;
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();

        LoseProduceAnswers(int every) {
            this.every = every;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            if (!method.getFullMethodName()
                    .equals(BrokerGrpc.getProduceStreamMethod().getFullMethodName())) {
                return next.newCall(method, options);
            }
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                private volatile boolean broken;

                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    ClientCall<Q, R> call = this;
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onMessage(R message) {
                                    if (broken) {
                                        return;
                                    }
                                    if (answers.incrementAndGet() % every == 0) {
                                        broken = true;
                                        lost.incrementAndGet();
                                        call.cancel("the test lost an answer", null);
                                        return;
                                    }
                                    super.onMessage(message);
                                }

                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    super.onClose(
                                            broken
                                                    ? Status.UNAVAILABLE.withDescription("the test lost an answer")
                                                    : status,
                                            broken ? new Metadata() : trailers);
                                }
                            },
                            headers);
                }
            };
        }
    }

    private Producer producer(ClientInterceptor interceptor, String... kv) {
        ClientEnvironment env = ClientEnvironment.system()
                .withChannelFactory(cluster.channelFactory(interceptor))
                .withRandom(new java.util.SplittableRandom(42));
        Producer p = new Producer(props(cluster, kv), env);
        producers.add(p);
        return p;
    }

    private List<String> stored(TopicPartition tp) {
        List<String> out = new ArrayList<>();
        cluster.records(tp).forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void lostAnswersAreRetriedAndEveryRecordIsWrittenOnceInOrder() {
        cluster.createTopic("t", 1, 1);
        LoseProduceAnswers lose = new LoseProduceAnswers(3);
        Producer p = producer(lose, "linger.ms", "0", "batch.size", "64");
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String v = "value-" + i;
            expected.add(v);
            sent.add(p.send(new ProducerRecord("t", 0, null, v.getBytes(StandardCharsets.UTF_8))));
        }
        p.flush();
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i, sent.get(i).join().offset(), "record " + i + " got its original offset");
        }
        assertTrue(lose.lost.get() > 5, "answers lost: " + lose.lost.get());
        assertTrue(cluster.hooks().duplicates.get() > 0, "retries of written batches were recognized");
        assertEquals(expected, stored(TP0));
        assertEquals(1, cluster.hooks().initProducerIdCalls.get());
    }

    @Test
    void withoutIdempotenceLostAnswersDuplicate() {
        cluster.createTopic("t", 1, 1);
        Producer p = producer(new LoseProduceAnswers(2), "linger.ms", "0", "enable.idempotence", "false");
        for (int i = 0; i < 10; i++) {
            p.send(new ProducerRecord("t", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            p.flush();
        }
        assertTrue(stored(TP0).size() > 10, "the control case duplicates: " + stored(TP0));
        assertEquals(0, cluster.hooks().initProducerIdCalls.get());
    }

    @Test
    void anUnknownProducerIdBumpsTheEpochAndRestartsTheSequences() {
        cluster.createTopic("t", 1, 1);
        cluster.hooks().produceError = (tp, attempt) -> attempt == 1 ? Errors.UNKNOWN_PRODUCER_ID : null;
        Producer p = producer(new LoseProduceAnswers(Integer.MAX_VALUE), "linger.ms", "0");
        p.send(new ProducerRecord("t", 0, null, "a".getBytes(StandardCharsets.UTF_8)))
                .join();
        RecordMetadata second = p.send(new ProducerRecord("t", 0, null, "b".getBytes(StandardCharsets.UTF_8)))
                .join();
        assertEquals(1, second.offset());
        assertEquals(2, cluster.hooks().initProducerIdCalls.get(), "a new producer, then an epoch bump");
        assertEquals(List.of("a", "b"), stored(TP0));
    }

    @Test
    void idempotenceIsOnByDefaultAndConflictsNameBothKeys() {
        Map<String, String> base = Map.of("bootstrap.servers", "127.0.0.1:9092");
        assertTrue(ProducerConfig.parse(base).idempotence());
        assertFalse(ProducerConfig.parse(with(base, "acks", "1")).idempotence());
        assertFalse(ProducerConfig.parse(with(base, "max.in.flight.requests.per.connection", "6"))
                .idempotence());
        String acks = assertThrows(
                        ConfigException.class,
                        () -> ProducerConfig.parse(with(with(base, "acks", "1"), "enable.idempotence", "true")))
                .getMessage();
        assertTrue(acks.contains("acks") && acks.contains("enable.idempotence"), acks);
        String inFlight = assertThrows(
                        ConfigException.class,
                        () -> ProducerConfig.parse(with(
                                with(base, "max.in.flight.requests.per.connection", "6"),
                                "enable.idempotence",
                                "true")))
                .getMessage();
        assertTrue(
                inFlight.contains("max.in.flight.requests.per.connection") && inFlight.contains("enable.idempotence"),
                inFlight);
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        return out;
    }
}
