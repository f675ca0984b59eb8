package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceStreamRequest;
import dev.skiff.proto.v1.ProduceStreamResponse;
import dev.skiff.proto.v1.TopicProduceData;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ordered produce path on real nodes with raw gRPC: requests sent back to back on one
 * ProduceStream are appended in the order sent and answered in that order with their correlation
 * ids (acks=1 and acks=all); a malformed request ends the stream with INVALID_ARGUMENT.
 */
@Timeout(180)
class ProduceStreamIntegrationTest extends ClusterTest {
    /** Collects a stream's answers and how it ended. */
    private static final class Answers implements StreamObserver<ProduceStreamResponse> {
        final List<ProduceStreamResponse> received = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(ProduceStreamResponse r) {
            received.add(r);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }
    }

    private static ProduceStreamRequest request(long id, int acks, int timeoutMs, String value) {
        ByteString records = ByteString.copyFrom(KafkaRecordFormat.encode(
                0,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                -1,
                (short) -1,
                -1,
                List.of(new RecordData(null, value.getBytes(StandardCharsets.UTF_8), 1))));
        return ProduceStreamRequest.newBuilder()
                .setCorrelationId(id)
                .setRequest(ProduceRequest.newBuilder()
                        .setAcks(acks)
                        .setTimeoutMs(timeoutMs)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName("s")
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(0)
                                        .setRecords(records))))
                .build();
    }

    private void pipeline(int node, int acks, int count, int firstValue) throws Exception {
        Answers answers = new Answers();
        StreamObserver<ProduceStreamRequest> requests =
                BrokerGrpc.newStub(cluster.channel(node)).produceStream(answers);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String v = "v" + (firstValue + i);
            sent.add(v);
            requests.onNext(request(100 + i, acks, 30_000, v));
        }
        await().atMost(WAIT).until(() -> answers.received.size() == count);
        requests.onCompleted();
        assertEquals(Status.Code.OK, answers.end.get(30, TimeUnit.SECONDS).getCode());
        long previous = -1;
        for (int i = 0; i < count; i++) {
            ProduceStreamResponse r = answers.received.get(i);
            assertEquals(100 + i, r.getCorrelationId(), "answers come in request order");
            PartitionProduceResponse p = r.getResponse().getTopics(0).getPartitions(0);
            assertEquals(ErrorCode.NONE, p.getError(), p.getErrorMessage());
            assertEquals(previous < 0 ? firstValue : previous + 1, p.getBaseOffset(), "appended in request order");
            previous = p.getBaseOffset();
        }
        List<String> stored = cluster.localValues(node, "s", 0);
        assertEquals(sent, stored.subList(firstValue, firstValue + count));
    }

    @Test
    void requestsOnOneStreamAreAppendedAndAnsweredInOrder() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of());
        await().atMost(WAIT)
                .until(() -> cluster.create("s", 1, 3, Map.of("min.insync.replicas", "2"))
                                .getError()
                        == ErrorCode.NONE);
        int leader = await().atMost(WAIT)
                .until(
                        () -> {
                            try {
                                return cluster.partition("s", 0).getLeader();
                            } catch (RuntimeException e) {
                                return -1;
                            }
                        },
                        l -> l > 0);
        pipeline(leader, 1, 50, 0);
        // acks=all answers wait for the followers; the ones behind them still come in order.
        pipeline(leader, -1, 50, 50);

        Answers bad = new Answers();
        StreamObserver<ProduceStreamRequest> requests =
                BrokerGrpc.newStub(cluster.channel(leader)).produceStream(bad);
        requests.onNext(request(1, 1, -5, "bad"));
        Status end = bad.end.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, end.getCode());
        assertTrue(end.getDescription().contains("timeout_ms"), end.getDescription());
    }
}
