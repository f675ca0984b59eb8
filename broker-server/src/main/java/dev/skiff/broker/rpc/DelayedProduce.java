package dev.skiff.broker.rpc;

import dev.skiff.broker.replica.Partition;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.TopicProduceResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A produce whose batches are appended and wait to be acknowledged (DESIGN §6): with acks=1 until
 * the leader's fsync (group commit, under the fsync policy); with acks=all until every partition's
 * high watermark passed its batch (or leadership moved, or the ISR shrank below
 * min.insync.replicas). REQUEST_TIMED_OUT when the request's timeout ends first. Holds no thread
 * while it waits: fsyncs and high-watermark and role changes of the partitions wake it.
 */
final class DelayedProduce {
    /**
     * One appended partition of the request, with what its answer waits for: {@code durable} (the
     * leader's fsync), and with {@code isr} (acks=all) the high watermark too.
     */
    record Waiting(
            PartitionProduceResponse.Builder answer,
            TopicPartition tp,
            long requiredOffset,
            int leaderEpoch,
            CompletableFuture<Void> durable,
            boolean isr) {}

    private final ReplicaManager replicas;
    private final ScheduledExecutorService scheduler;
    private final List<TopicProduceResponse.Builder> topics;
    private final List<Waiting> waiting;
    private final StreamObserver<ProduceResponse> out;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Partition> watched = new ArrayList<>();
    private final Runnable onChange = this::onChange;
    private volatile ScheduledFuture<?> timeout;

    DelayedProduce(
            ReplicaManager replicas,
            ScheduledExecutorService scheduler,
            List<TopicProduceResponse.Builder> topics,
            List<Waiting> waiting,
            StreamObserver<ProduceResponse> out) {
        this.replicas = replicas;
        this.scheduler = scheduler;
        this.topics = topics;
        this.waiting = waiting;
        this.out = out;
    }

    void start(long timeoutMs) {
        if (allResolved()) {
            finish(false);
            return;
        }
        for (Waiting w : waiting) {
            replicas.partition(w.tp()).ifPresent(watched::add);
        }
        timeout = scheduler.schedule(() -> finish(true), timeoutMs, TimeUnit.MILLISECONDS);
        for (Partition p : watched) {
            p.addHighWatermarkListener(onChange);
        }
        for (Waiting w : waiting) {
            w.durable().whenComplete((ok, failure) -> onChange());
        }
        onChange();
    }

    private void onChange() {
        if (!done.get()) {
            scheduler.execute(() -> {
                if (allResolved()) {
                    finish(false);
                }
            });
        }
    }

    private boolean allResolved() {
        for (Waiting w : waiting) {
            if (outcome(w).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The partition's answer, or empty while it waits. */
    private Optional<ErrorCode> outcome(Waiting w) {
        if (!w.durable().isDone()) {
            return Optional.empty();
        }
        if (w.durable().isCompletedExceptionally()) {
            return Optional.of(ErrorCode.KAFKA_STORAGE_ERROR);
        }
        return w.isr()
                ? replicas.replicationOutcome(w.tp(), w.requiredOffset(), w.leaderEpoch())
                : Optional.of(ErrorCode.NONE);
    }

    private void finish(boolean timedOut) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        for (Partition p : watched) {
            p.removeHighWatermarkListener(onChange);
        }
        ScheduledFuture<?> t = timeout;
        if (t != null && !timedOut) {
            t.cancel(false);
        }
        for (Waiting w : waiting) {
            ErrorCode error = outcome(w).orElse(ErrorCode.REQUEST_TIMED_OUT);
            if (error != ErrorCode.NONE) {
                w.answer()
                        .setError(error)
                        .setErrorMessage(message(w.tp(), error))
                        .setBaseOffset(-1);
            }
        }
        ProduceResponse.Builder response = ProduceResponse.newBuilder();
        topics.forEach(response::addTopics);
        try {
            out.onNext(response.build());
            out.onCompleted();
        } catch (RuntimeException e) {
            // The producer went away while we waited.
        }
    }

    private static String message(TopicPartition tp, ErrorCode error) {
        return switch (error) {
            case REQUEST_TIMED_OUT -> "the write to " + tp + " was not fsynced by the leader and confirmed by every"
                    + " in-sync replica in time; it may or may not survive";
            case KAFKA_STORAGE_ERROR -> "the leader could not fsync the write to " + tp + "; its log is offline"
                    + " (see the broker's log): retry, and leadership moves to another replica";
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "the write to " + tp + " was appended but the ISR shrank below"
                    + " min.insync.replicas before every member had it; it may or may not survive";
            case NOT_LEADER_OR_FOLLOWER -> "leadership of " + tp + " moved before the in-sync replicas confirmed the"
                    + " write; it may or may not survive: refresh metadata and retry";
            default -> error.name();
        };
    }
}
