package dev.skiff.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.broker.config.ServerConfig;
import dev.skiff.metadata.BrokerRegistration;
import dev.skiff.metadata.Endpoint;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.Uuid;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The active controller fences a silent broker whose client port refuses connections (its process
 * is gone) long before its session times out, and leaves alone a silent broker whose port accepts
 * (paused or slow). The session here is 60 s and the test's wait 30 s, so only the probe can fence.
 */
@Timeout(120)
class ProbeFencingIntegrationTest extends ClusterTest {
    @Test
    void aSilentBrokerWhosePortRefusesIsFencedBeforeItsSessionEndsAndOneWhosePortAcceptsIsNot() throws Exception {
        cluster = TestCluster.start(1, tmp, Map.of("broker.session.timeout.ms", "60000"));
        SkiffNode node = cluster.node(1);
        int gonePort = FreePorts.on("127.0.0.1", 1)[0];
        try (ServerSocket paused = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"))) {
            register(node, 7, gonePort);
            register(node, 8, paused.getLocalPort());
            await().atMost(WAIT).until(() -> fenced(node.controllerClient().image(), 7));
            assertFalse(fenced(node.controllerClient().image(), 8), "a port that accepts proves the broker may live");
        }
    }

    private static void register(SkiffNode node, int id, int port) {
        Uuid incarnation = Uuid.random(new SecureRandom());
        List<Endpoint> endpoints = List.of(new Endpoint(ServerConfig.CLIENT_LISTENER, "127.0.0.1", port));
        assertTrue(node.controllerClient()
                .run(
                        image -> node.decisions().registerBroker(image, id, incarnation, endpoints, Optional.empty()),
                        WAIT)
                .isAccepted());
        assertTrue(node.controllerClient()
                .run(image -> node.decisions().unfenceBroker(image, id, incarnation), WAIT)
                .isAccepted());
    }

    private static boolean fenced(MetadataImage image, int id) {
        return image.broker(id).map(BrokerRegistration::fenced).orElse(true);
    }
}
