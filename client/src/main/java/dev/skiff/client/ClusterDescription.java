package dev.skiff.client;

import java.util.List;

/**
 * The cluster id, the active controller (-1 if none), the live (unfenced) brokers, every
 * registered broker with its fenced flag and incarnation, and the quorum voters with their lag.
 */
public record ClusterDescription(
        String clusterId,
        int controllerId,
        List<Node> brokers,
        List<QuorumVoter> voters,
        List<RegisteredBroker> registeredBrokers) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
        voters = List.copyOf(voters);
        registeredBrokers = List.copyOf(registeredBrokers);
    }

    public ClusterDescription(String clusterId, int controllerId, List<Node> brokers, List<QuorumVoter> voters) {
        this(clusterId, controllerId, brokers, voters, List.of());
    }

    /** Whether every voter's lag is known (the answer came from the active controller). */
    public boolean lagsKnown() {
        return !voters.isEmpty() && voters.stream().allMatch(v -> v.lagEntries().isPresent());
    }
}
