package dev.skiff.metadata;

import java.util.Objects;

/** A broker's listener as advertised to clients and other brokers ({@code advertised.listeners}). */
public record Endpoint(String listener, String host, int port) {
    public Endpoint {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(host, "host");
    }

    static Endpoint fromProto(dev.skiff.proto.metadata.v1.Endpoint proto) {
        return new Endpoint(proto.getName(), proto.getHost(), proto.getPort());
    }

    dev.skiff.proto.metadata.v1.Endpoint toProto() {
        return dev.skiff.proto.metadata.v1.Endpoint.newBuilder()
                .setName(listener)
                .setHost(host)
                .setPort(port)
                .build();
    }

    @Override
    public String toString() {
        return listener + "://" + host + ":" + port;
    }
}
