package dev.skiff.metadata;

import java.util.Objects;

/**
 * What a dynamic config belongs to: a topic (by name) or a broker (by node id in decimal, or
 * {@link #CLUSTER_DEFAULT_BROKER} for the cluster-wide default of every broker), as in Kafka.
 */
public record ConfigResource(Type type, String name) {
    public static final String CLUSTER_DEFAULT_BROKER = "";

    public enum Type {
        TOPIC,
        BROKER
    }

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }

    public static ConfigResource broker(int nodeId) {
        return new ConfigResource(Type.BROKER, Integer.toString(nodeId));
    }

    public static ConfigResource brokerDefault() {
        return new ConfigResource(Type.BROKER, CLUSTER_DEFAULT_BROKER);
    }

    @Override
    public String toString() {
        return type == Type.TOPIC ? "topic '" + name + "'" : name.isEmpty() ? "the broker default" : "broker " + name;
    }
}
