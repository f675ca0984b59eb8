package dev.skiff.jepsen;

import static org.awaitility.Awaitility.await;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import dev.skiff.client.NewTopic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Topic set-up shared by the cluster tests. */
final class Topics {
    private Topics() {}

    /**
     * Creates {@code topic}, retrying while the controller counts fewer unfenced brokers than its
     * replication factor: a node just started or restarted is ready, but on a starved CPU a missed
     * session can fence it for a moment (it asks to be unfenced at its next heartbeat). Any other
     * refusal fails at once.
     */
    static void createReplicated(Admin admin, NewTopic topic, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApiException api && api.error() == Errors.INVALID_REPLICATION_FACTOR) {
                    return false;
                }
                throw e;
            }
        });
    }
}
