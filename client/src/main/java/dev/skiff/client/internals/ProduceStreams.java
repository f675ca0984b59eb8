package dev.skiff.client.internals;

import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.ProduceStreamRequest;
import dev.skiff.proto.v1.ProduceStreamResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's ordered produce path (DESIGN §7): one long-lived ProduceStream per broker. The
 * broker appends a stream's requests in the order sent and answers them in that order; each
 * answer must carry the correlation id of the oldest unanswered request.
 *
 * <p>Owned by the producer's network thread: every method runs on it, and the streams' gRPC
 * callbacks are handed to it through {@code networkThread}.
 *
 * <p>A stream breaks when gRPC fails it (the broker died: UNAVAILABLE), when the broker ends it with
 * requests unanswered, when an answer is not for the oldest request, or when a request is
 * unanswered past its deadline (as a Kafka client closes a connection on a request timeout).
 * Breaking fails every request still unanswered on it, in send order, with one failure; the next
 * request to that broker opens a new stream.
 *
 * @param <C> what the caller attaches to a request and gets back with its outcome
 */
final class ProduceStreams<C> {
    private static final Logger log = LoggerFactory.getLogger(ProduceStreams.class);

    /** Unanswered requests one stream may carry: the broker's limit (broker.proto, ProduceStream). */
    static final int PENDING_MAX = 1024;

    /** Outcomes of requests, called on the network thread in each stream's send order. */
    interface Handler<C> {
        void answered(C context, ProduceResponse response);

        /** The request's stream broke before its answer came: it may or may not have been written. */
        void failed(C context, Throwable failure);
    }

    private record Pending<C>(long correlationId, C context, long sentMs, long deadlineMs) {}

    /** One stream. Its fields are the network thread's; gRPC's callbacks only hand over. */
    private final class Stream implements StreamObserver<ProduceStreamResponse> {
        final HostPort address;
        final ArrayDeque<Pending<C>> pending = new ArrayDeque<>();
        ClientCallStreamObserver<ProduceStreamRequest> requests;
        boolean ended;

        Stream(HostPort address) {
            this.address = address;
        }

        @Override
        public void onNext(ProduceStreamResponse response) {
            handOver(() -> answer(this, response));
        }

        @Override
        public void onError(Throwable t) {
            handOver(() -> breakStream(this, t));
        }

        @Override
        public void onCompleted() {
            handOver(() -> endedByBroker(this));
        }
    }

    private final Channels channels;
    private final Executor networkThread;
    private final Handler<C> handler;
    private final Map<HostPort, Stream> streams = new HashMap<>();
    private long nextCorrelationId;

    /** {@code networkThread} runs the streams' events (and may refuse them once the producer is closed). */
    ProduceStreams(Channels channels, Executor networkThread, Handler<C> handler) {
        this.channels = channels;
        this.networkThread = networkThread;
        this.handler = handler;
    }

    private void handOver(Runnable event) {
        try {
            networkThread.execute(event);
        } catch (RejectedExecutionException e) {
            // The producer is closed: what was in flight was failed by its close.
            log.debug("a produce stream event after the producer closed is dropped");
        }
    }

    /** Whether the stream to {@code address} can take another request now. */
    boolean hasRoom(HostPort address) {
        Stream s = streams.get(address);
        return s == null || s.pending.size() < PENDING_MAX;
    }

    /** Sends {@code request} on the stream to {@code address}, opening one if needed; its outcome goes to the handler. */
    void send(HostPort address, ProduceRequest request, C context, long nowMs, long deadlineMs) {
        Stream s = streams.get(address);
        if (s == null) {
            s = new Stream(address);
            try {
                s.requests = channels.stream(address, BrokerGrpc.getProduceStreamMethod(), s);
            } catch (IllegalStateException closed) {
                handOver(() -> handler.failed(context, closed));
                return;
            }
            streams.put(address, s);
        }
        long id = nextCorrelationId++;
        s.pending.addLast(new Pending<>(id, context, nowMs, deadlineMs));
        try {
            s.requests.onNext(ProduceStreamRequest.newBuilder()
                    .setCorrelationId(id)
                    .setRequest(request)
                    .build());
        } catch (IllegalStateException cancelled) {
            // The call was cancelled under us (its failure event is on its way to this thread):
            // break the stream from the queue, so the request fails with the others, in order.
            Stream broken = s;
            RuntimeException failure = Status.UNAVAILABLE
                    .withDescription("the produce stream to " + address + " was cancelled: " + cancelled.getMessage())
                    .asRuntimeException();
            handOver(() -> breakStream(broken, failure));
        }
    }

