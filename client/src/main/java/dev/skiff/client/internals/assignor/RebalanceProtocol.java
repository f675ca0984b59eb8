package dev.skiff.client.internals.assignor;

/**
 * How a member gives up partitions in a rebalance. {@code EAGER}: every member revokes all its
 * partitions before it joins (stop the world). {@code COOPERATIVE}: a member keeps its partitions
 * through the rebalance and revokes only those the new assignment takes away.
 */
public enum RebalanceProtocol {
    EAGER,
    COOPERATIVE
}
