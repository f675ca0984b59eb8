package dev.skiff.client.internals;

import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import dev.skiff.client.SkiffException;
import dev.skiff.client.TimeoutException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls as futures, and what their failures mean to a Kafka-style client. A response
 * message is an answer (its per-item error codes carry the outcome); a gRPC status is a failure of
 * the whole request: UNAVAILABLE and DEADLINE_EXCEEDED are retriable, the rest are not.
 */
public final class Rpc {
    private Rpc() {}

    public static <Q, R> CompletableFuture<R> call(
            Channel channel, MethodDescriptor<Q, R> method, Q request, long timeoutMs) {
        CompletableFuture<R> result = new CompletableFuture<>();
        ClientCall<Q, R> call = channel.newCall(
                method, CallOptions.DEFAULT.withDeadlineAfter(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS));
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                if (!result.isDone()) {
                    result.completeExceptionally(Status.INTERNAL
                            .withDescription("no response message")
                            .asRuntimeException());
                }
            }
        });
        return result;
    }

    /** The failure inside futures' wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** The gRPC status code of a failure, or null if it is not a gRPC failure. */
    public static Status.Code statusCode(Throwable t) {
        Throwable cur = unwrap(t);
        if (cur instanceof io.grpc.StatusRuntimeException || cur instanceof io.grpc.StatusException) {
            return Status.fromThrowable(cur).getCode();
        }
        return null;
    }

    /** True if no broker answered: the connection failed, or nothing came back before the deadline. */
    public static boolean isNoAnswer(Throwable t) {
        Status.Code code = statusCode(t);
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * True if resending the same request may succeed: no answer came (UNAVAILABLE, a deadline), or
     * the call was cancelled, which a broker does to the calls still open when it shuts down (a
     * controlled shutdown, a removed or restarted node), as a disconnect is to Kafka's client. The
     * producer's own cancellations happen only when it closes, and fail the batches anyway.
     */
    public static boolean isRetriable(Throwable t) {
        Throwable cur = unwrap(t);
        if (cur instanceof ApiException api) {
            return api.isRetriable();
        }
        return isNoAnswer(cur) || statusCode(cur) == Status.Code.CANCELLED;
    }

    /** A one-line description, with the root cause for transport errors: {@code UNAVAILABLE: io exception (Connection refused)}. */
    public static String describe(Throwable t) {
        Throwable cur = unwrap(t);
        if (statusCode(cur) == null) {
            return cur.getMessage() == null ? cur.getClass().getSimpleName() : cur.getMessage();
        }
        Status status = Status.fromThrowable(cur);
        StringBuilder sb = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            sb.append(": ").append(status.getDescription());
        }
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null) {
            // Netty's native transport words a refused connection as "finishConnect(..) failed with error(-111): ...".
            String why =
                    root.getMessage().replaceFirst("^finishConnect\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
            sb.append(" (").append(why).append(')');
        }
        return sb.toString();
    }

    /** The client exception for a failed call of {@code what} (e.g. "Produce"). */
    public static SkiffException toException(Throwable t, String what) {
        Throwable cur = unwrap(t);
        if (cur instanceof SkiffException e) {
            return e;
        }
        Status.Code code = statusCode(cur);
        if (code == null) {
            return new SkiffException(what + " failed: " + describe(cur), cur);
        }
        return switch (code) {
            case DEADLINE_EXCEEDED -> new TimeoutException(what + " timed out: " + describe(cur), cur);
            case INVALID_ARGUMENT -> new ApiException(Errors.INVALID_REQUEST, what + " rejected: " + describe(cur));
            case UNIMPLEMENTED -> new ApiException(
                    Errors.INVALID_REQUEST, "The broker does not implement " + what + ": " + describe(cur));
            case RESOURCE_EXHAUSTED -> new ApiException(
                    Errors.RECORD_LIST_TOO_LARGE, what + " too large for the broker: " + describe(cur));
            case UNAVAILABLE -> new SkiffException("Broker unavailable for " + what + ": " + describe(cur), cur);
            case CANCELLED -> new SkiffException(what + " cancelled: " + describe(cur), cur);
            default -> new ApiException(Errors.UNKNOWN_SERVER_ERROR, what + " failed: " + describe(cur));
        };
    }
}
