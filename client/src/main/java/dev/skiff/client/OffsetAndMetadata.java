package dev.skiff.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A committed offset: the offset of the next record the group should read, the leader epoch of
 * the last record consumed (if known), and free-text metadata kept with it.
 */
public record OffsetAndMetadata(long offset, Optional<Integer> leaderEpoch, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("a committed offset cannot be negative: " + offset);
        }
        Objects.requireNonNull(leaderEpoch, "leaderEpoch");
        Objects.requireNonNull(metadata, "metadata");
    }

    public OffsetAndMetadata(long offset) {
        this(offset, Optional.empty(), "");
    }

    public OffsetAndMetadata(long offset, String metadata) {
        this(offset, Optional.empty(), metadata);
    }
}
