package dev.skiff.broker.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.broker.config.ServerConfig;
import dev.skiff.broker.storage.MetaProperties;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.ErrorCode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node pointed at a data directory of another cluster (its {@code meta.properties} says so) exits
 * 1 naming both cluster ids, and leaves that directory exactly as it was (README, "Running a node").
 */
@Timeout(120)
class ForeignClusterDataDirTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ServerMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Runs a real single-node cluster on {@code data} and {@code meta} once, with a topic; returns its id. */
    private static String runClusterOnce(Path data, Path meta) throws IOException, InterruptedException {
        Map<String, String> props = Map.of(
                "listeners",
                FreePorts.listeners(),
                "log.dirs",
                data.toString(),
                "metadata.log.dir",
                meta.toString(),
                // A node alone fences itself if a loaded machine delays its heartbeats past the session.
                "broker.session.timeout.ms",
                "15000");
        ServerConfig config = ServerConfig.parse(props, w -> {});
        try (SkiffNode node = SkiffNode.start(config, props, Clock.systemUTC())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(
                            "127.0.0.1", config.clientListener().port()))
                    .usePlaintext()
                    .build();
            try {
                var created = AdminGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createTopics(CreateTopicsRequest.newBuilder()
                                .addTopics(CreatableTopic.newBuilder()
                                        .setName("theirs")
                                        .setNumPartitions(1)
                                        .setReplicationFactor(1))
                                .build())
                        .getTopics(0);
                assertEquals(ErrorCode.NONE, created.getError(), created.getErrorMessage());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        return MetaProperties.readIfPresent(data).orElseThrow().clusterId();
    }

    /** Every file under {@code dir} (relative path → bytes), and every directory (→ empty). */
    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                all.put(dir.relativize(p).toString(), Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return all;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Map<String, byte[]> after, Path dir) {
        assertEquals(before.keySet(), after.keySet(), "files of " + dir);
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), "bytes of " + dir + "/" + name));
    }

    @Test
    void dataDirOfAnotherClusterIsRefusedNamingBothClusterIdsAndLeftUntouched() throws Exception {
        Path oursData = tmp.resolve("ours-data");
        Path oursMeta = tmp.resolve("ours-meta");
        Path theirsData = tmp.resolve("theirs-data");
        String ours = runClusterOnce(oursData, oursMeta);
        String theirs = runClusterOnce(theirsData, tmp.resolve("theirs-meta"));
        assertFalse(ours.equals(theirs), "two clusters, two ids");
        assertTrue(Files.isDirectory(theirsData.resolve("theirs-0")), "the foreign directory holds a partition");
        Map<String, byte[]> theirsBefore = contents(theirsData);
        Map<String, byte[]> oursMetaBefore = contents(oursMeta);

        // Our node (its quorum state in ours-meta) is pointed at the other cluster's data. The
        // first log dir takes the node's own log file, so the foreign one is second.
        Path logFileDir = tmp.resolve("node-log");
        int code = run(
                "--override",
                "log.dirs=" + logFileDir + "," + theirsData,
                "--override",
                "metadata.log.dir=" + oursMeta,
                "--override",
                "listeners=" + FreePorts.listeners());

        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, message);
        assertTrue(message.contains(ours) && message.contains(theirs), "names both cluster ids: " + message);
        assertUnchanged(theirsBefore, contents(theirsData), theirsData);
        assertUnchanged(oursMetaBefore, contents(oursMeta), oursMeta);
        assertFalse(Files.exists(logFileDir.resolve(MetaProperties.FILE_NAME)), "no identity written anywhere");
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no ready line");
    }

    @Test
    void soleDataDirOfAnotherClusterGetsNothingButTheNodeLogFile() throws Exception {
        Path oursMeta = tmp.resolve("ours-meta");
        Path theirsData = tmp.resolve("theirs-data");
        String ours = runClusterOnce(tmp.resolve("ours-data"), oursMeta);
        String theirs = runClusterOnce(theirsData, tmp.resolve("theirs-meta"));
        Map<String, byte[]> before = contents(theirsData);

        int code = run(
                "--override",
                "log.dirs=" + theirsData,
                "--override",
                "metadata.log.dir=" + oursMeta,
                "--override",
                "listeners=" + FreePorts.listeners());

        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, message);
        assertTrue(message.contains(ours) && message.contains(theirs), "names both cluster ids: " + message);
        Map<String, byte[]> after = contents(theirsData);
        // README: the node logs to <first log.dirs>/skiff-server.log, even when it then refuses to start.
        after.remove("skiff-server.log");
        before.remove("skiff-server.log");
        assertUnchanged(before, after, theirsData);
    }
}
