package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.broker.config.ServerConfig;
import dev.skiff.log.BatchHeader;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.LogRecord;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreatePartitionsRequest;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FetchPartition;
import dev.skiff.proto.v1.FetchRequest;
import dev.skiff.proto.v1.FetchTopic;
import dev.skiff.proto.v1.ListOffsetsPartition;
import dev.skiff.proto.v1.ListOffsetsPartitionResponse;
import dev.skiff.proto.v1.ListOffsetsRequest;
import dev.skiff.proto.v1.ListOffsetsTopic;
import dev.skiff.proto.v1.ListTopicsRequest;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.PartitionCountUpdate;
import dev.skiff.proto.v1.PartitionData;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.TopicMetadata;
import dev.skiff.proto.v1.TopicProduceData;
import dev.skiff.proto.v1.TopicResult;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The data-plane and admin APIs of one real node (real Ratis, files and gRPC on loopback) through
 * raw generated stubs: acks=0, ListOffsets, CreatePartitions, auto topic creation, compressed
 * batches and server reflection. The tests share one node and use topics of their own.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeApiIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int NUM_PARTITIONS = 2;

    @TempDir
    static Path tmp;

    private final List<Running> started = new ArrayList<>();
    private Running node;

    /** A started node and a channel to its client listener. */
    private record Running(SkiffNode node, ManagedChannel channel) {
        AdminGrpc.AdminBlockingStub admin() {
            return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        dev.skiff.proto.v1.BrokerGrpc.BrokerBlockingStub broker() {
            return dev.skiff.proto.v1.BrokerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        }
    }

    private Running start(String name, Map<String, String> extra) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", FreePorts.listeners());
        props.put("log.dirs", tmp.resolve(name).toString());
        props.put("num.partitions", Integer.toString(NUM_PARTITIONS));
        // A node alone fences itself if a loaded machine delays its heartbeats past the session.
        props.put("broker.session.timeout.ms", "15000");
        props.putAll(extra);
        ServerConfig config = ServerConfig.parse(props, w -> {});
        SkiffNode n = SkiffNode.start(config, props, Clock.systemUTC());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(
                        "127.0.0.1", config.clientListener().port()))
                .usePlaintext()
                .build();
        Running r = new Running(n, channel);
        started.add(r);
        return r;
    }

    @BeforeAll
    void startNode() throws IOException {
        node = start("data", Map.of("auto.create.topics.enable", "true"));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        for (Running r : started) {
            r.channel().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            r.node().close();
        }
    }

    private void create(String topic, int partitions) {
        var r = node.admin()
                .createTopics(CreateTopicsRequest.newBuilder()
                        .addTopics(CreatableTopic.newBuilder()
                                .setName(topic)
                                .setNumPartitions(partitions)
                                .setReplicationFactor(1))
                        .build())
                .getTopics(0);
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        awaitLeaders(node, topic, partitions);
    }

    /** Waits until the node leads every one of the topic's {@code partitions} partitions. */
    private static void awaitLeaders(Running on, String topic, int partitions) {
        await("leaders of " + topic).atMost(WAIT).until(() -> {
            TopicMetadata t = metadata(on, topic, false);
            return t.getError() == ErrorCode.NONE
                    && t.getPartitionsCount() == partitions
                    && t.getPartitionsList().stream().allMatch(p -> p.getLeader() == 1);
        });
    }

    private static TopicMetadata metadata(Running on, String topic, boolean autoCreate) {
        return on.broker()
                .metadata(MetadataRequest.newBuilder()
                        .addTopics(topic)
                        .setAllowAutoTopicCreation(autoCreate)
                        .build())
                .getTopics(0);
    }

    private static List<String> topicNames(Running on) {
        return on.admin().listTopics(ListTopicsRequest.getDefaultInstance()).getNamesList();
    }

    private static PartitionProduceResponse produce(
            Running on, String topic, int partition, int acks, ByteBuffer records) {
        return on.broker()
                .produce(ProduceRequest.newBuilder()
                        .setAcks(acks)
                        .setTimeoutMs(10_000)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName(topic)
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(partition)
                                        .setRecords(ByteString.copyFrom(records.duplicate()))))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    private static PartitionData fetch(Running on, String topic, int partition, long offset) {
        return on.broker()
                .fetch(FetchRequest.newBuilder()
                        .setReplicaId(-1)
                        .setMaxWaitMs(0)
                        .setMaxBytes(1 << 20)
                        .addTopics(FetchTopic.newBuilder()
                                .setName(topic)
                                .addPartitions(FetchPartition.newBuilder()
                                        .setIndex(partition)
                                        .setFetchOffset(offset)
                                        .setPartitionMaxBytes(1 << 20)
                                        .setCurrentLeaderEpoch(-1)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    private static List<String> values(PartitionData fetched) {
        return KafkaRecordFormat.decode(fetched.getRecords().asReadOnlyByteBuffer()).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static ByteBuffer batch(Compression compression, long timestampMs, String... values) {
        List<RecordData> records = new ArrayList<>();
        for (String v : values) {
            records.add(new RecordData(null, v.getBytes(StandardCharsets.UTF_8), timestampMs));
        }
        return KafkaRecordFormat.encode(0, compression, TimestampType.CREATE_TIME, records);
    }

    private static ListOffsetsPartitionResponse listOffset(Running on, String topic, long timestamp) {
        return on.broker()
                .listOffsets(ListOffsetsRequest.newBuilder()
                        .addTopics(ListOffsetsTopic.newBuilder()
                                .setName(topic)
                                .addPartitions(ListOffsetsPartition.newBuilder()
                                        .setIndex(0)
                                        .setTimestamp(timestamp)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    @Test
    void acksZeroProduceIsWritten() {
        create("acks0", 1);
        PartitionProduceResponse r = produce(node, "acks0", 0, 0, batch(Compression.NONE, 1_000, "fire", "forget"));
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        // acks=0 promises nothing about when the write lands: wait for it instead of assuming.
        await("acks=0 records readable")
                .atMost(WAIT)
                .until(() -> fetch(node, "acks0", 0, 0).getRecords().size() > 0);
        assertEquals(List.of("fire", "forget"), values(fetch(node, "acks0", 0, 0)));
        assertEquals(
                2,
                produce(node, "acks0", 0, 1, batch(Compression.NONE, 1_000, "after"))
                        .getBaseOffset());
    }

    private dev.skiff.proto.v1.BrokerGrpc.BrokerBlockingStub withRpcVersion(String version) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(dev.skiff.proto.RpcVersion.HEADER, version);
        return node.broker().withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void aCallOfANewerRpcVersionIsRefusedNamingBothVersions() {
        MetadataRequest any = MetadataRequest.getDefaultInstance();
        io.grpc.StatusRuntimeException newer = assertThrows(
                io.grpc.StatusRuntimeException.class, () -> withRpcVersion("2").metadata(any));
        assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, newer.getStatus().getCode());
        String message = newer.getStatus().getDescription();
        assertTrue(message.contains("version 2") && message.contains("version 1"), message);
        assertTrue(message.contains("upgrade the brokers"), message);
        io.grpc.StatusRuntimeException garbled =
                assertThrows(io.grpc.StatusRuntimeException.class, () -> withRpcVersion("two")
                        .metadata(any));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, garbled.getStatus().getCode());
        assertTrue(
                garbled.getStatus().getDescription().contains("'two'"),
                garbled.getStatus().getDescription());
        assertEquals(1, withRpcVersion("1").metadata(any).getBrokersCount(), "the current version is served");
        assertEquals(1, node.broker().metadata(any).getBrokersCount(), "a call without the header is served");
    }

    @Test
    void clientsCannotProduceToTheInternalOffsetsTopic() {
        var coordinator =
                dev.skiff.proto.v1.GroupGrpc.newBlockingStub(node.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
        await("__consumer_offsets made by FindCoordinator")
                .atMost(WAIT)
                .until(() -> coordinator
                                .findCoordinator(dev.skiff.proto.v1.FindCoordinatorRequest.newBuilder()
                                        .setKey("internal-check")
                                        .build())
                                .getError()
                        == ErrorCode.NONE);
        for (int acks : new int[] {1, -1, 0}) {
            PartitionProduceResponse r =
                    produce(node, "__consumer_offsets", 0, acks, batch(Compression.NONE, 1_000, "forged"));
            assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, r.getError(), "acks=" + acks);
            assertTrue(r.getErrorMessage().contains("internal"), r.getErrorMessage());
            assertTrue(r.getErrorMessage().contains("--reset-offsets"), r.getErrorMessage());
        }
        await("__consumer_offsets-0 led")
                .atMost(WAIT)
                .until(() -> listOffset(node, "__consumer_offsets", -1).getError() == ErrorCode.NONE);
        assertEquals(
                0,
                listOffset(node, "__consumer_offsets", -1).getOffset(),
                "nothing was written to __consumer_offsets-0");
    }

    @Test
    void listOffsetsFindsEarliestLatestAndTheFirstRecordAtATimestamp() {
        create("offsets", 1);
        // Times near now, so that retention has nothing to delete while the test runs.
        long t0 = Clock.systemUTC().millis() / 1000 * 1000;
        ListOffsetsPartitionResponse empty = listOffset(node, "offsets", -1);
        assertEquals(0, empty.getOffset(), "an empty partition's latest offset is 0");
        assertEquals(-1, listOffset(node, "offsets", t0).getOffset(), "no record at or after t0 yet");

        // Offsets 0-1 at t0, 2-3 at t0+1000, 4-5 at t0+2000.
        for (int i = 0; i < 3; i++) {
            ByteBuffer b = KafkaRecordFormat.encode(
                    0,
                    Compression.NONE,
                    TimestampType.CREATE_TIME,
                    List.of(
                            new RecordData(null, utf8("v" + (2 * i)), t0 + 1000L * i),
                            new RecordData(null, utf8("v" + (2 * i + 1)), t0 + 1000L * i + 10)));
            PartitionProduceResponse r = produce(node, "offsets", 0, 1, b);
            assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
            assertEquals(2L * i, r.getBaseOffset());
        }

        ListOffsetsPartitionResponse earliest = listOffset(node, "offsets", -2);
        assertEquals(ErrorCode.NONE, earliest.getError(), earliest.getErrorMessage());
        assertEquals(0, earliest.getOffset());
        assertEquals(6, listOffset(node, "offsets", -1).getOffset(), "latest: the next offset to be written");
        assertOffsetForTime("offsets", t0 - 5000, 0, t0);
        assertOffsetForTime("offsets", t0, 0, t0);
        assertOffsetForTime("offsets", t0 + 5, 1, t0 + 10);
        assertOffsetForTime("offsets", t0 + 1000, 2, t0 + 1000);
        assertOffsetForTime("offsets", t0 + 1001, 3, t0 + 1010);
        assertOffsetForTime("offsets", t0 + 2010, 5, t0 + 2010);
        assertEquals(-1, listOffset(node, "offsets", t0 + 2011).getOffset(), "every record is older");
        assertEquals(ErrorCode.INVALID_REQUEST, listOffset(node, "offsets", -3).getError());
    }

    private void assertOffsetForTime(String topic, long timestampMs, long offset, long foundTimestampMs) {
        ListOffsetsPartitionResponse r = listOffset(node, topic, timestampMs);
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        assertEquals(offset, r.getOffset(), "offset for timestamp " + timestampMs);
        assertEquals(foundTimestampMs, r.getTimestamp(), "timestamp of that record");
    }

    @Test
    void createPartitionsGrowsATopicAndTheNewPartitionTakesWrites() {
        create("grow", 1);
        TopicResult shrink = node.admin()
                .createPartitions(CreatePartitionsRequest.newBuilder()
                        .addTopics(PartitionCountUpdate.newBuilder()
                                .setName("grow")
                                .setCount(1))
                        .build())
                .getTopics(0);
        assertEquals(ErrorCode.INVALID_PARTITIONS, shrink.getError(), shrink.getErrorMessage());

        TopicResult grown = node.admin()
                .createPartitions(CreatePartitionsRequest.newBuilder()
                        .addTopics(PartitionCountUpdate.newBuilder()
                                .setName("grow")
                                .setCount(3))
                        .build())
                .getTopics(0);
        assertEquals(ErrorCode.NONE, grown.getError(), grown.getErrorMessage());
        awaitLeaders(node, "grow", 3);

        for (int partition = 1; partition < 3; partition++) {
            int p = partition;
            // The node learns it leads the partition from metadata; its log may open just after.
            await("partition " + p + " takes writes").atMost(WAIT).until(() -> {
                var r = produce(node, "grow", p, 1, batch(Compression.NONE, 1_000, "new-" + p));
                return r.getError() == ErrorCode.NONE;
            });
            assertEquals(List.of("new-" + p), values(fetch(node, "grow", p, 0)));
        }
    }

    @Test
    void metadataCreatesAMissingTopicOnlyWhenAskedAndEnabled() throws IOException {
        TopicMetadata notAsked = metadata(node, "auto-not-asked", false);
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, notAsked.getError());
        assertFalse(topicNames(node).contains("auto-not-asked"), "allow_auto_topic_creation=false creates nothing");

        metadata(node, "auto-made", true);
        awaitLeaders(node, "auto-made", NUM_PARTITIONS);
        assertTrue(topicNames(node).contains("auto-made"));
        await("the auto-created topic takes writes")
                .atMost(WAIT)
                .until(() -> produce(node, "auto-made", 1, 1, batch(Compression.NONE, 1_000, "auto"))
                                .getError()
                        == ErrorCode.NONE);

        Running disabled = start("no-auto", Map.of("auto.create.topics.enable", "false"));
        TopicMetadata refused = metadata(disabled, "auto-off", true);
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, refused.getError());
        assertFalse(topicNames(disabled).contains("auto-off"), "auto.create.topics.enable=false creates nothing");
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void compressedBatchesAreStoredAsSentAndFetchedIntact(Compression compression) {
        String topic = "compressed-" + compression.name().toLowerCase(java.util.Locale.ROOT);
        create(topic, 1);
        List<RecordData> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(new RecordData(
                    i % 5 == 0 ? null : utf8("key-" + i),
                    i == 7 ? null : utf8(("value-" + i + " ").repeat(20)),
                    1_700_000_000_000L + i,
                    List.of(new RecordData.Header("h", utf8("header-" + i)))));
        }
        ByteBuffer batch = KafkaRecordFormat.encode(0, compression, TimestampType.CREATE_TIME, sent);
        assertEquals(compression, BatchHeader.compression(batch, 0));
        PartitionProduceResponse r = produce(node, topic, 0, 1, batch);
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());

        ByteBuffer fetched =
                ByteBuffer.wrap(fetch(node, topic, 0, 0).getRecords().toByteArray());
        assertEquals(compression, BatchHeader.compression(fetched, 0), "the broker keeps the producer's batch");
        assertEquals(batch.remaining(), BatchHeader.sizeBytes(fetched, 0));
        BatchHeader.validate(fetched, 0, fetched.limit(), Integer.MAX_VALUE); // CRC intact
        List<LogRecord> got = KafkaRecordFormat.decode(fetched);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            RecordData s = sent.get(i);
            LogRecord g = got.get(i);
            assertEquals(i, g.offset());
            assertEquals(s.timestampMs(), g.timestampMs());
            assertArrayEquals(s.key(), g.key(), "key of " + i);
            assertArrayEquals(s.value(), g.value(), "value of " + i);
            assertEquals(1, g.headers().size());
            assertEquals("h", g.headers().get(0).key());
            assertArrayEquals(s.headers().get(0).value(), g.headers().get(0).value());
        }
    }

    @Test
    void serverReflectionListsTheSkiffServices() throws Exception {
        List<String> services = reflect(
                        ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse()
                .getServiceList()
                .stream()
                .map(ServiceResponse::getName)
                .toList();
        assertTrue(services.contains("skiff.v1.Broker"), services.toString());
        assertTrue(services.contains("skiff.v1.Admin"), services.toString());

        ServerReflectionResponse file = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("skiff.v1.Broker")
                .build());
        assertTrue(file.hasFileDescriptorResponse(), file.toString());
        assertTrue(file.getFileDescriptorResponse().getFileDescriptorProtoCount() > 0);
    }

    @Test
    void olderToolsStillFindTheServicesThroughV1alphaReflection() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(node.channel())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .serverReflectionInfo(completing(answer));
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setListServices("")
                .build());
        requests.onCompleted();
        List<String> services = answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                .toList();
        assertTrue(services.contains("skiff.v1.Broker") && services.contains("skiff.v1.Admin"), services.toString());
    }

    /** An observer that completes {@code answer} with the first response of a stream. */
    private static <T> StreamObserver<T> completing(CompletableFuture<T> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("the stream ended without a response"));
            }
        };
    }

    /** One request on the v1 reflection stream (what grpcurl asks first). */
    private ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(node.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .serverReflectionInfo(completing(answer));
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(30, TimeUnit.SECONDS);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
