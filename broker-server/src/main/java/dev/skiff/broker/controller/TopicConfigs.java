package dev.skiff.broker.controller;

import dev.skiff.log.LogConfig;
import dev.skiff.metadata.ConfigResource;
import dev.skiff.metadata.ConfigValidator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The topic-level configs a topic may override: the log engine's keys, plus {@code
 * min.insync.replicas} and {@code unclean.leader.election.enable}, which replication and the
 * controller read. Validation is the log engine's own, so a topic config that passes here can
 * always build a {@link LogConfig}.
 */
public final class TopicConfigs {
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    private TopicConfigs() {}

    /** Every key a topic may set. */
    public static Set<String> keys() {
        Set<String> keys = new TreeSet<>(LogConfig.keys());
        keys.add(MIN_INSYNC_REPLICAS);
        keys.add(UNCLEAN_LEADER_ELECTION_ENABLE);
        return keys;
    }

    /** The log config of a topic: the broker's defaults with the topic's log keys applied. */
    public static LogConfig logConfig(LogConfig defaults, Map<String, String> topicConfigs) {
        Map<String, String> logKeys = new HashMap<>(topicConfigs);
        logKeys.keySet().retainAll(LogConfig.keys());
        return defaults.with(logKeys);
    }

    /**
     * The effective min.insync.replicas of a topic: its override, else the broker's {@code
     * brokerDefault}. Overrides were validated when set.
     */
    public static int minInsyncReplicas(Map<String, String> topicConfigs, int brokerDefault) {
        String override = topicConfigs.get(MIN_INSYNC_REPLICAS);
        return override == null ? brokerDefault : Integer.parseInt(override.trim());
    }

    /** Why these topic configs are not acceptable, naming key and value; empty if they are. */
    public static Optional<String> problem(LogConfig defaults, Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (!keys().contains(e.getKey())) {
                return Optional.of("unknown topic config '" + e.getKey() + "'; known keys: " + keys());
            }
        }
        String isr = configs.get(MIN_INSYNC_REPLICAS);
        if (isr != null) {
            try {
                if (Integer.parseInt(isr.trim()) < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                return Optional.of("invalid " + MIN_INSYNC_REPLICAS + " '" + isr + "': a whole number of at least 1");
            }
        }
        String unclean = configs.get(UNCLEAN_LEADER_ELECTION_ENABLE);
        if (unclean != null && !Set.of("true", "false").contains(unclean.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("invalid " + UNCLEAN_LEADER_ELECTION_ENABLE + " '" + unclean + "': use true or false");
        }
        try {
            logConfig(defaults, configs);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The controller's validator: topic configs by these rules, broker configs by {@link DynamicBrokerConfigs}. */
    public static ConfigValidator validator(LogConfig defaults) {
        return (ConfigResource resource, Map<String, String> configs) -> resource.type() == ConfigResource.Type.TOPIC
                ? problem(defaults, configs)
                : DynamicBrokerConfigs.problem(defaults, configs);
    }
}
