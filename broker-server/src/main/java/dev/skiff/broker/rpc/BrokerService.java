package dev.skiff.broker.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.skiff.broker.group.GroupCoordinator;
import dev.skiff.broker.replica.Partition;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FetchPartition;
import dev.skiff.proto.v1.FetchRequest;
import dev.skiff.proto.v1.FetchResponse;
import dev.skiff.proto.v1.FetchTopic;
import dev.skiff.proto.v1.FetchableTopicResponse;
import dev.skiff.proto.v1.ListOffsetsPartition;
import dev.skiff.proto.v1.ListOffsetsPartitionResponse;
import dev.skiff.proto.v1.ListOffsetsRequest;
import dev.skiff.proto.v1.ListOffsetsResponse;
import dev.skiff.proto.v1.ListOffsetsTopic;
import dev.skiff.proto.v1.ListOffsetsTopicResponse;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionData;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.ProduceStreamRequest;
import dev.skiff.proto.v1.ProduceStreamResponse;
import dev.skiff.proto.v1.TopicProduceData;
import dev.skiff.proto.v1.TopicProduceResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane over gRPC: translates requests into {@link ReplicaManager} calls and outcomes
 * into per-partition error codes. Fetches that find fewer than {@code min_bytes} wait (without a
 * thread) until a high watermark they read advances or {@code max_wait_ms} passes.
 */
