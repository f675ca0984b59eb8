package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failed calls a producer sends again. */
class RpcTest {
    @Test
    void noAnswerAndACallCancelledByAStoppingBrokerAreRetriedAndRefusalsAreNot() {
        assertTrue(Rpc.isRetriable(
                Status.UNAVAILABLE.withDescription("io exception").asRuntimeException()));
        assertTrue(Rpc.isRetriable(Status.DEADLINE_EXCEEDED.asRuntimeException()));
        // What a broker's gRPC server does to the streams still open when it shuts down.
        assertTrue(Rpc.isRetriable(new CompletionException(Status.CANCELLED
                .withDescription("RST_STREAM closed stream. HTTP/2 error code: CANCEL")
                .asRuntimeException())));
        assertFalse(Rpc.isRetriable(Status.INVALID_ARGUMENT.asRuntimeException()));
        assertFalse(Rpc.isRetriable(Status.INTERNAL.asRuntimeException()));
        assertFalse(Rpc.isRetriable(new ApiException(Errors.INVALID_REQUEST, "no")));
        assertTrue(Rpc.isRetriable(new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "moved")));
    }
}
