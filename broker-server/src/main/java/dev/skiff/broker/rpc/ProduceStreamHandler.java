package dev.skiff.broker.rpc;

import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.ProduceStreamRequest;
import dev.skiff.proto.v1.ProduceStreamResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One producer's ProduceStream (DESIGN §7): requests are handled strictly in arrival order, and
 * answered in that order.
 *
 * <p>Order of appends: gRPC delivers one call's messages serially, and {@link #onNext} runs the
 * whole append of a request before it returns, so request n+1 is appended only after request n.
 * The request then waits without a thread: for the leader's fsync (group-committed on the log
 * flusher, so request n+1 is written while request n's fsync runs) and with acks=-1 for the ISR;
 * its answer slot completes later, from the flusher or the scheduler.
 *
 * <p>Order of answers: each request takes a slot at the tail of {@link #slots}; a slot that
 * completes sends itself and every completed slot behind it, never one ahead of an unanswered
 * one. Slots and the response observer are guarded by this object's monitor (answers complete on
 * the gRPC thread and on the scheduler).
 */
final class ProduceStreamHandler implements StreamObserver<ProduceStreamRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceStreamHandler.class);

    /** Unanswered requests one stream may have (STYLE 6); the client keeps at most 5 per partition. */
    static final int PENDING_MAX = 1024;

    /** An answer in the making; {@code response} is null until it completes. */
    private static final class Slot {
        final long correlationId;
        ProduceResponse response;

        Slot(long correlationId) {
            this.correlationId = correlationId;
        }
    }

    private final BiConsumer<ProduceRequest, StreamObserver<ProduceResponse>> produce;
    private final StreamObserver<ProduceStreamResponse> out;
    // Guarded by this.
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private boolean closed;
    private boolean halfClosed;

    /** {@code produce} is the unary handler: it answers its observer exactly once. */
    ProduceStreamHandler(
            BiConsumer<ProduceRequest, StreamObserver<ProduceResponse>> produce,
            StreamObserver<ProduceStreamResponse> out) {
        this.produce = produce;
        this.out = out;
    }

    @Override
    public void onNext(ProduceStreamRequest request) {
        Slot slot = new Slot(request.getCorrelationId());
        synchronized (this) {
            if (closed) {
                return;
            }
            if (slots.size() >= PENDING_MAX) {
                fail(Status.RESOURCE_EXHAUSTED.withDescription("more than " + PENDING_MAX
                        + " unanswered produce requests on one stream; wait for answers before sending more"));
                return;
            }
            slots.addLast(slot);
        }
        produce.accept(request.getRequest(), new StreamObserver<>() {
            @Override
            public void onNext(ProduceResponse response) {
                complete(slot, response);
            }

            @Override
            public void onError(Throwable t) {
                // Only a malformed request gets a status; the stream's order cannot skip it.
                fail(t instanceof StatusRuntimeException e ? e.getStatus() : Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {}
        });
    }

    private synchronized void complete(Slot slot, ProduceResponse response) {
        slot.response = response;
        while (!closed && !slots.isEmpty() && slots.peekFirst().response != null) {
            Slot s = slots.pollFirst();
            try {
                out.onNext(ProduceStreamResponse.newBuilder()
                        .setCorrelationId(s.correlationId)
                        .setResponse(s.response)
                        .build());
            } catch (RuntimeException e) {
                // The producer went away; what it had in flight it will retry elsewhere.
                LOG.debug("a produce stream closed before its answers: {}", e.toString());
                closed = true;
            }
        }
        maybeFinish();
    }

    private void maybeFinish() {
        if (halfClosed && !closed && slots.isEmpty()) {
            closed = true;
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("a produce stream closed twice: {}", e.toString());
            }
        }
    }

    private synchronized void fail(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        slots.clear();
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            LOG.debug("a produce stream closed before its error: {}", e.toString());
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("a producer's produce stream broke: {}", t.toString());
        synchronized (this) {
            closed = true;
            slots.clear();
        }
    }

    /** The producer half-closed: end the stream once every answer is out. */
    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        maybeFinish();
    }
}
