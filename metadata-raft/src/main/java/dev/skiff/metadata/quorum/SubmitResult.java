package dev.skiff.metadata.quorum;

import dev.skiff.proto.v1.ErrorCode;
import java.util.Objects;

/** What became of a batch submitted to the controller quorum. */
public sealed interface SubmitResult {
    /** Committed and applied at Raft {@code index}; every node's image will hold it. */
    record Committed(long index) implements SubmitResult {}

    /**
     * Committed at Raft {@code index} but rejected by the state machine as a whole (the same way on
     * every node): the image is unchanged. {@code recordIndex} is the first invalid record, or -1.
     */
    record Rejected(long index, int recordIndex, ErrorCode error, String message) implements SubmitResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Not known to be committed: no leader answered in time ({@code REQUEST_TIMED_OUT}, {@code
     * NOT_CONTROLLER}), the quorum is closed, or the batch was refused before entering the log
     * ({@code INVALID_REQUEST}, {@code UNSUPPORTED_VERSION}). After a timeout the batch may still be
     * committed later: read the image again before deciding anew.
     */
    record Failed(ErrorCode error, String message) implements SubmitResult {
        public Failed {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
