package dev.skiff.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Blocking on the client's futures, with their failure rethrown as raised rather than wrapped. */
public final class Futures {
    private Futures() {}

    /**
     * Waits for {@code future}.
     *
     * @throws SkiffException the failure, unwrapped from {@link CompletionException}
     */
    public static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("Interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new SkiffException(String.valueOf(cause), cause);
        }
    }
}
