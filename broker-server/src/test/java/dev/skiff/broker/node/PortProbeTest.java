package dev.skiff.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class PortProbeTest {
    @Test
    void aPortNothingListensOnIsReportedRefusedOnceAndAListeningOneNever() throws Exception {
        int closedPort = FreePorts.on("127.0.0.1", 1)[0];
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                PortProbe probe = new PortProbe(10_000)) {
            Set<Integer> refused = new HashSet<>();
            probe.probe(1, "127.0.0.1", closedPort, 0);
            probe.probe(2, "127.0.0.1", listening.getLocalPort(), 0);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                refused.addAll(probe.takeRefused());
                return refused.contains(1);
            });
            // The listening port's connect was started with the refused one: by now it is done too.
            listening.accept().close();
            refused.addAll(probe.takeRefused());
            assertEquals(Set.of(1), refused);
            assertTrue(probe.takeRefused().isEmpty(), "a refusal is reported once");
        }
    }
}