    private void answer(Stream s, ProduceStreamResponse response) {
        if (s.ended) {
            return;
        }
        Pending<C> oldest = s.pending.peekFirst();
        if (oldest == null || oldest.correlationId() != response.getCorrelationId()) {
            breakStream(
                    s,
                    Status.UNAVAILABLE
                            .withDescription("the produce stream to " + s.address + " answered correlation id "
                                    + response.getCorrelationId() + " while the oldest unanswered request is "
                                    + (oldest == null ? "none" : Long.toString(oldest.correlationId())))
                            .asRuntimeException());
            return;
        }
        s.pending.pollFirst();
        handler.answered(oldest.context(), response.getResponse());
    }

    private void endedByBroker(Stream s) {
        if (s.ended) {
            return;
        }
        if (s.pending.isEmpty()) {
            s.ended = true;
            streams.remove(s.address, s);
            return;
        }
        breakStream(
                s,
                Status.UNAVAILABLE
                        .withDescription("the broker at " + s.address + " ended its produce stream with "
                                + s.pending.size() + " request(s) unanswered")
                        .asRuntimeException());
    }

    private void breakStream(Stream s, Throwable failure) {
        if (s.ended) {
            return;
        }
        s.ended = true;
        streams.remove(s.address, s);
        cancelQuietly(s, "the produce stream is abandoned: " + Rpc.describe(failure));
        List<Pending<C>> lost = new ArrayList<>(s.pending);
        s.pending.clear();
        if (!lost.isEmpty()) {
            log.info(
                    "The produce stream to {} broke with {} request(s) unanswered; they will be retried: {}",
                    s.address,
                    lost.size(),
                    Rpc.describe(failure));
        }
        for (Pending<C> p : lost) {
            handler.failed(p.context(), failure);
        }
    }

    /**
     * Breaks every stream with a request unanswered past its deadline.
     *
     * @return the earliest deadline of the requests left, or Long.MAX_VALUE
     */
    long expire(long nowMs) {
        long next = Long.MAX_VALUE;
        for (Stream s : new ArrayList<>(streams.values())) {
            Pending<C> late = null;
            long earliest = Long.MAX_VALUE;
            for (Pending<C> p : s.pending) {
                earliest = Math.min(earliest, p.deadlineMs());
                if (late == null && p.deadlineMs() <= nowMs) {
                    late = p;
                }
            }
            if (late == null) {
                next = Math.min(next, earliest);
                continue;
            }
            RuntimeException timedOut = Status.DEADLINE_EXCEEDED
                    .withDescription("no answer on the produce stream to " + s.address + " within "
                            + (late.deadlineMs() - late.sentMs())
                            + " ms (request.timeout.ms, or what was left of delivery.timeout.ms)")
                    .asRuntimeException();
            channels.record(s.address, timedOut);
            breakStream(s, timedOut);
        }
        return next;
    }

    /** Ends every stream gently (half-close), for a producer closing with nothing in flight. */
    void closeAll() {
        for (Stream s : streams.values()) {
            s.ended = true;
            try {
                s.requests.onCompleted();
            } catch (RuntimeException e) {
                log.debug("a produce stream was already closed: {}", e.toString());
            }
        }
        streams.clear();
    }

    /** Cancels every stream and forgets what it had in flight, for a forced close. */
    void cancelAll(String why) {
        for (Stream s : streams.values()) {
            s.ended = true;
            s.pending.clear();
            cancelQuietly(s, why);
        }
        streams.clear();
    }

    private static void cancelQuietly(ProduceStreams<?>.Stream s, String why) {
        try {
            s.requests.cancel(why, null);
        } catch (RuntimeException e) {
            log.debug("a produce stream was already closed: {}", e.toString());
        }
    }
}
