package dev.skiff.client;

import java.util.Objects;

/**
 * A group as {@link Admin#listConsumerGroups} finds it: its id, state, and protocol type ({@code
 * consumer}, or empty for a group that only has committed offsets, as an {@code assign()} user's).
 */
public record ConsumerGroupListing(String groupId, GroupState state, String protocolType) {
    public ConsumerGroupListing {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(protocolType, "protocolType");
    }
}
