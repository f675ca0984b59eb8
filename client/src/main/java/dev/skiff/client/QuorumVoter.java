package dev.skiff.client;

/** A voter of the controller quorum; {@code leader} marks the active controller. */
public record QuorumVoter(int nodeId, String host, int port, boolean leader) {}
