package dev.skiff.client.testing;

import com.google.protobuf.ByteString;
import dev.skiff.client.Errors;
import dev.skiff.client.TimestampType;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.BrokerGrpc;
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
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.ProduceStreamRequest;
import dev.skiff.proto.v1.ProduceStreamResponse;
import dev.skiff.proto.v1.TopicMetadata;
import dev.skiff.proto.v1.TopicProduceData;
import dev.skiff.proto.v1.TopicProduceResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One fake node's Broker service over the shared {@link FakeCluster} state. */
final class FakeBrokerService extends BrokerGrpc.BrokerImplBase {
    private final FakeCluster cluster;
    private final int nodeId;

    FakeBrokerService(FakeCluster cluster, int nodeId) {
        this.cluster = cluster;
        this.nodeId = nodeId;
    }

    private boolean refuse(StreamObserver<?> observer) {
        if (cluster.hooks().unavailable || cluster.hooks().downBrokers.contains(nodeId)) {
            observer.onError(Status.UNAVAILABLE
                    .withDescription("fake node " + nodeId + " is down")
                    .asRuntimeException());
            return true;
        }
        return false;
    }

    /**
     * The ordered produce path: each request is handled by {@link #produce} as it arrives, and its
     * answer goes out tagged with its correlation id. Answers leave in request order because
     * {@code produce} answers at once or through the hooks' FIFO hold.
     */
    @Override
    public StreamObserver<ProduceStreamRequest> produceStream(StreamObserver<ProduceStreamResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ProduceStreamRequest request) {
                produce(request.getRequest(), new StreamObserver<>() {
                    @Override
                    public void onNext(ProduceResponse r) {
                        synchronized (out) {
                            if (cancelled(out)) {
                                return;
                            }
                            out.onNext(ProduceStreamResponse.newBuilder()
                                    .setCorrelationId(request.getCorrelationId())
                                    .setResponse(r)
                                    .build());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        synchronized (out) {
                            if (!cancelled(out)) {
                                out.onError(t);
                            }
                        }
                    }

                    @Override
                    public void onCompleted() {}
                });
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                synchronized (out) {
                    out.onCompleted();
                }
            }
        };
    }

    /** A stream the client cancelled (a forced close, a lost answer) takes no more answers. */
    private static boolean cancelled(StreamObserver<ProduceStreamResponse> out) {
        return out instanceof ServerCallStreamObserver<ProduceStreamResponse> call && call.isCancelled();
    }

    @Override
    public void produce(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
        if (refuse(observer)) {
            return;
        }
        ProduceResponse.Builder response = ProduceResponse.newBuilder();
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicProduceData t : request.getTopicsList()) {
            TopicProduceResponse.Builder tr = TopicProduceResponse.newBuilder().setName(t.getName());
            for (PartitionProduceData p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                partitions.add(tp);
                tr.addPartitions(producePartition(tp, p.getRecords(), request.getAcks()));
            }
            response.addTopics(tr);
        }
        ProduceResponse answer = request.getAcks() == 0 ? ProduceResponse.getDefaultInstance() : response.build();
        cluster.hooks().hold(() -> {
            partitions.forEach(cluster.hooks()::answered);
            observer.onNext(answer);
            observer.onCompleted();
        });
    }

    private PartitionProduceResponse producePartition(TopicPartition tp, ByteString records, int acks) {
        FakeHooks hooks = cluster.hooks();
        int attempt = hooks.nextAttempt(tp);
        List<RecordBatchCodec.DecodedBatch> batches = RecordBatchCodec.decode(records.asReadOnlyByteBuffer(), true);
        List<String> values = new ArrayList<>();
        batches.forEach(b -> b.records()
                .forEach(r -> values.add(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8))));
        String compression =
                batches.isEmpty() ? "none" : batches.get(0).info().compression().configName();
        hooks.arrived(new FakeHooks.ProduceArrival(nodeId, tp, attempt, values, acks, compression, batches.size()));
        PartitionProduceResponse.Builder out = PartitionProduceResponse.newBuilder()
                .setIndex(tp.partition())
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1);
        synchronized (cluster) {
            Errors error = leaderError(tp);
            if (error == Errors.NONE) {
                Errors injected = hooks.produceError.apply(tp, attempt);
                error = injected == null ? Errors.NONE : injected;
            }
            if (error != Errors.NONE) {
                return out.setError(FakeCluster.code(error))
                        .setErrorMessage(error.name() + " (fake node " + nodeId + ")")
                        .build();
            }
            FakeProducerState.Check check = cluster.producerState.check(tp, records.asReadOnlyByteBuffer());
            if (check.error() != null) {
                return out.setError(FakeCluster.code(check.error()))
                        .setErrorMessage(check.error().name() + " (fake node " + nodeId + ")")
                        .build();
            }
            if (check.duplicateBaseOffset() >= 0) {
                hooks.duplicates.incrementAndGet();
                return out.setBaseOffset(check.duplicateBaseOffset())
                        .setLogStartOffset(cluster.partition(tp).logStartOffset)
                        .build();
            }
            long base = -1;
            for (RecordBatchCodec.DecodedBatch b : batches) {
                List<RecordBatchCodec.RecordData> data = new ArrayList<>();
                b.records()
                        .forEach(r -> data.add(
                                new RecordBatchCodec.RecordData(r.timestampMs(), r.key(), r.value(), r.headers())));
                long offset = cluster.append(tp, b.info().compression(), data);
                base = base < 0 ? offset : base;
            }
            cluster.producerState.appended(tp, records.asReadOnlyByteBuffer(), base);
            return out.setBaseOffset(base)
                    .setLogStartOffset(cluster.partition(tp).logStartOffset)
                    .build();
        }
    }

    @Override
    public void initProducerId(
            dev.skiff.proto.v1.InitProducerIdRequest request,
            StreamObserver<dev.skiff.proto.v1.InitProducerIdResponse> observer) {
        if (refuse(observer)) {
            return;
        }
        cluster.hooks().initProducerIdCalls.incrementAndGet();
        observer.onNext(cluster.producerState.initProducerId(request));
        observer.onCompleted();
    }

    private Errors leaderError(TopicPartition tp) {
        FakeCluster.FakeTopic t = cluster.topics.get(tp.topic());
        if (t == null || tp.partition() < 0 || tp.partition() >= t.partitions.size()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        FakeCluster.FakePartition p = t.partitions.get(tp.partition());
        if (p.leader < 0) {
            return Errors.LEADER_NOT_AVAILABLE;
        }
        return p.leader == nodeId ? Errors.NONE : Errors.NOT_LEADER_OR_FOLLOWER;
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
        if (refuse(observer)) {
            return;
        }
        long deadline = System.currentTimeMillis() + request.getMaxWaitMs();
        answerFetch(request, observer, deadline);
    }

    private void answerFetch(FetchRequest request, StreamObserver<FetchResponse> observer, long deadline) {
        FetchResponse response;
        int bytes = 0;
        boolean errors = false;
        synchronized (cluster) {
            FetchResponse.Builder b = FetchResponse.newBuilder();
            int budget = request.getMaxBytes() <= 0 ? Integer.MAX_VALUE : request.getMaxBytes();
            for (FetchTopic t : request.getTopicsList()) {
                FetchableTopicResponse.Builder tr =
                        FetchableTopicResponse.newBuilder().setName(t.getName());
                for (FetchPartition p : t.getPartitionsList()) {
                    PartitionData pd =
                            fetchPartition(new TopicPartition(t.getName(), p.getIndex()), p, budget, bytes == 0);
                    bytes += pd.getRecords().size();
                    budget -= pd.getRecords().size();
                    errors |= pd.getError() != dev.skiff.proto.v1.ErrorCode.NONE;
                    tr.addPartitions(pd);
                }
                b.addTopics(tr);
            }
            response = b.build();
        }
        if (bytes < Math.max(1, request.getMinBytes()) && !errors && System.currentTimeMillis() < deadline) {
            cluster.timers.schedule(() -> answerFetch(request, observer, deadline), 5, TimeUnit.MILLISECONDS);
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private PartitionData fetchPartition(TopicPartition tp, FetchPartition req, int budget, boolean first) {
        PartitionData.Builder out = PartitionData.newBuilder().setIndex(tp.partition());
        Errors error = leaderError(tp);
        if (error != Errors.NONE) {
            return out.setError(FakeCluster.code(error)).build();
        }
        FakeCluster.FakePartition p = cluster.partition(tp);
        out.setHighWatermark(p.nextOffset).setLogStartOffset(p.logStartOffset);
        if (req.getFetchOffset() < p.logStartOffset || req.getFetchOffset() > p.nextOffset) {
            return out.setError(FakeCluster.code(Errors.OFFSET_OUT_OF_RANGE)).build();
        }
        ByteString.Output data = ByteString.newOutput();
        int limit = Math.min(budget, req.getPartitionMaxBytes() <= 0 ? Integer.MAX_VALUE : req.getPartitionMaxBytes());
        for (FakeCluster.StoredBatch b : p.batches) {
            if (b.lastOffset() < req.getFetchOffset()) {
                continue;
            }
            ByteBuffer encoded = RecordBatchCodec.encode(
                    b.baseOffset(), b.compression(), TimestampType.CREATE_TIME, b.leaderEpoch(), b.records());
            if (data.size() > 0 || !first) {
                if (data.size() + encoded.remaining() > limit) {
                    break;
                }
            }
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            data.write(bytes, 0, bytes.length);
        }
        return out.setRecords(data.toByteString()).build();
    }

    @Override
    public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> observer) {
        if (refuse(observer)) {
            return;
        }
        ListOffsetsResponse.Builder b = ListOffsetsResponse.newBuilder();
        synchronized (cluster) {
            for (ListOffsetsTopic t : request.getTopicsList()) {
                ListOffsetsTopicResponse.Builder tr =
                        ListOffsetsTopicResponse.newBuilder().setName(t.getName());
                for (ListOffsetsPartition p : t.getPartitionsList()) {
                    tr.addPartitions(listOffset(new TopicPartition(t.getName(), p.getIndex()), p.getTimestamp()));
                }
                b.addTopics(tr);
            }
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    private ListOffsetsPartitionResponse listOffset(TopicPartition tp, long spec) {
        ListOffsetsPartitionResponse.Builder out = ListOffsetsPartitionResponse.newBuilder()
                .setIndex(tp.partition())
                .setTimestamp(-1);
        Errors error = leaderError(tp);
        if (error != Errors.NONE) {
            return out.setError(FakeCluster.code(error)).setOffset(-1).build();
        }
        FakeCluster.FakePartition p = cluster.partition(tp);
        out.setLeaderEpoch(p.leaderEpoch);
        if (spec == -2) {
            return out.setOffset(p.logStartOffset).build();
        }
        if (spec == -1) {
            return out.setOffset(p.nextOffset).build();
        }
        for (RecordBatchCodec.DecodedRecord r : cluster.records(tp)) {
            if (r.timestampMs() >= spec) {
                return out.setOffset(r.offset()).setTimestamp(r.timestampMs()).build();
            }
        }
        return out.setOffset(-1).build();
    }

    @Override
    public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
        if (refuse(observer)) {
            return;
        }
        cluster.hooks().metadataCalls.incrementAndGet();
        MetadataResponse.Builder b =
                MetadataResponse.newBuilder().setClusterId(cluster.clusterId).setControllerId(1);
        synchronized (cluster) {
            for (int id = 1; id <= cluster.brokerCount(); id++) {
                b.addBrokers(BrokerEndpoint.newBuilder()
                        .setNodeId(id)
                        .setHost(cluster.host(id))
                        .setPort(cluster.port(id)));
            }
            List<String> names =
                    request.getTopicsCount() == 0 ? new ArrayList<>(cluster.topics.keySet()) : request.getTopicsList();
            for (String name : names) {
                b.addTopics(topicMetadata(name, request.getAllowAutoTopicCreation()));
            }
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    private TopicMetadata topicMetadata(String name, boolean allowAutoCreate) {
        FakeCluster.FakeTopic t = cluster.topics.get(name);
        if (t == null) {
            if (allowAutoCreate && cluster.autoCreateTopics) {
                cluster.createTopic(name, cluster.defaultPartitions, 1);
                return TopicMetadata.newBuilder()
                        .setName(name)
                        .setError(FakeCluster.code(Errors.LEADER_NOT_AVAILABLE))
                        .build();
            }
            return TopicMetadata.newBuilder()
                    .setName(name)
                    .setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION))
                    .build();
        }
        TopicMetadata.Builder tm =
                TopicMetadata.newBuilder().setName(name).setTopicId(t.id).setIsInternal(t.internal);
        for (int i = 0; i < t.partitions.size(); i++) {
            FakeCluster.FakePartition p = t.partitions.get(i);
            tm.addPartitions(PartitionMetadata.newBuilder()
                    .setIndex(i)
                    .setLeader(p.leader)
                    .setLeaderEpoch(p.leaderEpoch)
                    .addAllReplicas(p.replicas)
                    .addAllIsr(p.isr)
                    .setError(FakeCluster.code(p.leader < 0 ? Errors.LEADER_NOT_AVAILABLE : Errors.NONE)));
        }
        return tm.build();
    }
}
