package dev.skiff.metadata;

import java.io.IOException;

/**
 * Bytes that should hold metadata (a snapshot, a batch) do not: undecodable, of a version this
 * node does not know, or describing an image that breaks an invariant. The message names what
 * was wrong; a node that meets one must not go on with a guessed image.
 */
public final class MetadataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public MetadataFormatException(String message) {
        super(message);
    }

    public MetadataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
