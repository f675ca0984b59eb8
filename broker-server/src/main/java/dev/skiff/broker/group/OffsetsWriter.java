package dev.skiff.broker.group;

import dev.skiff.broker.replica.Partition;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Appends coordinator records to __consumer_offsets through the produce path (one RecordBatch v2
 * per write, as leader, acks=all) and completes once the high watermark passed them with the ISR
 * at min.insync.replicas, or with the error that stopped them (REQUEST_TIMED_OUT after
 * offsets.commit.timeout.ms). Called on the coordinator thread; holds no thread while waiting.
 */
final class OffsetsWriter {
    private final ReplicaManager replicas;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final long timeoutMs;

    OffsetsWriter(ReplicaManager replicas, ScheduledExecutorService thread, Clock clock, long timeoutMs) {
        this.replicas = replicas;
        this.thread = thread;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    CompletableFuture<ErrorCode> append(TopicPartition tp, List<Effects.StoredRecord> records) {
        long now = clock.millis();
        List<RecordData> data = new ArrayList<>();
        for (Effects.StoredRecord r : records) {
            data.add(new RecordData(
                    r.key().toByteArray(), r.value().map(v -> v.toByteArray()).orElse(null), now));
        }
        ReplicaManager.ProduceOutcome o = replicas.produce(
                tp, KafkaRecordFormat.encode(0, Compression.NONE, TimestampType.CREATE_TIME, data), -1);
        if (o.error() != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(o.error());
        }
        CompletableFuture<ErrorCode> done = new CompletableFuture<>();
        Optional<Partition> p = replicas.partition(tp);
        if (p.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        Runnable check = () -> replicas.replicationOutcome(tp, o.requiredOffset(), o.leaderEpoch())
                .ifPresent(done::complete);
        Runnable listener = () -> thread.execute(() -> {
            if (!done.isDone()) {
                check.run();
            }
        });
        p.get().addHighWatermarkListener(listener);
        ScheduledFuture<?> timeout =
                thread.schedule(() -> done.complete(ErrorCode.REQUEST_TIMED_OUT), timeoutMs, TimeUnit.MILLISECONDS);
        done.whenComplete((e, t) -> {
            p.get().removeHighWatermarkListener(listener);
            timeout.cancel(false);
        });
        check.run();
        return done;
    }
}