public final class BrokerService extends BrokerGrpc.BrokerImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerService.class);

    /** Bounds that keep one request from taking the node down (STYLE 6). */
    static final int FETCH_MAX_WAIT_MS_MAX = 60_000;

    static final int FETCH_MAX_BYTES_MAX = 64 * 1024 * 1024;

    /** How long an acks=all produce waits for the ISR when the request names no timeout. */
    static final long PRODUCE_TIMEOUT_MS_DEFAULT = 30_000;

    private final ReplicaManager replicas;
    private final ScheduledExecutorService scheduler;
    private final Function<MetadataRequest, MetadataResponse> metadata;
    private final ProducerIdManager producerIds;

    public BrokerService(
            ReplicaManager replicas,
            ScheduledExecutorService scheduler,
            Function<MetadataRequest, MetadataResponse> metadata,
            ProducerIdManager producerIds) {
        this.replicas = replicas;
        this.scheduler = scheduler;
        this.metadata = metadata;
        this.producerIds = producerIds;
    }

    @Override
    public void initProducerId(
            dev.skiff.proto.v1.InitProducerIdRequest request,
            StreamObserver<dev.skiff.proto.v1.InitProducerIdResponse> out) {
        out.onNext(producerIds.handle(request));
        out.onCompleted();
    }

    /** The ordered produce path: requests of one stream are appended and answered in arrival order. */
    @Override
    public StreamObserver<ProduceStreamRequest> produceStream(StreamObserver<ProduceStreamResponse> out) {
        return new ProduceStreamHandler(this::produce, out);
    }

    @Override
    public void produce(ProduceRequest request, StreamObserver<ProduceResponse> out) {
        short acks = (short) request.getAcks();
        if (request.getTimeoutMs() < 0) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("timeout_ms " + request.getTimeoutMs()
                            + " must not be negative (0: the default of " + PRODUCE_TIMEOUT_MS_DEFAULT + " ms)")
                    .asRuntimeException());
            return;
        }
        boolean badAcks = acks != 0 && acks != 1 && acks != -1 || request.getAcks() != acks;
        if (acks == 0 && !badAcks) {
            produceWithoutAcks(request, out);
            return;
        }
        List<TopicProduceResponse.Builder> topics = new ArrayList<>();
        List<DelayedProduce.Waiting> waiting = new ArrayList<>();
        for (TopicProduceData topic : request.getTopicsList()) {
            TopicProduceResponse.Builder t = TopicProduceResponse.newBuilder().setName(topic.getName());
            for (PartitionProduceData data : topic.getPartitionsList()) {
                PartitionProduceResponse.Builder p = t.addPartitionsBuilder().setIndex(data.getIndex());
                if (badAcks) {
                    p.setError(ErrorCode.INVALID_REQUIRED_ACKS)
                            .setBaseOffset(-1)
                            .setErrorMessage("acks=" + request.getAcks() + " is not 0, 1 or -1 (all)");
                    continue;
                }
                if (isInternal(topic.getName())) {
                    p.setError(ErrorCode.INVALID_TOPIC_EXCEPTION)
                            .setBaseOffset(-1)
                            .setErrorMessage(internalTopicMessage(topic.getName()));
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.getName(), data.getIndex());
                ReplicaManager.ProduceOutcome o = replicas.produce(tp, copy(data.getRecords()), acks);
                p.setError(o.error())
                        .setErrorMessage(o.message())
                        .setBaseOffset(o.baseOffset())
                        .setLogAppendTimeMs(o.logAppendTimeMs())
                        .setLogStartOffset(o.logStartOffset());
                if (o.error() == ErrorCode.NONE) {
                    waiting.add(new DelayedProduce.Waiting(
                            p, tp, o.requiredOffset(), o.leaderEpoch(), o.durable(), acks == -1));
                }
            }
            topics.add(t);
        }
        long timeoutMs = request.getTimeoutMs() == 0 ? PRODUCE_TIMEOUT_MS_DEFAULT : request.getTimeoutMs();
        new DelayedProduce(replicas, scheduler, topics, waiting, out).start(timeoutMs);
    }

    /**
     * acks=0: answered before anything is written, as the producer asked not to wait. What can be
     * known without writing (this broker does not lead a partition) is still reported, so that the
     * producer refreshes its metadata instead of sending into the void; append errors are only
     * logged. The appends then run on this thread in request order, so one stream's order holds.
     */
    private void produceWithoutAcks(ProduceRequest request, StreamObserver<ProduceResponse> out) {
        ProduceResponse.Builder response = ProduceResponse.newBuilder();
        List<Runnable> appends = new ArrayList<>();
        for (TopicProduceData topic : request.getTopicsList()) {
            TopicProduceResponse.Builder t = response.addTopicsBuilder().setName(topic.getName());
            for (PartitionProduceData data : topic.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(topic.getName(), data.getIndex());
                PartitionProduceResponse.Builder p =
                        t.addPartitionsBuilder().setIndex(data.getIndex()).setBaseOffset(-1);
                if (isInternal(topic.getName())) {
                    p.setError(ErrorCode.INVALID_TOPIC_EXCEPTION)
                            .setErrorMessage(internalTopicMessage(topic.getName()));
                    continue;
                }
                Optional<ReplicaManager.ProduceOutcome> problem = replicas.leadershipProblem(tp);
                if (problem.isPresent()) {
                    p.setError(problem.get().error())
                            .setErrorMessage(problem.get().message());
                    continue;
                }
                appends.add(() -> {
                    ReplicaManager.ProduceOutcome o = replicas.produce(tp, copy(data.getRecords()), 0);
                    if (o.error() != ErrorCode.NONE) {
                        LOG.debug("acks=0 write to {} failed unreported: {} {}", tp, o.error(), o.message());
                    }
                });
            }
        }
        out.onNext(response.build());
        out.onCompleted();
        appends.forEach(Runnable::run);
    }

    /** Topics only the broker itself writes (Kafka refuses client appends to them the same way). */
    static boolean isInternal(String topic) {
        return topic.equals(GroupCoordinator.TOPIC);
    }

    private static String internalTopicMessage(String topic) {
        return "topic " + topic + " is internal: only the group coordinator writes it. Commit offsets with a"
                + " consumer, or change them with skiff consumer-groups --reset-offsets";
    }

    /** The log stamps offsets into the buffer in place, so it gets its own writable copy. */
    private static ByteBuffer copy(ByteString bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.size());
        bytes.copyTo(b);
        return b.flip();
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> out) {
        if (request.getMaxWaitMs() < 0 || request.getMaxWaitMs() > FETCH_MAX_WAIT_MS_MAX) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription(
                            "max_wait_ms " + request.getMaxWaitMs() + " must be between 0 and " + FETCH_MAX_WAIT_MS_MAX)
                    .asRuntimeException());
            return;
        }
        if (request.getMaxBytes() < 0 || request.getMinBytes() < 0) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("max_bytes and min_bytes must not be negative")
                    .asRuntimeException());
            return;
        }
        for (FetchTopic t : request.getTopicsList()) {
            try {
                TopicPartition.validateTopicName(t.getName());
            } catch (IllegalArgumentException e) {
                out.onError(
                        Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
        }
        FetchResponse first = read(request);
        if (request.getMaxWaitMs() == 0 || bytes(first) >= Math.max(1, request.getMinBytes()) || hasError(first)) {
            out.onNext(first);
            out.onCompleted();
            return;
        }
        new DelayedFetch(request, out).start();
    }

    /** A fetch parked until data arrives or its wait ends; answered exactly once. */
    private final class DelayedFetch {
        private final FetchRequest request;
        private final StreamObserver<FetchResponse> out;
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<Partition> watched = new ArrayList<>();
        private final Runnable onData = this::onData;
        private volatile ScheduledFuture<?> timeout;

        DelayedFetch(FetchRequest request, StreamObserver<FetchResponse> out) {
            this.request = request;
            this.out = out;
        }

        void start() {
            for (FetchTopic t : request.getTopicsList()) {
                for (FetchPartition p : t.getPartitionsList()) {
                    replicas.partition(new TopicPartition(t.getName(), p.getIndex()))
                            .ifPresent(watched::add);
                }
            }
            timeout = scheduler.schedule(this::complete, request.getMaxWaitMs(), TimeUnit.MILLISECONDS);
            for (Partition p : watched) {
                p.addHighWatermarkListener(onData);
            }
            // Data may have arrived between the first read and registering.
            onData();
        }

        private void onData() {
            if (!done.get()) {
                scheduler.execute(() -> {
                    FetchResponse r = read(request);
                    if (bytes(r) >= Math.max(1, request.getMinBytes())) {
                        finish(r);
                    }
                });
            }
        }

        private void complete() {
            finish(read(request));
        }

        private void finish(FetchResponse response) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            for (Partition p : watched) {
                p.removeHighWatermarkListener(onData);
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            try {
                out.onNext(response);
                out.onCompleted();
            } catch (RuntimeException e) {
                // The client went away while we waited; nothing to answer.
            }
        }
    }

    private FetchResponse read(FetchRequest request) {
        int budget =
                request.getMaxBytes() == 0 ? FETCH_MAX_BYTES_MAX : Math.min(request.getMaxBytes(), FETCH_MAX_BYTES_MAX);
        boolean first = true;
        FetchResponse.Builder response = FetchResponse.newBuilder();
        for (FetchTopic topic : request.getTopicsList()) {
            FetchableTopicResponse.Builder t =
                    FetchableTopicResponse.newBuilder().setName(topic.getName());
            for (FetchPartition p : topic.getPartitionsList()) {
                int limit = Math.max(
                        0, Math.min(budget, p.getPartitionMaxBytes() <= 0 ? budget : p.getPartitionMaxBytes()));
                ReplicaManager.FetchOutcome o = replicas.fetch(
                        new TopicPartition(topic.getName(), p.getIndex()),
                        p.getFetchOffset(),
                        limit,
                        first,
                        p.getCurrentLeaderEpoch());
                int size = o.records().remaining();
                if (size > 0) {
                    first = false;
                    budget = Math.max(0, budget - size);
                }
                t.addPartitions(PartitionData.newBuilder()
                        .setIndex(p.getIndex())
                        .setError(o.error())
                        .setErrorMessage(o.message())
                        .setHighWatermark(o.highWatermark())
                        .setLogStartOffset(o.logStartOffset())
                        .setRecords(UnsafeByteOperations.unsafeWrap(o.records())));
            }
            response.addTopics(t);
        }
        return response.build();
    }

    private static long bytes(FetchResponse r) {
        long total = 0;
        for (FetchableTopicResponse t : r.getTopicsList()) {
            for (PartitionData p : t.getPartitionsList()) {
                total += p.getRecords().size();
            }
        }
        return total;
    }

    private static boolean hasError(FetchResponse r) {
        for (FetchableTopicResponse t : r.getTopicsList()) {
            for (PartitionData p : t.getPartitionsList()) {
                if (p.getError() != ErrorCode.NONE) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> out) {
        ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
        for (ListOffsetsTopic topic : request.getTopicsList()) {
            ListOffsetsTopicResponse.Builder t =
                    ListOffsetsTopicResponse.newBuilder().setName(topic.getName());
            for (ListOffsetsPartition p : topic.getPartitionsList()) {
                ReplicaManager.OffsetOutcome o =
                        replicas.listOffset(new TopicPartition(topic.getName(), p.getIndex()), p.getTimestamp());
                t.addPartitions(ListOffsetsPartitionResponse.newBuilder()
                        .setIndex(p.getIndex())
                        .setError(o.error())
                        .setErrorMessage(o.message())
                        .setOffset(o.offset())
                        .setTimestamp(o.timestampMs())
                        .setLeaderEpoch(o.leaderEpoch()));
            }
            response.addTopics(t);
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @Override
    public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> out) {
        out.onNext(metadata.apply(request));
        out.onCompleted();
    }
}
