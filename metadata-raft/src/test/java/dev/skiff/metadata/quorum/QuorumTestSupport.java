package dev.skiff.metadata.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.skiff.metadata.ConfigValidator;
import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.ControllerSettings;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.Endpoint;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.MetadataRecords;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.Uuid;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Quorums on loopback for tests: free ports, configs, and batches decided on the current image. */
final class QuorumTestSupport {
    static final Duration WAIT = Duration.ofSeconds(20);

    private QuorumTestSupport() {}

    /** A port free on {@code host} right now (another process may still take it; rare enough). */
    static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    /** Voters 1..count on 127.0.0.1..127.0.0.count, each on a free port. */
    static List<QuorumVoter> voters(int count) throws IOException {
        List<QuorumVoter> voters = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            String host = "127.0.0." + id;
            voters.add(new QuorumVoter(id, host, freePort(host)));
        }
        return voters;
    }

    static QuorumConfig config(int nodeId, List<QuorumVoter> voters, Path dir) {
        return QuorumConfig.of(nodeId, voters, dir.resolve("node-" + nodeId), "test-cluster");
    }

    /** Broker-only node {@code nodeId} on 127.0.0.{nodeId}, at {@code port} (0: any free port). */
    static QuorumConfig listenerConfig(int nodeId, List<QuorumVoter> voters, Path dir, int port) {
        return QuorumConfig.listener(
                nodeId,
                voters,
                new InetSocketAddress("127.0.0." + nodeId, port),
                dir.resolve("node-" + nodeId),
                "test-cluster");
    }

    /** Waits until exactly one of {@code voters} is the ready leader and all of {@code all} name it. */
    static MetadataQuorum awaitOneLeader(List<MetadataQuorum> voters, List<MetadataQuorum> all) {
        await().atMost(WAIT).until(() -> {
            List<MetadataQuorum> leaders =
                    voters.stream().filter(MetadataQuorum::isLeader).toList();
            return leaders.size() == 1
                    && all.stream().allMatch(q -> q.leaderId()
                            .equals(OptionalInt.of(leaders.get(0).nodeId())));
        });
        return voters.stream().filter(MetadataQuorum::isLeader).findFirst().orElseThrow();
    }

    static void awaitConverged(List<MetadataQuorum> running, MetadataImage expected) {
        await().atMost(WAIT)
                .until(() -> running.stream().allMatch(q -> q.image().equals(expected)));
    }

    static SubmitResult submit(MetadataQuorum quorum, MetadataBatch batch) throws Exception {
        return quorum.submit(batch).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static SubmitResult.Committed commit(MetadataQuorum quorum, MetadataBatch batch) throws Exception {
        SubmitResult result = submit(quorum, batch);
        return assertInstanceOf(SubmitResult.Committed.class, result, () -> "not committed: " + result);
    }

    /** Sets the cluster id and registers and unfences brokers 1..count, one batch each. */
    static void bootstrap(MetadataQuorum quorum, int brokers) throws Exception {
        commit(quorum, MetadataRecords.batch(MetadataRecords.clusterId("test-cluster")));
        for (int id = 1; id <= brokers; id++) {
            Uuid incarnation = new Uuid(77, id);
            commit(
                    quorum,
                    MetadataRecords.batch(
                            MetadataRecords.registerBroker(
                                    id,
                                    incarnation,
                                    List.of(new Endpoint("PLAINTEXT", "127.0.0." + id, 9092)),
                                    Optional.empty()),
                            MetadataRecords.unfenceBroker(id, incarnation)));
        }
    }

    /** Decides a topic creation on the image and commits it. */
    static SubmitResult.Committed createTopic(MetadataQuorum quorum, MetadataImage image, NewTopic topic, long seed)
            throws Exception {
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        Decision<?> decision = decisions.createTopic(image, topic);
        Decision.Accepted<?> accepted = assertInstanceOf(Decision.Accepted.class, decision, decision::toString);
        return commit(quorum, accepted.batch());
    }
}
