package dev.skiff.client.internals;

import java.util.concurrent.CompletableFuture;

/** How a blocking consumer call waits: until the future completes, the time, or a wakeup (which throws). */
@FunctionalInterface
public interface BlockingWait {
    /** @throws dev.skiff.client.WakeupException if the consumer was woken up */
    void await(CompletableFuture<?> future, long untilMs);
}
