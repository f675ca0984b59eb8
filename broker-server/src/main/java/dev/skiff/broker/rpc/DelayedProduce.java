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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An acks=all produce whose batches are appended and wait for the ISR (DESIGN §6): answered once
 * every partition's high watermark passed its batch (or leadership moved, or the ISR shrank below
 * min.insync.replicas), or with REQUEST_TIMED_OUT when the request's timeout ends. Holds no thread
 * while it waits: high-watermark and role changes of the partitions wake it.
 */
final class DelayedProduce {
    /** One appended partition of the request, with what its answer waits for. */
    record Waiting(PartitionProduceResponse.Builder answer, TopicPartition tp, long requiredOffset, int leaderEpoch) {}

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
            if (replicas.replicationOutcome(w.tp(), w.requiredOffset(), w.leaderEpoch())
                    .isEmpty()) {
                return false;
            }
        }
        return true;
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
            Optional<ErrorCode> outcome = replicas.replicationOutcome(w.tp(), w.requiredOffset(), w.leaderEpoch());
            ErrorCode error = outcome.orElse(ErrorCode.REQUEST_TIMED_OUT);
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
            case REQUEST_TIMED_OUT -> "the in-sync replicas of " + tp + " did not all confirm the write in time;"
                    + " it may or may not survive";
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "the write to " + tp + " was appended but the ISR shrank below"
                    + " min.insync.replicas before every member had it; it may or may not survive";
            case NOT_LEADER_OR_FOLLOWER -> "leadership of " + tp + " moved before the in-sync replicas confirmed the"
                    + " write; it may or may not survive: refresh metadata and retry";
            default -> error.name();
        };
    }
}
