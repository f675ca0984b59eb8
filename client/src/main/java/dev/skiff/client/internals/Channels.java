package dev.skiff.client.internals;

import dev.skiff.client.ChannelFactory;
import dev.skiff.client.ClusterUnreachableException;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per broker address, and what the client has learned about reaching the cluster:
 * whether any broker ever answered, and since when every call has failed without an answer. Safe
 * for use from any thread.
 */
public final class Channels implements AutoCloseable {
    private final ChannelFactory factory;
    private final Clock clock;
    private final Map<HostPort, ManagedChannel> channels = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    // Guarded by lock.
    private boolean everAnswered;
    private long noAnswerSinceMs = -1;
    private Throwable lastNoAnswer;
    private boolean closed;

    public Channels(ChannelFactory factory, Clock clock) {
        this.factory = factory;
        this.clock = clock;
    }

    /** Calls {@code method} on the broker at {@code address}, recording whether it answered. */
    public <Q, R> CompletableFuture<R> call(
            HostPort address, MethodDescriptor<Q, R> method, Q request, long timeoutMs) {
        ManagedChannel channel;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
            }
            channel = channels.computeIfAbsent(address, a -> factory.create(a.host(), a.port()));
        }
        return Rpc.call(channel, method, request, timeoutMs).whenComplete((r, t) -> record(address, t));
    }

    /**
     * Opens a bidirectional stream of {@code method} to the broker at {@code address}, without a
     * deadline (the caller times its own requests out). Each answer counts as the broker
     * answering; a failure other than the caller's own cancel counts as in {@link #call}.
     *
     * @throws IllegalStateException if the client is closed
     */
    public <Q, R> ClientCallStreamObserver<Q> stream(
            HostPort address, MethodDescriptor<Q, R> method, StreamObserver<R> responses) {
        ManagedChannel channel;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            channel = channels.computeIfAbsent(address, a -> factory.create(a.host(), a.port()));
        }
        return (ClientCallStreamObserver<Q>) ClientCalls.asyncBidiStreamingCall(
                channel.newCall(method, CallOptions.DEFAULT), new StreamObserver<R>() {
                    @Override
                    public void onNext(R value) {
                        record(address, null);
                        responses.onNext(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (Rpc.statusCode(t) != Status.Code.CANCELLED) {
                            record(address, t);
                        }
                        responses.onError(t);
                    }

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                });
    }

    /** Records the outcome of a call to {@code address}: {@code failure} null means it answered. */
    void record(HostPort address, Throwable failure) {
        boolean noAnswer = failure != null && Rpc.isNoAnswer(failure);
        synchronized (lock) {
            if (!noAnswer) {
                everAnswered = true;
                noAnswerSinceMs = -1;
                return;
            }
            lastNoAnswer = failure;
            if (noAnswerSinceMs < 0) {
                noAnswerSinceMs = clock.millis();
            }
        }
        ManagedChannel channel = channels.get(address);
        if (channel != null) {
            // The next attempt should dial now, not after gRPC's own reconnect backoff (up to 2 min).
            channel.resetConnectBackoff();
        }
    }

    /** True if no broker has ever answered and every call for {@code setupTimeoutMs} has failed without an answer. */
    public boolean neverAnsweredFor(long setupTimeoutMs) {
        synchronized (lock) {
            return !everAnswered && noAnswerSinceMs >= 0 && clock.millis() - noAnswerSinceMs >= setupTimeoutMs;
        }
    }

    public boolean everAnswered() {
        synchronized (lock) {
            return everAnswered;
        }
    }

    /** The exception for "nobody answered", naming {@code tried} and the last transport error. */
    public ClusterUnreachableException unreachable(List<HostPort> tried) {
        Throwable last;
        synchronized (lock) {
            last = lastNoAnswer;
        }
        return new ClusterUnreachableException(HostPort.join(tried), last == null ? null : Rpc.describe(last), last);
    }

    /** Closes every channel at once, cancelling calls in flight. */
    public void closeNow() {
        List<ManagedChannel> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(channels.values());
            channels.clear();
        }
        all.forEach(ManagedChannel::shutdownNow);
    }

    /** Closes every channel, letting calls in flight finish for up to 2 s. */
    @Override
    public void close() {
        List<ManagedChannel> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(channels.values());
            channels.clear();
        }
        for (ManagedChannel c : all) {
            c.shutdown();
        }
        for (ManagedChannel c : all) {
            try {
                if (!c.awaitTermination(2, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                c.shutdownNow();
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
