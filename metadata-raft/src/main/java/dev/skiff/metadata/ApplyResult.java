package dev.skiff.metadata;

import dev.skiff.proto.v1.ErrorCode;
import java.util.Objects;

/** What {@link MetadataImage#apply} did with a batch: applied it whole, or rejected it whole. */
public sealed interface ApplyResult {
    /** The batch was applied; {@code image} is the new image. */
    record Applied(MetadataImage image) implements ApplyResult {
        public Applied {
            Objects.requireNonNull(image, "image");
        }
    }

    /**
     * The batch was rejected as a whole: the image is unchanged. {@code recordIndex} is the
     * position of the first invalid record in the batch, or -1 if the batch as a whole was invalid.
     */
    record Rejected(int recordIndex, ErrorCode error, String message) implements ApplyResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
