package dev.skiff.broker.controller;

import dev.skiff.broker.config.ServerKeys;
import dev.skiff.log.LogConfig;
import dev.skiff.metadata.ConfigResource;
import dev.skiff.metadata.MetadataImage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Broker configs changed at runtime, as Kafka's {@code kafka-configs --entity-type brokers}: a
 * cluster-wide default ({@code --entity-default}, resource name "") and per-broker values, kept in
 * the metadata image. Only the broker keys that are topic defaults ({@link
 * ServerKeys#BROKER_TO_TOPIC}) are dynamic; every other key is read from server.properties at start.
 *
 * <p>A partition's effective config is, lowest precedence first: the static server.properties
 * defaults, the dynamic cluster default, the dynamic config of the broker hosting it, the topic's
 * own overrides. Each broker applies this to the partitions it hosts whenever the image changes, so
 * a change takes effect on every broker without a restart.
 */
public final class DynamicBrokerConfigs {
    /** Static-only forms of dynamic keys, with the key to set instead. */
    private static final Map<String, String> STATIC_FORMS = Map.of(
            ServerKeys.LOG_RETENTION_HOURS, ServerKeys.LOG_RETENTION_MS,
            ServerKeys.LOG_RETENTION_MINUTES, ServerKeys.LOG_RETENTION_MS,
            ServerKeys.LOG_ROLL_HOURS, ServerKeys.LOG_ROLL_MS);

    private DynamicBrokerConfigs() {}

    /** The dynamic keys that are not topic defaults: each broker reads them itself. */
    private static final Set<String> BROKER_ONLY = Set.of(ServerKeys.LEADER_REPLICATION_THROTTLED_RATE);

    /** Whether {@code key} may change at runtime. */
    public static boolean isDynamic(String key) {
        return ServerKeys.BROKER_TO_TOPIC.containsKey(key) || BROKER_ONLY.contains(key);
    }

    /**
     * The {@code leader.replication.throttled.rate} that applies on {@code nodeId}: its own dynamic
     * value, else the dynamic cluster default, else {@code staticValue} (server.properties).
     */
    public static long replicationThrottle(MetadataImage image, int nodeId, long staticValue) {
        String key = ServerKeys.LEADER_REPLICATION_THROTTLED_RATE;
        String value = image.configs(ConfigResource.broker(nodeId))
                .getOrDefault(key, image.configs(ConfigResource.brokerDefault()).get(key));
        if (value == null) {
            return staticValue;
        }
        try {
            return Math.max(1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return staticValue; // refused when set (see problem); only an older image could hold it
        }
    }

    /** Why these dynamic broker configs are not acceptable, naming the key; empty if they are. */
    static Optional<String> problem(LogConfig defaults, Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            String key = e.getKey();
            String instead = STATIC_FORMS.get(key);
            if (instead != null) {
                return Optional.of(
                        key + " cannot be changed at runtime; set " + instead + " instead (in milliseconds)");
            }
            if (BROKER_ONLY.contains(key)) {
                Optional<String> bad = positiveLong(key, e.getValue());
                if (bad.isPresent()) {
                    return bad;
                }
                continue;
            }
            if (!isDynamic(key)) {
                return Optional.of(
                        ServerKeys.all().containsKey(key)
                                ? key
                                        + " is read from server.properties at start and cannot be changed at runtime; edit"
                                        + " server.properties and restart the broker. Keys that can change at runtime: "
                                        + keys()
                                : "unknown broker config '" + key + "'; keys that can change at runtime: " + keys());
            }
            Optional<String> bad =
                    TopicConfigs.problem(defaults, Map.of(ServerKeys.BROKER_TO_TOPIC.get(key), e.getValue()));
            if (bad.isPresent()) {
                return Optional.of(key + ": " + bad.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> positiveLong(String key, String value) {
        try {
            if (Long.parseLong(value.trim()) >= 1) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return Optional.of(
                key + " must be a whole number of bytes per second from 1 to 9223372036854775807, not '" + value + "'");
    }

    /** The topic-level view of dynamic broker configs: {@code log.segment.bytes} as {@code segment.bytes}. */
    static Map<String, String> asTopicConfigs(Map<String, String> brokerConfigs) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : brokerConfigs.entrySet()) {
            String topicKey = ServerKeys.BROKER_TO_TOPIC.get(e.getKey());
            if (topicKey != null) {
                out.put(topicKey, e.getValue());
            }
        }
        return out;
    }

    /**
     * The topic-level defaults the dynamic broker configs give partitions hosted on {@code nodeId}:
     * the cluster default, overlaid by that broker's own.
     */
    public static Map<String, String> topicDefaults(MetadataImage image, int nodeId) {
        Map<String, String> out = asTopicConfigs(image.configs(ConfigResource.brokerDefault()));
        out.putAll(asTopicConfigs(image.configs(ConfigResource.broker(nodeId))));
        return out;
    }

    /** A topic's configs as {@code nodeId} applies them: dynamic broker defaults, then its overrides. */
    public static Map<String, String> effectiveTopicConfigs(
            MetadataImage image, int nodeId, Map<String, String> topicOverrides) {
        Map<String, String> out = topicDefaults(image, nodeId);
        out.putAll(topicOverrides);
        return Map.copyOf(out);
    }

    /** The keys a dynamic value may take; for the README and error messages. */
    public static Set<String> keys() {
        Set<String> out = new java.util.LinkedHashSet<>(ServerKeys.BROKER_TO_TOPIC.keySet());
        out.addAll(BROKER_ONLY);
        return out;
    }
}
