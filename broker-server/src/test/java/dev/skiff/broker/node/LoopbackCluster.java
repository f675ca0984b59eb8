package dev.skiff.broker.node;

import dev.skiff.broker.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Combined nodes 1..n on 127.0.0.1..n in this JVM (real Ratis quorum, real files, real gRPC) on
 * free ports, with a client channel to each. Nodes can be stopped and started again with the same
 * config and data.
 */
final class LoopbackCluster implements AutoCloseable {
    private final List<Map<String, String>> props = new ArrayList<>();
    private final SkiffNode[] nodes;
    private final ManagedChannel[] channels;
    private final int[] clientPorts;

    private LoopbackCluster(int size) {
        nodes = new SkiffNode[size];
        channels = new ManagedChannel[size];
        clientPorts = new int[size];
    }

    /** Starts every node together; {@code extra} props go to each node. */
    static LoopbackCluster start(int size, Path dataDir, Map<String, String> extra) throws Exception {
        LoopbackCluster cluster = new LoopbackCluster(size);
        try {
            cluster.startAll(dataDir, extra);
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(Path dataDir, Map<String, String> extra) throws Exception {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < nodes.length; i++) {
            String host = host(i + 1);
            clientPorts[i] = freePort(host);
            int controllerPort = freePort(host);
            voters.append(i == 0 ? "" : ",")
                    .append(i + 1)
                    .append('@')
                    .append(host)
                    .append(':')
                    .append(controllerPort);
            Map<String, String> p = new HashMap<>(extra);
            p.put("node.id", Integer.toString(i + 1));
            p.put(
                    "listeners",
                    "PLAINTEXT://" + host + ":" + clientPorts[i] + ",CONTROLLER://" + host + ":" + controllerPort);
            p.put("log.dirs", dataDir.resolve("node" + (i + 1)).toString());
            props.add(p);
        }
        List<CompletableFuture<SkiffNode>> starting = new ArrayList<>();
        for (Map<String, String> p : props) {
            p.put("controller.quorum.voters", voters.toString());
            starting.add(CompletableFuture.supplyAsync(() -> startNode(p)));
        }
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = starting.get(i).get(120, TimeUnit.SECONDS);
            channels[i] = NettyChannelBuilder.forAddress(new InetSocketAddress(host(i + 1), clientPorts[i]))
                    .usePlaintext()
                    .build();
        }
    }

    private static SkiffNode startNode(Map<String, String> p) {
        try {
            return SkiffNode.start(ServerConfig.parse(p, w -> {}), p, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String host(int nodeId) {
        return "127.0.0." + nodeId;
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    int size() {
        return nodes.length;
    }

    /** Node {@code nodeId}'s client listener, {@code host:port}. */
    String address(int nodeId) {
        return host(nodeId) + ":" + clientPorts[nodeId - 1];
    }

    /** A client channel to node {@code nodeId}'s client listener. */
    ManagedChannel channel(int nodeId) {
        return channels[nodeId - 1];
    }

    SkiffNode node(int nodeId) {
        return nodes[nodeId - 1];
    }

    /** Stops a node: it stops heartbeating and serving (its channel fails until it starts again). */
    void stop(int nodeId) {
        nodes[nodeId - 1].close();
    }

    /** Starts a stopped node again with its config and data: a new incarnation of the broker. */
    void restart(int nodeId) {
        nodes[nodeId - 1] = startNode(props.get(nodeId - 1));
    }

    /**
     * A private part of a running node (its controller client or decisions), for what tests must do
     * that no RPC offers yet.
     */
    <T> T internal(int nodeId, String field, Class<T> type) throws ReflectiveOperationException {
        Field f = SkiffNode.class.getDeclaredField(field);
        f.setAccessible(true);
        return type.cast(f.get(node(nodeId)));
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            if (c != null) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        for (SkiffNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }
}
