package dev.skiff.client;

import java.util.Objects;

/** A topic (by name) or a broker (by node id as a decimal string) whose configs are described or altered. */
public record ConfigResource(Type type, String name) {
    public enum Type {
        TOPIC,
        BROKER
    }

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return (type == Type.TOPIC ? "topic " : "broker ") + name;
    }
}
