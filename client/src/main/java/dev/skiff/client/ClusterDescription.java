package dev.skiff.client;

import java.util.List;

/** The cluster id, the active controller (-1 if none), the live brokers and the quorum voters. */
public record ClusterDescription(String clusterId, int controllerId, List<Node> brokers, List<QuorumVoter> voters) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
        voters = List.copyOf(voters);
    }
}
