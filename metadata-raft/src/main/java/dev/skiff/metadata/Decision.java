package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import java.util.Objects;

/**
 * What the controller decided about one command: accepted, with the batch to commit, or refused
 * with a client-facing error code and a message that names the problem and the fix.
 *
 * <p>An accepted batch applies cleanly to the image it was decided on (the decision checks it);
 * if the image moved on before the batch is committed, {@link MetadataImage#apply} may still
 * reject it, for example as stale ({@code INVALID_UPDATE_VERSION}): decide again on the new image.
 */
public sealed interface Decision<T> {
    /**
     * Accepted. {@code value} is the command's answer (e.g. the new topic's id); {@code batch} is
     * what to commit, possibly empty when there is nothing to change (then commit nothing).
     */
    record Accepted<T>(T value, MetadataBatch batch) implements Decision<T> {
        public Accepted {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(batch, "batch");
        }

        public boolean changesNothing() {
            return batch.getRecordsCount() == 0;
        }
    }

    record Refused<T>(ErrorCode error, String message) implements Decision<T> {
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }

    default boolean isAccepted() {
        return this instanceof Accepted;
    }
}
