package dev.skiff.client.internals;

import dev.skiff.client.SkiffException;
import dev.skiff.client.TimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Blocking waits on futures with a deadline, and timers from the client's scheduler (never a sleep). */
public final class Waits {
    private Waits() {}

    /** A future completed after {@code delayMs} on {@code scheduler}'s thread. */
    public static CompletableFuture<Void> delay(ScheduledExecutorService scheduler, long delayMs) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (delayMs <= 0) {
            f.complete(null);
            return f;
        }
        scheduler.schedule(() -> f.complete(null), delayMs, TimeUnit.MILLISECONDS);
        return f;
    }

    /**
     * Waits up to {@code timeoutMs} for {@code future}.
     *
     * @return true if it completed (normally or not), false on timeout
     */
    public static boolean await(CompletableFuture<?> future, long timeoutMs) {
        try {
            future.get(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("Interrupted while waiting", e);
        }
    }

    /** The value of {@code future}, waiting up to {@code timeoutMs}; its failure is rethrown as a client exception. */
    public static <T> T get(CompletableFuture<T> future, long timeoutMs, String what) {
        if (!await(future, timeoutMs)) {
            throw new TimeoutException("Timed out after " + timeoutMs + " ms waiting for " + what);
        }
        try {
            return future.join();
        } catch (RuntimeException e) {
            throw Rpc.toException(e, what);
        }
    }
}
