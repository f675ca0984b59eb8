package dev.skiff.metadata;

/**
 * The broker config keys the controller's decisions depend on.
 *
 * @param defaultPartitions {@code num.partitions}: partitions of a topic created with -1
 * @param defaultReplicationFactor {@code default.replication.factor}: for a topic created with -1
 * @param partitionsPerTopicMax a limit (STYLE 6): more partitions than this are refused
 * @param uncleanLeaderElection {@code unclean.leader.election.enable}: whether a replica outside
 *     the ISR may lead when no ISR member is alive (it may lose acknowledged writes); a topic may
 *     override it with the same key
 */
public record ControllerSettings(
        int defaultPartitions, int defaultReplicationFactor, int partitionsPerTopicMax, boolean uncleanLeaderElection) {
    public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";

    /** Kafka's defaults: 1 partition, replication factor 1, clean elections only. */
    public static final ControllerSettings DEFAULTS = new ControllerSettings(1, 1, 10_000, false);

    public ControllerSettings {
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("num.partitions must be at least 1, not " + defaultPartitions);
        }
        if (defaultReplicationFactor < 1) {
            throw new IllegalArgumentException(
                    "default.replication.factor must be at least 1, not " + defaultReplicationFactor);
        }
        if (partitionsPerTopicMax < 1) {
            throw new IllegalArgumentException("partitionsPerTopicMax must be at least 1");
        }
    }

    /**
     * Whether unclean election is allowed for {@code topic}: its own config, else the dynamic
     * default of every broker in {@code image}, else the controller's server.properties.
     */
    boolean uncleanLeaderElection(MetadataImage image, TopicImage topic) {
        String override = topic.configs().get(UNCLEAN_LEADER_ELECTION);
        if (override == null) {
            override = image.configs(ConfigResource.brokerDefault()).get(UNCLEAN_LEADER_ELECTION);
        }
        return override != null ? Boolean.parseBoolean(override.trim()) : uncleanLeaderElection;
    }
}
