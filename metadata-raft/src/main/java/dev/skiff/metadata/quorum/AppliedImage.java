package dev.skiff.metadata.quorum;

import dev.skiff.metadata.MetadataImage;
import java.util.Objects;

/**
 * The metadata image as of a Raft entry: every committed entry up to {@code index} (of {@code
 * term}) has been applied. Index 0 and term 0 before anything has been applied.
 */
public record AppliedImage(MetadataImage image, long term, long index) {
    public static final AppliedImage INITIAL = new AppliedImage(MetadataImage.EMPTY, 0, 0);

    public AppliedImage {
        Objects.requireNonNull(image, "image");
    }
}
