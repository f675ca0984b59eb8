package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.skiff.broker.config.ServerConfig;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreatableTopicResult;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.DescribeClusterRequest;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.TopicProduceData;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes on 127.0.0.1-3 in this JVM (real Ratis quorum, real files, real gRPC) form
 * one cluster without a format step: every node sees every broker, partitions of a topic are led by
 * different brokers, and each leader serves its partition.
 */
@Timeout(180)
class ClusterIntegrationTest {
    @TempDir
    Path tmp;

    private final List<SkiffNode> nodes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        nodes.forEach(SkiffNode::close);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /** Starts three combined nodes on 127.0.0.1-3 together and opens a client channel to each. */
    private List<Map<String, String>> startCluster() throws Exception {
        int[] clientPorts = new int[3];
        StringBuilder voters = new StringBuilder();
        List<Map<String, String>> props = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String host = "127.0.0." + (i + 1);
            clientPorts[i] = freePort(host);
            int controllerPort = freePort(host);
            voters.append(i == 0 ? "" : ",")
                    .append(i + 1)
                    .append('@')
                    .append(host)
                    .append(':')
                    .append(controllerPort);
            Map<String, String> p = new HashMap<>();
            p.put("node.id", Integer.toString(i + 1));
            p.put(
                    "listeners",
                    "PLAINTEXT://" + host + ":" + clientPorts[i] + ",CONTROLLER://" + host + ":" + controllerPort);
            p.put("log.dirs", tmp.resolve("node" + (i + 1)).toString());
            p.put("broker.heartbeat.interval.ms", "300");
            p.put("broker.session.timeout.ms", "2000");
            props.add(p);
        }
        List<CompletableFuture<SkiffNode>> starting = new ArrayList<>();
        for (Map<String, String> p : props) {
            p.put("controller.quorum.voters", voters.toString());
            ServerConfig config = ServerConfig.parse(p, w -> {});
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return SkiffNode.start(config, p, Clock.systemUTC());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<SkiffNode> f : starting) {
            nodes.add(f.get(120, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 3; i++) {
            channels.add(NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0." + (i + 1), clientPorts[i]))
                    .usePlaintext()
                    .build());
        }

        return props;
    }

    @Test
    void threeCombinedNodesFormOneClusterAndSpreadLeaders() throws Exception {
        List<Map<String, String>> props = startCluster();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (ManagedChannel c : channels) {
                assertEquals(
                        3,
                        AdminGrpc.newBlockingStub(c)
                                .describeCluster(DescribeClusterRequest.getDefaultInstance())
                                .getBrokersCount());
            }
        });

        assertEquals(ErrorCode.NONE, create(channels.get(1), "spread", 3, 1).getError());

        MetadataResponse md = metadata(channels.get(2));
        Set<Integer> leaders = new HashSet<>();
        for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
            leaders.add(p.getLeader());
        }
        assertEquals(Set.of(1, 2, 3), leaders, "three partitions, one per broker");

        for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
            ManagedChannel leader = channels.get(p.getLeader() - 1);
            ManagedChannel other = channels.get(p.getLeader() % 3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> produce(leader, p.getIndex()).getError() == ErrorCode.NONE);
            assertEquals(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    produce(other, p.getIndex()).getError());
        }
        for (ManagedChannel c : channels) {
            await().atMost(Duration.ofSeconds(30)).until(() -> metadata(c).equals(md));
        }

        // A broker that stops heartbeating is fenced: it leaves the broker list and its partition
        // (replication factor 1: it is the last ISR member) has no leader until it comes back.
        int stopped = 3;
        int partitionOf3 = md.getTopics(0).getPartitionsList().stream()
                .filter(p -> p.getLeader() == stopped)
                .findFirst()
                .orElseThrow()
                .getIndex();
        ServerConfig config3 = ServerConfig.parse(props.get(2), w -> {});
        channels.get(2).shutdownNow();
        nodes.remove(2).close();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MetadataResponse now = metadata(channels.get(0));
            assertEquals(2, now.getBrokersCount());
            assertEquals(-1, now.getTopics(0).getPartitions(partitionOf3).getLeader());
        });
        nodes.add(SkiffNode.start(config3, props.get(2), Clock.systemUTC()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MetadataResponse now = metadata(channels.get(0));
            assertEquals(3, now.getBrokersCount());
            assertEquals(stopped, now.getTopics(0).getPartitions(partitionOf3).getLeader());
        });
    }

    private static CreatableTopicResult create(ManagedChannel c, String name, int partitions, int rf) {
        return AdminGrpc.newBlockingStub(c)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .createTopics(CreateTopicsRequest.newBuilder()
                        .addTopics(CreatableTopic.newBuilder()
                                .setName(name)
                                .setNumPartitions(partitions)
                                .setReplicationFactor(rf))
                        .build())
                .getTopics(0);
    }

    private static MetadataResponse metadata(ManagedChannel c) {
        return BrokerGrpc.newBlockingStub(c)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .metadata(MetadataRequest.newBuilder().addTopics("spread").build());
    }

    private static PartitionProduceResponse produce(ManagedChannel c, int partition) {
        ByteString records = ByteString.copyFrom(KafkaRecordFormat.encode(
                0,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                List.of(new RecordData(null, ("to " + partition).getBytes(StandardCharsets.UTF_8), 1))));
        return BrokerGrpc.newBlockingStub(c)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .produce(ProduceRequest.newBuilder()
                        .setAcks(1)
                        .addTopics(TopicProduceData.newBuilder()
                                .setName("spread")
                                .addPartitions(PartitionProduceData.newBuilder()
                                        .setIndex(partition)
                                        .setRecords(records)))
                        .build())
                .getTopics(0)
                .getPartitions(0);
    }
}
