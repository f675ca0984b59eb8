package dev.skiff.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered broker as the image knows it. A fenced broker leads no partition and joins no ISR;
 * a broker starts fenced when it registers and is unfenced once it has caught up.
 */
public record BrokerRegistration(
        int nodeId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack, boolean fenced) {
    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(rack, "rack");
    }

    /** The endpoint of the named listener, e.g. {@code PLAINTEXT}. */
    public Optional<Endpoint> endpoint(String listener) {
        return endpoints.stream().filter(e -> e.listener().equals(listener)).findFirst();
    }

    BrokerRegistration withFenced(boolean newFenced) {
        return new BrokerRegistration(nodeId, incarnationId, endpoints, rack, newFenced);
    }
}
