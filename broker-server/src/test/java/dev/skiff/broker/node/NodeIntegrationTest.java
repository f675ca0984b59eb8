package dev.skiff.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.skiff.broker.config.ServerConfig;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.LogRecord;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.AlterConfigsRequest;
import dev.skiff.proto.v1.AlterConfigsResource;
import dev.skiff.proto.v1.AlterableConfig;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ConfigResource;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.DescribeConfigsRequest;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FetchPartition;
import dev.skiff.proto.v1.FetchRequest;
import dev.skiff.proto.v1.FetchResponse;
import dev.skiff.proto.v1.FetchTopic;
import dev.skiff.proto.v1.ListOffsetsPartition;
import dev.skiff.proto.v1.ListOffsetsRequest;
import dev.skiff.proto.v1.ListOffsetsTopic;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.TopicProduceData;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One real node in this JVM (real Ratis, real files, real gRPC on loopback), driven by raw stubs. */
@Timeout(120)
class NodeIntegrationTest {
    @TempDir
    Path tmp;

    private SkiffNode node;
    private ManagedChannel channel;
    private Map<String, String> props;

    private void startNode() throws IOException {
        if (props == null) {
            props = new HashMap<>();
            props.put("listeners", FreePorts.listeners());
            props.put("log.dirs", tmp.resolve("data").toString());
            props.put("message.max.bytes", "100000");
            // A node alone fences itself if a loaded machine delays its heartbeats past the session.
            props.put("broker.session.timeout.ms", "15000");
        }
        ServerConfig config = ServerConfig.parse(props, w -> {});
        node = SkiffNode.start(config, props, Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress(
                        "127.0.0.1", config.clientListener().port()))
                .usePlaintext()
                .build();
    }

