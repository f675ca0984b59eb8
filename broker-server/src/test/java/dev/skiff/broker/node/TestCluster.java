package dev.skiff.broker.node;

import com.google.protobuf.ByteString;
import dev.skiff.broker.config.ServerConfig;
import dev.skiff.broker.replica.Partition;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreatableTopicResult;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.FetchPartition;
import dev.skiff.proto.v1.FetchRequest;
import dev.skiff.proto.v1.FetchTopic;
import dev.skiff.proto.v1.ListOffsetsPartition;
import dev.skiff.proto.v1.ListOffsetsPartitionResponse;
import dev.skiff.proto.v1.ListOffsetsRequest;
import dev.skiff.proto.v1.ListOffsetsTopic;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionData;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.TopicProduceData;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Combined nodes 1..N on 127.0.0.1..N in this JVM (real Ratis quorum, real files, real gRPC), each
 * with a client channel, that tests stop and start by node id.
 */
final class TestCluster implements AutoCloseable {
    private final List<Map<String, String>> props = new ArrayList<>();
    private final Map<Integer, SkiffNode> running = new HashMap<>();
    private final Map<Integer, ManagedChannel> channels = new HashMap<>();
    private final int[] clientPorts;

    private TestCluster(int size) {
        this.clientPorts = new int[size];
    }

    /** Starts {@code size} combined nodes together; {@code extra} keys go to every node's properties. */
    static TestCluster start(int size, Path dir, Map<String, String> extra) throws Exception {
        return start(size, 0, dir, extra);
    }

    /**
     * Starts {@code voters} combined nodes (ids 1..voters) and {@code brokers} broker-only nodes
     * (the ids after them) together.
     */
    static TestCluster start(int voterCount, int brokers, Path dir, Map<String, String> extra) throws Exception {
        int size = voterCount + brokers;
        TestCluster c = new TestCluster(size);
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String host = host(i + 1);
            int[] ports = FreePorts.on(host, 2);
            c.clientPorts[i] = ports[0];
            int controllerPort = ports[1];
            Map<String, String> p = new HashMap<>();
            if (i < voterCount) {
                voters.append(i == 0 ? "" : ",")
                        .append(i + 1)
                        .append('@')
                        .append(host)
                        .append(':')
                        .append(controllerPort);
            } else {
                p.put("process.roles", "broker");
            }
            p.put("node.id", Integer.toString(i + 1));
            p.put(
                    "listeners",
                    "PLAINTEXT://" + host + ":" + c.clientPorts[i] + ",CONTROLLER://" + host + ":" + controllerPort);
            p.put("log.dirs", dir.resolve("node" + (i + 1)).toString());
            // Apart from the data, so a test can lose a broker's disk and keep its quorum state.
            p.put("metadata.log.dir", dir.resolve("meta" + (i + 1)).toString());
            p.put("broker.heartbeat.interval.ms", "300");
            p.put("broker.session.timeout.ms", "2000");
            p.putAll(extra);
            c.props.add(p);
        }
        List<CompletableFuture<SkiffNode>> starting = new ArrayList<>();
        for (Map<String, String> p : c.props) {
            p.put("controller.quorum.voters", voters.toString());
            starting.add(CompletableFuture.supplyAsync(() -> startNode(p)));
        }
        try {
            for (int i = 0; i < size; i++) {
                c.running.put(i + 1, starting.get(i).get(120, TimeUnit.SECONDS));
            }
            // Each node returns once it sees itself unfenced; on a loaded machine another may have
            // been fenced for a slow heartbeat meanwhile (and is unfenced again): wait until every
            // node sees every broker unfenced, so a test's first replication factor is honoured.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> c.running.values().stream()
                            .allMatch(n -> n.controllerClient()
                                            .image()
                                            .unfencedBrokers()
                                            .size()
                                    == size));
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    static String host(int nodeId) {
        return "127.0.0." + nodeId;
    }

