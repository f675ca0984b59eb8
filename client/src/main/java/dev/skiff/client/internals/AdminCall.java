package dev.skiff.client.internals;

import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import dev.skiff.client.KeyedResult;
import dev.skiff.client.TimeoutException;
import io.grpc.Status;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One admin operation over several keys (topics, resources), retried until each key has an outcome
 * or {@code default.api.timeout.ms} passes. Attempts rotate over the bootstrap addresses. A request
 * that got no answer is retried (for a mutating call only if the connection failed, since a timed
 * out one may have been applied); keys whose answer is retriable are retried alone. Steps run one
 * after another (each from the previous one's completion), never concurrently.
 */
public final class AdminCall<K, V, R> {
    /** What an answer says about one key. */
    public sealed interface Outcome<V> {
        record Done<V>(V value) implements Outcome<V> {}

        record Failed<V>(RuntimeException error) implements Outcome<V> {}

        record Retry<V>(String reason) implements Outcome<V> {}
    }

    /** Sends the request for {@code keys} to {@code node}. */
    public interface Sender<K, R> {
        CompletableFuture<R> send(HostPort node, Set<K> keys, long timeoutMs);
    }

    /** Reads each key's outcome from an answer. */
    public interface Parser<K, V, R> {
        Map<K, Outcome<V>> parse(R response, Set<K> keys);
    }

    /** Shared machinery of an Admin client. */
    public record Context(
            Channels channels,
            List<HostPort> nodes,
            Clock clock,
            ScheduledExecutorService timers,
            Backoff backoff,
            int requestTimeoutMs,
            long defaultApiTimeoutMs,
            long connectionSetupTimeoutMs) {}

    private final String what;
    private final Context ctx;
    private final Sender<K, R> sender;
    private final Parser<K, V, R> parser;
    private final boolean idempotent;
    private final long deadlineMs;
    private final Map<K, CompletableFuture<V>> futures = new LinkedHashMap<>();
    private final Set<K> pending = new LinkedHashSet<>();
    private int attempts;
    private String lastReason;

    private AdminCall(
            String what, Context ctx, Set<K> keys, Sender<K, R> sender, Parser<K, V, R> parser, boolean idempotent) {
        this.what = what;
        this.ctx = ctx;
        this.sender = sender;
        this.parser = parser;
        this.idempotent = idempotent;
        this.deadlineMs = ctx.clock().millis() + ctx.defaultApiTimeoutMs();
        for (K k : keys) {
            futures.put(k, new CompletableFuture<>());
            pending.add(k);
        }
    }

    /** Starts the operation; its futures complete later, on gRPC or timer threads. */
    public static <K, V, R> KeyedResult<K, V> run(
            String what, Context ctx, Set<K> keys, Sender<K, R> sender, Parser<K, V, R> parser, boolean idempotent) {
        AdminCall<K, V, R> call = new AdminCall<>(what, ctx, keys, sender, parser, idempotent);
        KeyedResult<K, V> result = new KeyedResult<>(call.futures);
        if (!keys.isEmpty()) {
            call.attempt();
        }
        return result;
    }

    private void attempt() {
        long now = ctx.clock().millis();
        if (now >= deadlineMs) {
            failPending(timeout());
            return;
        }
        HostPort node = ctx.nodes().get(Math.floorMod(attempts, ctx.nodes().size()));
        long timeoutMs = Math.min(ctx.requestTimeoutMs(), deadlineMs - now);
        CompletableFuture<R> answer;
        try {
            answer = sender.send(node, Set.copyOf(pending), timeoutMs);
        } catch (RuntimeException e) {
            failPending(e);
            return;
        }
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                onFailure(failure);
            } else {
                onAnswer(response);
            }
        });
    }

    private void onFailure(Throwable failure) {
        boolean connectionFailed = Rpc.statusCode(failure) == Status.Code.UNAVAILABLE;
        if (connectionFailed || (idempotent && Rpc.isNoAnswer(failure))) {
            lastReason = Rpc.describe(failure);
            retryLater();
        } else {
            failPending(Rpc.toException(failure, what));
        }
    }

    private void onAnswer(R response) {
        Map<K, Outcome<V>> outcomes;
        try {
            outcomes = parser.parse(response, Set.copyOf(pending));
        } catch (RuntimeException e) {
            failPending(e);
            return;
        }
        for (K key : Set.copyOf(pending)) {
            Outcome<V> o = outcomes.get(key);
            if (o == null) {
                o = new Outcome.Failed<>(new ApiException(
                        Errors.UNKNOWN_SERVER_ERROR, "The broker's answer to " + what + " did not mention " + key));
            }
            if (o instanceof Outcome.Done<V> done) {
                pending.remove(key);
                futures.get(key).complete(done.value());
            } else if (o instanceof Outcome.Failed<V> failed) {
                pending.remove(key);
                futures.get(key).completeExceptionally(failed.error());
            } else if (o instanceof Outcome.Retry<V> retry) {
                lastReason = retry.reason();
            }
        }
        if (!pending.isEmpty()) {
            retryLater();
        }
    }

    private void retryLater() {
        attempts++;
        if (ctx.channels().neverAnsweredFor(ctx.connectionSetupTimeoutMs())) {
            failPending(ctx.channels().unreachable(ctx.nodes()));
            return;
        }
        long waitMs = ctx.backoff().backoffMs(attempts);
        if (ctx.clock().millis() + waitMs >= deadlineMs) {
            failPending(timeout());
            return;
        }
        try {
            ctx.timers().schedule(this::attempt, waitMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            failPending(new IllegalStateException("the admin client is closed"));
        }
    }

    private RuntimeException timeout() {
        if (!ctx.channels().everAnswered()) {
            return ctx.channels().unreachable(ctx.nodes());
        }
        return new TimeoutException("Timed out waiting for " + what + " after " + ctx.defaultApiTimeoutMs() + " ms"
                + (lastReason == null ? "" : " (last error: " + lastReason + ")"));
    }

    private void failPending(RuntimeException e) {
        for (K key : pending) {
            futures.get(key).completeExceptionally(e);
        }
        pending.clear();
    }
}
