package dev.skiff.broker.rpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.skiff.broker.replica.Partition;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.EpochEndOffset;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ReplicaFetchPartition;
import dev.skiff.proto.v1.ReplicaFetchRequest;
import dev.skiff.proto.v1.ReplicaFetchResponse;
import dev.skiff.proto.v1.ReplicaPartitionData;
import dev.skiff.proto.v1.ReplicationGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader side of replication: one stream per follower broker. Each request is answered once
 * some partition has records past the follower's offset, an error or a diverging epoch, or when
 * its wait ends; a parked request holds no thread.
 */
public final class ReplicationService extends ReplicationGrpc.ReplicationImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);
    static final int MAX_WAIT_MS_MAX = 10_000;

    private final ReplicaManager replicas;
    private final ScheduledExecutorService scheduler;

    public ReplicationService(ReplicaManager replicas, ScheduledExecutorService scheduler) {
        this.replicas = replicas;
        this.scheduler = scheduler;
    }

    @Override
    public StreamObserver<ReplicaFetchRequest> replicate(StreamObserver<ReplicaFetchResponse> out) {
        AtomicReference<ParkedFetch> parked = new AtomicReference<>();
        if (out instanceof ServerCallStreamObserver<ReplicaFetchResponse> call) {
            // A follower that abandons a round (or goes away) leaves nothing parked behind.
            call.setOnCancelHandler(() -> {
                ParkedFetch f = parked.get();
                if (f != null) {
                    f.abandon();
                }
            });
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(ReplicaFetchRequest request) {
                if (request.getMaxWaitMs() < 0
                        || request.getMaxWaitMs() > MAX_WAIT_MS_MAX
                        || request.getMaxBytes() < 0) {
                    out.onError(Status.INVALID_ARGUMENT
                            .withDescription("max_wait_ms must be within [0, " + MAX_WAIT_MS_MAX
                                    + "] and max_bytes not negative")
                            .asRuntimeException());
                    return;
                }
                ParkedFetch f = new ParkedFetch(request, out);
                parked.set(f);
                f.start();
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("a follower's replication stream broke: {}", t.toString());
            }

            @Override
            public void onCompleted() {
                try {
                    out.onCompleted();
                } catch (RuntimeException e) {
                    // already closed
                }
            }
        };
    }

    /** One follower request, answered exactly once. */
    private final class ParkedFetch {
        private final ReplicaFetchRequest request;
        private final StreamObserver<ReplicaFetchResponse> out;
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<Partition> watched = new ArrayList<>();
        private final Runnable onData = this::onData;
        private volatile ScheduledFuture<?> timeout;

        ParkedFetch(ReplicaFetchRequest request, StreamObserver<ReplicaFetchResponse> out) {
            this.request = request;
            this.out = out;
        }

        void start() {
            ReplicaFetchResponse first = read();
            if (request.getMaxWaitMs() == 0 || worthAnswering(first)) {
                finish(first);
                return;
            }
            for (ReplicaFetchPartition p : request.getPartitionsList()) {
                replicas.partition(new TopicPartition(p.getTopic(), p.getIndex()))
                        .ifPresent(watched::add);
            }
            timeout = scheduler.schedule(() -> finish(read()), request.getMaxWaitMs(), TimeUnit.MILLISECONDS);
            for (Partition p : watched) {
                p.addAppendListener(onData);
            }
            onData();
        }

        private void onData() {
            if (!done.get()) {
                scheduler.execute(() -> {
                    if (!done.get()) {
                        ReplicaFetchResponse r = read();
                        if (worthAnswering(r)) {
                            finish(r);
                        }
                    }
                });
            }
        }

        private ReplicaFetchResponse read() {
            ReplicaFetchResponse.Builder r = ReplicaFetchResponse.newBuilder();
            int budget = Math.max(1, request.getMaxBytes());
            boolean first = true;
            for (ReplicaFetchPartition p : request.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(p.getTopic(), p.getIndex());
                int max = Math.max(0, Math.min(budget, p.getPartitionMaxBytes()));
                // Only the first partition with data may go over the budget (one whole batch), so
                // a response stays near max_bytes however many partitions lag.
                ReplicaManager.ReplicaFetchOutcome o = replicas.replicaFetch(
                        request.getReplicaId(),
                        request.getReplicaIncarnationId(),
                        tp,
                        p.getCurrentLeaderEpoch(),
                        p.getFetchOffset(),
                        p.getLastFetchedEpoch(),
                        max,
                        first);
                if (o.records().hasRemaining()) {
                    first = false;
                }
                budget -= o.records().remaining();
                ReplicaPartitionData.Builder d = ReplicaPartitionData.newBuilder()
                        .setTopic(p.getTopic())
                        .setIndex(p.getIndex())
                        .setError(o.error())
                        .setErrorMessage(o.message())
                        .setHighWatermark(o.highWatermark())
                        .setLogStartOffset(o.logStartOffset())
                        .setRecords(UnsafeByteOperations.unsafeWrap(o.records()));
                if (o.divergingEpoch() >= 0 || o.divergingEndOffset() >= 0) {
                    d.setDivergingEpoch(EpochEndOffset.newBuilder()
                            .setEpoch(o.divergingEpoch())
                            .setEndOffset(o.divergingEndOffset()));
                }
                r.addPartitions(d);
            }
            return r.build();
        }

        /** The call was cancelled: stop waiting, answer nothing. */
        void abandon() {
            if (done.compareAndSet(false, true)) {
                release();
            }
        }

        private void release() {
            for (Partition p : watched) {
                p.removeAppendListener(onData);
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }

        private void finish(ReplicaFetchResponse response) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            release();
            try {
                synchronized (out) {
                    out.onNext(response);
                }
            } catch (RuntimeException e) {
                // The follower went away while we waited; nothing to answer.
            }
        }
    }

    private static boolean worthAnswering(ReplicaFetchResponse r) {
        for (ReplicaPartitionData d : r.getPartitionsList()) {
            if (d.getError() != ErrorCode.NONE
                    || d.hasDivergingEpoch()
                    || !d.getRecords().isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
