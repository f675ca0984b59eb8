package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.InitProducerIdRequest;
import dev.skiff.proto.v1.InitProducerIdResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.TopicProduceData;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idempotent producers on three real nodes with raw gRPC: producer ids from the controller's
 * blocks, a retried batch answered with its original offset (also by a new leader after the old
 * one stopped, since followers build the producer state), and a sequence gap refused.
 */
@Timeout(240)
class IdempotentProduceIntegrationTest extends ClusterTest {
    private InitProducerIdResponse initProducerId(int node, long producerId, int epoch, String transactionalId) {
        return BrokerGrpc.newBlockingStub(cluster.channel(node))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .initProducerId(InitProducerIdRequest.newBuilder()
                        .setTransactionalId(transactionalId)
                        .setProducerId(producerId)
                        .setProducerEpoch(epoch)
                        .build());
    }

    private static ByteString batch(long producerId, int epoch, int sequence, String... values) {
        List<RecordData> records = java.util.Arrays.stream(values)
                .map(v -> new RecordData(null, v.getBytes(StandardCharsets.UTF_8), 1))
                .toList();
        return ByteString.copyFrom(KafkaRecordFormat.encode(
                0, Compression.NONE, TimestampType.CREATE_TIME, producerId, (short) epoch, sequence, records));
    }

    private PartitionProduceResponse produce(int node, ByteString batch) {
        return BrokerGrpc.newBlockingStub(cluster.channel(node))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .produce(ProduceRequest.newBuilder()
                        .setAcks(-1)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName("idem")
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(0)
                                        .setRecords(batch)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    @Test
    void retriesAreDeduplicatedAcrossALeaderChangeAndGapsAreRefused() throws Exception {
        cluster = TestCluster.start(3, tmp, Map.of());
        // Until every broker has registered, a replication factor of 3 is refused.
        await().atMost(WAIT)
                .until(() -> cluster.create("idem", 1, 3, Map.of("min.insync.replicas", "2"))
                                .getError()
                        == ErrorCode.NONE);

        Set<Long> ids = new HashSet<>();
        for (int node = 1; node <= 3; node++) {
            InitProducerIdResponse r = initProducerId(node, -1, -1, "");
            assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
            assertEquals(0, r.getProducerEpoch());
            ids.add(r.getProducerId());
        }
        assertEquals(3, ids.size(), "every broker hands out ids from its own block: " + ids);
        InitProducerIdResponse txn = initProducerId(1, -1, -1, "tx-1");
        assertEquals(ErrorCode.INVALID_REQUEST, txn.getError());
        assertTrue(txn.getErrorMessage().contains("transactions"), txn.getErrorMessage());
        InitProducerIdResponse producer = initProducerId(1, -1, -1, "");
        InitProducerIdResponse bumped = initProducerId(2, producer.getProducerId(), producer.getProducerEpoch(), "");
        assertEquals(producer.getProducerId(), bumped.getProducerId());
        assertEquals(1, bumped.getProducerEpoch());
        long pid = producer.getProducerId();

        PartitionMetadata first = awaitLeader(-1);
        int leader = first.getLeader();
        PartitionProduceResponse a = produce(leader, batch(pid, 0, 0, "a0", "a1"));
        assertEquals(ErrorCode.NONE, a.getError(), a.getErrorMessage());
        PartitionProduceResponse again = produce(leader, batch(pid, 0, 0, "a0", "a1"));
        assertEquals(ErrorCode.NONE, again.getError(), again.getErrorMessage());
        assertEquals(a.getBaseOffset(), again.getBaseOffset());
        PartitionProduceResponse b = produce(leader, batch(pid, 0, 2, "b"));
        assertEquals(2, b.getBaseOffset());
        assertEquals(List.of("a0", "a1", "b"), cluster.localValues(leader, "idem", 0));

        cluster.stop(leader);
        int newLeader = awaitLeader(leader).getLeader();
        assertNotEquals(leader, newLeader);
        PartitionProduceResponse retried = produce(newLeader, batch(pid, 0, 2, "b"));
        assertEquals(ErrorCode.NONE, retried.getError(), retried.getErrorMessage());
        assertEquals(2, retried.getBaseOffset(), "the new leader recognizes the retry");

        PartitionProduceResponse gap = produce(newLeader, batch(pid, 0, 5, "gap"));
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, gap.getError());
        assertTrue(gap.getErrorMessage().contains("expected sequence 3"), gap.getErrorMessage());
        PartitionProduceResponse stale = produce(newLeader, batch(bumped.getProducerId(), 0, 3, "c"));
        assertEquals(ErrorCode.NONE, stale.getError(), "epoch 0 is still the newest this partition saw");
        PartitionProduceResponse newEpoch = produce(newLeader, batch(pid, 1, 0, "d"));
        assertEquals(ErrorCode.NONE, newEpoch.getError(), newEpoch.getErrorMessage());
        PartitionProduceResponse fenced = produce(newLeader, batch(pid, 0, 4, "e"));
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, fenced.getError());
        assertEquals(List.of("a0", "a1", "b", "c", "d"), cluster.localValues(newLeader, "idem", 0));
    }

    private PartitionMetadata awaitLeader(int not) {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            try {
                                return cluster.partition("idem", 0);
                            } catch (RuntimeException e) {
                                return PartitionMetadata.getDefaultInstance();
                            }
                        },
                        p -> p.getLeader() > 0 && p.getLeader() != not);
    }
}
