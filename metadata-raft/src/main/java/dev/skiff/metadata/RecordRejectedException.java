package dev.skiff.metadata;

import dev.skiff.proto.v1.ErrorCode;

/**
 * An invalid record, inside {@link MetadataImage#apply} only: it becomes an {@link
 * ApplyResult.Rejected} there and never leaves this package. No stack trace: it is an expected
 * outcome, not a fault.
 */
final class RecordRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode error;

    RecordRejectedException(ErrorCode error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    ErrorCode error() {
        return error;
    }
}
