package dev.skiff.broker.node;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test on a {@link TestCluster} of real nodes: each test starts its own in {@link #tmp} and the
 * cluster is closed after it, whether the test passed or not.
 */
abstract class ClusterTest {
    /** How long a test waits for a condition on the cluster before failing. */
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    TestCluster cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
