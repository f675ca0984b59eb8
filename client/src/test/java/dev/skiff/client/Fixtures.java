package dev.skiff.client;

import dev.skiff.client.testing.FakeCluster;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Small helpers shared by the client tests. */
final class Fixtures {
    private Fixtures() {}

    static ClientEnvironment env(FakeCluster cluster) {
        return ClientEnvironment.system()
                .withChannelFactory(cluster.channelFactory())
                .withRandom(new java.util.SplittableRandom(42));
    }

    /** Properties with fast retries, bootstrap to the fake cluster, and {@code kv} on top. */
    static Map<String, String> props(FakeCluster cluster, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", cluster.bootstrap());
        m.put("retry.backoff.ms", "10");
        m.put("retry.backoff.max.ms", "50");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
