package dev.skiff.metadata.quorum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One voter of the controller quorum: a node id and the address of its controller listener. */
public record QuorumVoter(int nodeId, String host, int port) {
    /** The config key whose syntax {@link #parseVoters} reads. */
    public static final String VOTERS_KEY = "controller.quorum.voters";

    public QuorumVoter {
        Objects.requireNonNull(host, "host");
        if (nodeId < 0) {
            throw new IllegalArgumentException("voter node id " + nodeId + " is negative");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("voter " + nodeId + " has an empty host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("voter " + nodeId + " has port " + port + "; ports are 1 to 65535");
        }
    }

    /**
     * Parses Kafka's {@code controller.quorum.voters} syntax: {@code id@host:port} separated by
     * commas, e.g. {@code 1@127.0.0.1:9093,2@127.0.0.2:9093}; IPv6 hosts in brackets. Throws
     * IllegalArgumentException naming the key, the entry and the expected form.
     */
    public static List<QuorumVoter> parseVoters(String value) {
        List<QuorumVoter> voters = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.trim();
            QuorumVoter voter = parseEntry(entry);
            if (!ids.add(voter.nodeId())) {
                throw new IllegalArgumentException(VOTERS_KEY + " names node " + voter.nodeId() + " twice: " + value);
            }
            voters.add(voter);
        }
        return List.copyOf(voters);
    }

    private static QuorumVoter parseEntry(String entry) {
        int at = entry.indexOf('@');
        int colon = entry.lastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == entry.length() - 1) {
            throw invalid(entry);
        }
        String host = entry.substring(at + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new QuorumVoter(
                    Integer.parseInt(entry.substring(0, at)), host, Integer.parseInt(entry.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            IllegalArgumentException wrapped = invalid(entry);
            wrapped.addSuppressed(e);
            throw wrapped;
        }
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException(VOTERS_KEY + " entry '" + entry + "' is not of the form id@host:port"
                + " (e.g. 1@127.0.0.1:9093,2@127.0.0.2:9093)");
    }

    /** As DescribeCluster lists it; {@code leader} says whether it is the active controller. */
    public dev.skiff.proto.v1.QuorumVoter toProto(boolean leader) {
        return dev.skiff.proto.v1.QuorumVoter.newBuilder()
                .setNodeId(nodeId)
                .setHost(host)
                .setPort(port)
                .setIsLeader(leader)
                .build();
    }

    /** {@code host:port}, with IPv6 hosts in brackets. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return nodeId + "@" + address();
    }
}
