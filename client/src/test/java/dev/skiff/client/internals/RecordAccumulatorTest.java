package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.Node;
import dev.skiff.client.RecordMetadata;
import dev.skiff.client.TimeoutException;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.TopicMetadata;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Linger and batch-size behaviour, with time passed in explicitly: no threads, no sleeps. */
class RecordAccumulatorTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);
    private static final TopicPartition TP1 = new TopicPartition("t", 1);
    private static final Node NODE1 = new Node(1, "n1", 9092, "");

    private final MutableClock clock = new MutableClock(1_000);

    private static ClusterSnapshot cluster(int leaderOfP1) {
        MetadataResponse r = MetadataResponse.newBuilder()
                .addBrokers(
                        BrokerEndpoint.newBuilder().setNodeId(1).setHost("n1").setPort(9092))
                .addTopics(TopicMetadata.newBuilder()
                        .setName("t")
                        .addPartitions(PartitionMetadata.newBuilder()
                                .setIndex(0)
                                .setLeader(1)
                                .addReplicas(1))
                        .addPartitions(PartitionMetadata.newBuilder()
                                .setIndex(1)
                                .setLeader(leaderOfP1)
                                .addReplicas(1)))
                .build();
        return ClusterSnapshot.EMPTY.merge(r, true);
    }

    private static RecordAccumulator.AppendResult append(
            RecordAccumulator acc, TopicPartition tp, int valueBytes, boolean abort) {
        RecordBatchCodec.RecordData data = new RecordBatchCodec.RecordData(0, null, new byte[valueBytes], List.of());
        int size = RecordBatchCodec.estimateSizeBytes(null, data.value(), List.of());
        ProducerBatch.Thunk thunk =
                new ProducerBatch.Thunk(new CompletableFuture<RecordMetadata>(), null, 0, -1, valueBytes);
        return acc.append(tp, data, thunk, size, Long.MAX_VALUE, abort);
    }

    @Test
    void aBatchWaitsForLingerThenBecomesReady() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 100, 1 << 20, clock);
        assertTrue(append(acc, TP0, 10, false).newBatchCreated());
        assertFalse(append(acc, TP0, 10, false).newBatchCreated());

        RecordAccumulator.ReadyResult early = acc.ready(cluster(1), 1_050, Set.of());
        assertTrue(early.readyByLeader().isEmpty());
        assertEquals(50, early.nextReadyCheckDelayMs());

        RecordAccumulator.ReadyResult onTime = acc.ready(cluster(1), 1_100, Set.of());
        assertEquals(List.of(TP0), onTime.readyByLeader().get(NODE1));
        ProducerBatch batch = acc.drainFirst(TP0);
        assertEquals(2, batch.recordCount());
    }

    @Test
    void aFullBatchIsReadyAtOnceAndTheNextRecordStartsAnother() {
        RecordAccumulator acc = new RecordAccumulator(200, 10_000, 1 << 20, clock);
        append(acc, TP0, 100, false);
        RecordAccumulator.AppendResult second = append(acc, TP0, 100, false);
        assertTrue(second.newBatchCreated(), "200 bytes do not fit the first batch with its overhead");
        assertTrue(second.batchIsFull(), "a partition with two batches has a full one");
        assertEquals(
                List.of(TP0),
                acc.ready(cluster(1), 1_000, Set.of()).readyByLeader().get(NODE1));
        assertEquals(1, acc.drainFirst(TP0).recordCount());
    }

    @Test
    void lingerZeroSendsImmediately() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 0, 1 << 20, clock);
        append(acc, TP0, 10, false);
        assertFalse(acc.ready(cluster(1), 1_000, Set.of()).readyByLeader().isEmpty());
    }

    @Test
    void flushMakesEverythingReady() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 60_000, 1 << 20, clock);
        append(acc, TP0, 10, false);
        assertTrue(acc.ready(cluster(1), 1_000, Set.of()).readyByLeader().isEmpty());
        acc.beginFlush();
        assertFalse(acc.ready(cluster(1), 1_000, Set.of()).readyByLeader().isEmpty());
        acc.endFlush();
    }

    @Test
    void mutedPartitionsAndUnknownLeadersAreSkipped() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 0, 1 << 20, clock);
        append(acc, TP0, 10, false);
        append(acc, TP1, 10, false);
        RecordAccumulator.ReadyResult r = acc.ready(cluster(-1), 1_000, Set.of(TP0));
        assertTrue(r.readyByLeader().isEmpty());
        assertTrue(r.unknownLeaders());
    }

    @Test
    void aRetriedBatchGoesBackFirstAndWaitsForItsBackoff() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 0, 1 << 20, clock);
        append(acc, TP0, 10, false);
        ProducerBatch first = acc.drainFirst(TP0);
        append(acc, TP0, 10, false);
        acc.reenqueue(first, 1_200);

        RecordAccumulator.ReadyResult r = acc.ready(cluster(1), 1_100, Set.of());
        assertTrue(r.readyByLeader().isEmpty(), "the retry's backoff holds the whole partition");
        assertEquals(100, r.nextReadyCheckDelayMs());
        assertFalse(acc.ready(cluster(1), 1_200, Set.of()).readyByLeader().isEmpty());
        assertTrue(acc.drainFirst(TP0) == first, "the retried batch goes before the newer one");
    }

    @Test
    void aRetryWaitingOutItsBackoffGoesAtOnceWhenANewLeaderIsKnown() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 0, 1 << 20, clock);
        append(acc, TP0, 10, false);
        ProducerBatch first = acc.drainFirst(TP0);
        first.failedUnderLeaderEpoch(0);
        acc.reenqueue(first, 2_000);

        RecordAccumulator.ReadyResult same = acc.ready(cluster(1), 1_100, Set.of());
        assertTrue(same.readyByLeader().isEmpty(), "the leadership that failed it: wait");
        assertTrue(same.unknownLeaders(), "and keep asking for metadata");
        ClusterSnapshot newLeader = cluster(1)
                .merge(
                        MetadataResponse.newBuilder()
                                .addBrokers(BrokerEndpoint.newBuilder()
                                        .setNodeId(1)
                                        .setHost("n1")
                                        .setPort(9092))
                                .addTopics(TopicMetadata.newBuilder()
                                        .setName("t")
                                        .addPartitions(PartitionMetadata.newBuilder()
                                                .setIndex(0)
                                                .setLeader(1)
                                                .setLeaderEpoch(1)
                                                .addReplicas(1)))
                                .build(),
                        false);
        assertFalse(acc.ready(newLeader, 1_100, Set.of()).readyByLeader().isEmpty(), "epoch 1 is a new leader");
    }

    @Test
    void abortOnNewBatchLeavesTheQueueAlone() {
        RecordAccumulator acc = new RecordAccumulator(100, 0, 1 << 20, clock);
        append(acc, TP0, 60, false);
        RecordAccumulator.AppendResult r = append(acc, TP0, 60, true);
        assertFalse(r.appended());
        assertEquals(1, acc.queuedBatchCounts().get(TP0));
    }

    @Test
    void expiryRemovesOnlyQueuedBatchesOlderThanTheDeliveryTimeout() {
        RecordAccumulator acc = new RecordAccumulator(16_384, 0, 1 << 20, clock);
        append(acc, TP0, 10, false);
        append(acc, TP1, 10, false);
        assertTrue(acc.expire(1_999, 1_000, Set.of()).isEmpty());
        List<ProducerBatch> expired = acc.expire(2_000, 1_000, Set.of(TP1));
        assertEquals(1, expired.size());
        assertEquals(TP0, expired.get(0).topicPartition());
    }

    @Test
    void bufferMemoryBoundsQueuedBytes() {
        RecordAccumulator acc = new RecordAccumulator(100, 0, 310, clock);
        append(acc, TP0, 80, false);
        append(acc, TP0, 80, false);
        append(acc, TP0, 80, false);
        RecordBatchCodec.RecordData data = new RecordBatchCodec.RecordData(0, null, new byte[80], List.of());
        ProducerBatch.Thunk thunk = new ProducerBatch.Thunk(new CompletableFuture<>(), null, 0, -1, 80);
        assertThrows(TimeoutException.class, () -> acc.append(TP0, data, thunk, 101, 1_000, false));
        ProducerBatch done = acc.drainFirst(TP0);
        done.complete(0, -1);
        acc.completed(done);
        assertTrue(acc.append(TP0, data, thunk, 101, 1_000, false).appended());
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile long nowMs;

        MutableClock(long nowMs) {
            this.nowMs = nowMs;
        }

        void set(long ms) {
            nowMs = ms;
        }

        @Override
        public long millis() {
            return nowMs;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