    private void stopNode() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.close();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (node != null) {
            stopNode();
        }
    }

    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private BrokerGrpc.BrokerBlockingStub broker() {
        return BrokerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ErrorCode create(String name, int partitions, int rf, Map<String, String> configs) {
        return createResult(name, partitions, rf, configs).getError();
    }

    private dev.skiff.proto.v1.CreatableTopicResult createResult(
            String name, int partitions, int rf, Map<String, String> configs) {
        return admin().createTopics(CreateTopicsRequest.newBuilder()
                        .addTopics(CreatableTopic.newBuilder()
                                .setName(name)
                                .setNumPartitions(partitions)
                                .setReplicationFactor(rf)
                                .putAllConfigs(configs))
                        .build())
                .getTopics(0);
    }

    private void assertRefused(
            ErrorCode code, String hint, String name, int partitions, int rf, Map<String, String> configs) {
        var r = createResult(name, partitions, rf, configs);
        assertEquals(code, r.getError(), r.getErrorMessage());
        assertTrue(r.getErrorMessage().contains(hint), r.getErrorMessage());
        var listed = admin().listTopics(dev.skiff.proto.v1.ListTopicsRequest.getDefaultInstance())
                .getNamesList();
        assertTrue(!listed.contains(name) || name.equals("orders"), "nothing was created for " + name);
    }

    private PartitionProduceResponse produce(String topic, int acks, ByteBuffer records) {
        return broker().produce(ProduceRequest.newBuilder()
                        .setAcks(acks)
                        .setTimeoutMs(10_000)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName(topic)
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(0)
                                        .setRecords(ByteString.copyFrom(records))))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    private static ByteBuffer batch(String... values) {
        return KafkaRecordFormat.encode(
                0,
                Compression.LZ4,
                TimestampType.CREATE_TIME,
                java.util.Arrays.stream(values)
                        .map(v -> new RecordData(null, v.getBytes(StandardCharsets.UTF_8), 1_000))
                        .toList());
    }

    private FetchResponse fetch(String topic, long offset, int maxWaitMs) {
        return BrokerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .fetch(FetchRequest.newBuilder()
                        .setReplicaId(-1)
                        .setMaxWaitMs(maxWaitMs)
                        .setMinBytes(1)
                        .setMaxBytes(1 << 20)
                        .addTopics(FetchTopic.newBuilder()
                                .setName(topic)
                                .addPartitions(FetchPartition.newBuilder()
                                        .setIndex(0)
                                        .setFetchOffset(offset)
                                        .setPartitionMaxBytes(1 << 20)
                                        .setCurrentLeaderEpoch(-1)))
                        .build());
    }

    private static List<String> values(FetchResponse r) {
        ByteString bytes = r.getTopics(0).getPartitions(0).getRecords();
        return KafkaRecordFormat.decode(bytes.asReadOnlyByteBuffer()).stream()
                .map(LogRecord::value)
                .map(v -> new String(v, StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void createProduceFetchRestart() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("orders", 1, 1, Map.of("retention.ms", "3600000")));
        assertRefused(ErrorCode.TOPIC_ALREADY_EXISTS, "already exists", "orders", 1, 1, Map.of());
        assertRefused(ErrorCode.INVALID_TOPIC_EXCEPTION, "bad name!", "bad name!", 1, 1, Map.of());
        assertRefused(ErrorCode.INVALID_TOPIC_EXCEPTION, "", "x".repeat(250), 1, 1, Map.of());
        assertRefused(ErrorCode.INVALID_REPLICATION_FACTOR, "3", "wide", 1, 3, Map.of());
        assertRefused(ErrorCode.INVALID_PARTITIONS, "0", "none", 0, 1, Map.of());
        assertRefused(ErrorCode.INVALID_CONFIG, "retention.ms", "cfg", 1, 1, Map.of("retention.ms", "soon"));
        assertRefused(ErrorCode.INVALID_CONFIG, "retension.ms", "cfg2", 1, 1, Map.of("retension.ms", "1"));

        MetadataResponse md = broker().metadata(
                        MetadataRequest.newBuilder().addTopics("orders").build());
        assertEquals(1, md.getTopics(0).getPartitions(0).getLeader());
        assertEquals(1, md.getControllerId());

        PartitionProduceResponse first = produce("orders", 1, batch("hi consumer", "second"));
        assertEquals(ErrorCode.NONE, first.getError(), first.getErrorMessage());
        assertEquals(0, first.getBaseOffset());
        assertEquals(2, produce("orders", -1, batch("third")).getBaseOffset());
        assertEquals(List.of("hi consumer", "second", "third"), values(fetch("orders", 0, 0)));

        stopNode();
        startNode();
        assertEquals(List.of("hi consumer", "second", "third"), values(fetch("orders", 0, 0)));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, create("orders", 1, 1, Map.of()), "topic survived restart");
        assertEquals(3, produce("orders", 1, batch("fourth")).getBaseOffset());
    }

    @Test
    void deletedTopicLosesItsDataAndItsNameCanBeReused() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("gone", 1, 1, Map.of()));
        assertEquals(0, produce("gone", 1, batch("old")).getBaseOffset());
        Path dir = tmp.resolve("data").resolve("gone-0");
        assertTrue(java.nio.file.Files.exists(dir));
        var deleted = admin().deleteTopics(dev.skiff.proto.v1.DeleteTopicsRequest.newBuilder()
                .addNames("gone")
                .build());
        assertEquals(
                ErrorCode.NONE,
                deleted.getTopics(0).getError(),
                deleted.getTopics(0).getErrorMessage());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !java.nio.file.Files.exists(dir));
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                produce("gone", 1, batch("x")).getError());
        assertEquals(ErrorCode.NONE, create("gone", 1, 1, Map.of()));
        assertEquals(0, produce("gone", 1, batch("new")).getBaseOffset(), "a new topic starts at offset 0");
        assertEquals(List.of("new"), values(fetch("gone", 0, 0)));
    }

    @Test
    void badBatchesAreRefusedAndNothingIsWritten() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("t", 1, 1, Map.of()));
        ByteBuffer corrupt = batch("x");
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0x40));
        PartitionProduceResponse r = produce("t", 1, corrupt);
        assertEquals(ErrorCode.CORRUPT_MESSAGE, r.getError());
        assertTrue(r.getErrorMessage().contains("CRC"), r.getErrorMessage());
        ByteBuffer big = KafkaRecordFormat.encode(
                0, Compression.NONE, TimestampType.CREATE_TIME, List.of(new RecordData(null, new byte[150_000], 1)));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, produce("t", 1, big).getError());
        assertEquals(
                ErrorCode.INVALID_REQUIRED_ACKS, produce("t", 2, batch("y")).getError());
        assertEquals(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                produce("nope", 1, batch("z")).getError());
        long latest = broker().listOffsets(ListOffsetsRequest.newBuilder()
                        .addTopics(ListOffsetsTopic.newBuilder()
                                .setName("t")
                                .addPartitions(ListOffsetsPartition.newBuilder()
                                        .setIndex(0)
                                        .setTimestamp(-1)))
                        .build())
                .getTopics(0)
                .getPartitions(0)
                .getOffset();
        assertEquals(0, latest, "nothing was written");
    }

    @Test
    void fetchLongPollsUntilDataArrives() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("t", 1, 1, Map.of()));
        CompletableFuture<FetchResponse> waiting = CompletableFuture.supplyAsync(() -> fetch("t", 0, 30_000));
        // The fetch cannot complete before there is data; produce once it is parked or not yet sent:
        // either way it must answer with the record, long before its 30 s wait.
        produce("t", 1, batch("late"));
        FetchResponse r = waiting.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("late"), values(r));
        assertEquals(1, r.getTopics(0).getPartitions(0).getHighWatermark());
    }

    @Test
    void configsAreDescribedAndAlteredWithValidation() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("t", 1, 1, Map.of()));
        ConfigResource topic = ConfigResource.newBuilder()
                .setType(ResourceType.TOPIC)
                .setName("t")
                .build();
        var bad = admin().alterConfigs(AlterConfigsRequest.newBuilder()
                        .addResources(AlterConfigsResource.newBuilder()
                                .setResource(topic)
                                .addConfigs(AlterableConfig.newBuilder()
                                        .setName("cleanup.policy")
                                        .setValue("shred")))
                        .build())
                .getResults(0);
        assertEquals(ErrorCode.INVALID_CONFIG, bad.getError());
        assertTrue(bad.getErrorMessage().contains("cleanup.policy"), bad.getErrorMessage());
        var ok = admin().alterConfigs(AlterConfigsRequest.newBuilder()
                        .addResources(AlterConfigsResource.newBuilder()
                                .setResource(topic)
                                .addConfigs(AlterableConfig.newBuilder()
                                        .setName("retention.ms")
                                        .setValue("60000")))
                        .build())
                .getResults(0);
        assertEquals(ErrorCode.NONE, ok.getError(), ok.getErrorMessage());
        var described = admin().describeConfigs(
                        DescribeConfigsRequest.newBuilder().addResources(topic).build())
                .getResults(0)
                .getEntriesList();
        assertTrue(described.stream()
                .anyMatch(
                        e -> e.getName().equals("retention.ms") && e.getValue().equals("60000")));
    }

    /**
     * acks=0 is answered before the write (base offset -1), yet the write lands, in order; what is
     * known without writing (no such partition here) is still reported.
     */
    @Test
    void acksZeroIsAnsweredBeforeTheWriteAndStillLands() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("fire", 1, 1, Map.of()));
        for (int i = 0; i < 5; i++) {
            PartitionProduceResponse r = produce("fire", 0, batch("v" + i));
            assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
            assertEquals(-1, r.getBaseOffset());
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> values(fetch("fire", 0, 0)).size() == 5);
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), values(fetch("fire", 0, 0)));
        var missing = broker().produce(ProduceRequest.newBuilder()
                        .setAcks(0)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName("fire")
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(7)
                                        .setRecords(ByteString.copyFrom(batch("lost")))))
                        .build())
                .getTopics(0)
                .getPartitions(0);
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, missing.getError(), missing.getErrorMessage());
    }

    private dev.skiff.proto.v1.AlterConfigsResult alterBroker(String broker, String key, String value) {
        AlterableConfig.Builder op = AlterableConfig.newBuilder().setName(key);
        if (value == null) {
            op.setOp(dev.skiff.proto.v1.AlterOp.DELETE);
        } else {
            op.setValue(value);
        }
        return admin().alterConfigs(AlterConfigsRequest.newBuilder()
                        .addResources(AlterConfigsResource.newBuilder()
                                .setResource(ConfigResource.newBuilder()
                                        .setType(ResourceType.BROKER)
                                        .setName(broker))
                                .addConfigs(op))
                        .build())
                .getResults(0);
    }

    private List<dev.skiff.proto.v1.ConfigEntry> describe(ResourceType type, String name) {
        var r = admin().describeConfigs(DescribeConfigsRequest.newBuilder()
                        .addResources(ConfigResource.newBuilder().setType(type).setName(name))
                        .build())
                .getResults(0);
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        return r.getEntriesList();
    }

    private dev.skiff.proto.v1.ConfigEntry entry(ResourceType type, String name, String key) {
        return describe(type, name).stream()
                .filter(e -> e.getName().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError(key + " not described for " + name));
    }

    private long segmentFiles(String topic) throws IOException {
        try (var files = java.nio.file.Files.list(tmp.resolve("data").resolve(topic + "-0"))) {
            return files.filter(f -> f.toString().endsWith(".log")).count();
        }
    }

    /**
     * Broker configs changed at runtime (kafka-configs --entity-type brokers): a cluster default
     * and a per-broker value apply to existing topics without a restart, in Kafka's precedence
     * (topic, broker, cluster default, server.properties), survive a restart, and keys that are only
     * read at start are refused with the fix.
     */
    @Test
    void dynamicBrokerConfigsApplyWithoutRestart() throws Exception {
        startNode();
        assertEquals(ErrorCode.NONE, create("dyn", 1, 1, Map.of()));
        assertEquals(ErrorCode.NONE, produce("dyn", -1, batch("before")).getError());

        var set = alterBroker("", "min.insync.replicas", "2");
        assertEquals(ErrorCode.NONE, set.getError(), set.getErrorMessage());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> produce("dyn", -1, batch("refused")).getError() == ErrorCode.NOT_ENOUGH_REPLICAS);
        assertEquals(
                ErrorCode.NONE, produce("dyn", 1, batch("acks=1 still fine")).getError());
        var isr = entry(ResourceType.TOPIC, "dyn", "min.insync.replicas");
        assertEquals("2", isr.getValue());
        assertEquals(dev.skiff.proto.v1.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, isr.getSource());
        assertEquals(
                List.of("min.insync.replicas"),
                describe(ResourceType.BROKER, "").stream()
                        .map(dev.skiff.proto.v1.ConfigEntry::getName)
                        .toList());

        // This broker's own value wins over the cluster default.
        assertEquals(
                ErrorCode.NONE, alterBroker("1", "min.insync.replicas", "1").getError());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> produce("dyn", -1, batch("per-broker")).getError() == ErrorCode.NONE);
        var own = entry(ResourceType.BROKER, "1", "min.insync.replicas");
        assertEquals(dev.skiff.proto.v1.ConfigSource.DYNAMIC_BROKER_CONFIG, own.getSource());
        assertTrue(!own.getReadOnly(), "a dynamic key is not read-only");
        assertTrue(entry(ResourceType.BROKER, "1", "num.partitions").getReadOnly());

        // A segment size set at runtime rolls the existing topic's log.
        assertEquals(
                ErrorCode.NONE, alterBroker("", "log.segment.bytes", "1024").getError());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> {
                    produce("dyn", 1, batch("x".repeat(600)));
                    return segmentFiles("dyn") >= 3;
                });
        assertEquals("1024", entry(ResourceType.TOPIC, "dyn", "segment.bytes").getValue());

        // Refused, naming the key and the fix; nothing is stored.
        var hours = alterBroker("", "log.retention.hours", "1");
        assertEquals(ErrorCode.INVALID_CONFIG, hours.getError());
        assertTrue(hours.getErrorMessage().contains("log.retention.ms"), hours.getErrorMessage());
        var startOnly = alterBroker("1", "num.partitions", "3");
        assertEquals(ErrorCode.INVALID_CONFIG, startOnly.getError());
        assertTrue(startOnly.getErrorMessage().contains("restart"), startOnly.getErrorMessage());
        var badValue = alterBroker("", "log.segment.bytes", "big");
        assertEquals(ErrorCode.INVALID_CONFIG, badValue.getError());
        assertTrue(badValue.getErrorMessage().contains("log.segment.bytes"), badValue.getErrorMessage());
        var unknown = alterBroker("", "log.segmnet.bytes", "1");
        assertEquals(ErrorCode.INVALID_CONFIG, unknown.getError());
        assertTrue(unknown.getErrorMessage().contains("unknown broker config"), unknown.getErrorMessage());
        var badBroker = alterBroker("one", "log.segment.bytes", "2048");
        assertEquals(ErrorCode.INVALID_REQUEST, badBroker.getError());

        // The dynamic configs are metadata: they survive a restart.
        stopNode();
        startNode();
        assertEquals("1024", entry(ResourceType.TOPIC, "dyn", "segment.bytes").getValue());
        assertEquals(
                dev.skiff.proto.v1.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                entry(ResourceType.TOPIC, "dyn", "segment.bytes").getSource());

        // Deleting them brings back server.properties; a topic override beats them all.
        assertEquals(
                ErrorCode.NONE, alterBroker("", "min.insync.replicas", null).getError());
        assertEquals(
                ErrorCode.NONE, alterBroker("1", "min.insync.replicas", null).getError());
        assertEquals(ErrorCode.NONE, alterBroker("", "log.segment.bytes", null).getError());
        var back = entry(ResourceType.TOPIC, "dyn", "segment.bytes");
        assertEquals("1073741824", back.getValue());
        assertEquals(dev.skiff.proto.v1.ConfigSource.DEFAULT_CONFIG, back.getSource());
        assertEquals(
                dev.skiff.proto.v1.ConfigSource.STATIC_BROKER_CONFIG,
                entry(ResourceType.TOPIC, "dyn", "max.message.bytes").getSource());
        assertTrue(describe(ResourceType.BROKER, "").isEmpty());
    }
}