    private static SkiffNode startNode(Map<String, String> p) {
        try {
            return SkiffNode.start(ServerConfig.parse(p, w -> {}), p, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return clientPorts.length;
    }

    Map<String, String> props(int nodeId) {
        return props.get(nodeId - 1);
    }

    SkiffNode node(int nodeId) {
        return running.get(nodeId);
    }

    /** Stops a node the way SIGTERM does (controlled shutdown first). */
    void stop(int nodeId) {
        ManagedChannel c = channels.remove(nodeId);
        if (c != null) {
            c.shutdownNow();
        }
        running.remove(nodeId).close();
    }

    /** The node's partition data directory (log.dirs). */
    Path dataDir(int nodeId) {
        return Path.of(props(nodeId).get("log.dirs"));
    }

    void restart(int nodeId) {
        running.put(nodeId, startNode(props(nodeId)));
    }

    ManagedChannel channel(int nodeId) {
        return channels.computeIfAbsent(
                nodeId, id -> NettyChannelBuilder.forAddress(new InetSocketAddress(host(id), clientPorts[id - 1]))
                        .usePlaintext()
                        .build());
    }

    /** A channel to some running node. */
    ManagedChannel anyChannel() {
        return channel(running.keySet().iterator().next());
    }

    CreatableTopicResult create(String name, int partitions, int rf, Map<String, String> configs) {
        CreatableTopic.Builder t = CreatableTopic.newBuilder()
                .setName(name)
                .setNumPartitions(partitions)
                .setReplicationFactor(rf)
                .putAllConfigs(configs);
        return AdminGrpc.newBlockingStub(anyChannel())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .createTopics(CreateTopicsRequest.newBuilder().addTopics(t).build())
                .getTopics(0);
    }

    MetadataResponse metadata(int nodeId, String topic) {
        return BrokerGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .metadata(MetadataRequest.newBuilder().addTopics(topic).build());
    }

    PartitionMetadata partition(String topic, int index) {
        return metadata(running.keySet().iterator().next(), topic).getTopics(0).getPartitions(index);
    }

    PartitionProduceResponse produce(int nodeId, String topic, int partition, int acks, String... values) {
        List<RecordData> records = new ArrayList<>();
        for (String v : values) {
            records.add(new RecordData(null, v.getBytes(StandardCharsets.UTF_8), 1));
        }
        ByteString batch =
                ByteString.copyFrom(KafkaRecordFormat.encode(0, Compression.NONE, TimestampType.CREATE_TIME, records));
        return BrokerGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .produce(ProduceRequest.newBuilder()
                        .setAcks(acks)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName(topic)
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(partition)
                                        .setRecords(batch)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    /** A consumer's fetch (replica id -1) from {@code offset}, answered at once (max_wait_ms 0). */
    PartitionData fetch(int nodeId, String topic, int partition, long offset) {
        return BrokerGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
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

    /** The values of the records in a fetch answer, in offset order. */
    static List<String> values(PartitionData fetched) {
        return KafkaRecordFormat.decode(fetched.getRecords().asReadOnlyByteBuffer()).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    /** ListOffsets of one partition at {@code timestamp} (-1 latest, -2 earliest). */
    ListOffsetsPartitionResponse listOffset(int nodeId, String topic, int partition, long timestamp) {
        return BrokerGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listOffsets(ListOffsetsRequest.newBuilder()
                        .addTopics(ListOffsetsTopic.newBuilder()
                                .setName(topic)
                                .addPartitions(ListOffsetsPartition.newBuilder()
                                        .setIndex(partition)
                                        .setTimestamp(timestamp)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }

    /**
     * Waits until partition 0 of {@code topic} has a leader other than {@code not} (-1: any) and
     * returns its metadata.
     */
    PartitionMetadata awaitLeader(String topic, int not) {
        return org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(
                        () -> {
                            try {
                                return partition(topic, 0);
                            } catch (RuntimeException e) {
                                return PartitionMetadata.getDefaultInstance();
                            }
                        },
                        p -> p.getLeader() > 0 && p.getLeader() != not);
    }

    /** The values in a node's local log of the partition, in offset order, read straight from the log. */
    List<String> localValues(int nodeId, String topic, int partition) throws IOException {
        Partition p = node(nodeId)
                .replicaManager()
                .partition(new TopicPartition(topic, partition))
                .orElseThrow();
        List<String> out = new ArrayList<>();
        var read = p.log()
                .read(p.log().logStartOffset(), Integer.MAX_VALUE, p.log().logEndOffset(), true);
        if (read.slice().isPresent()) {
            for (var r : KafkaRecordFormat.decode(read.slice().get().readAll())) {
                out.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
        running.values().forEach(SkiffNode::close);
        running.clear();
    }
}
