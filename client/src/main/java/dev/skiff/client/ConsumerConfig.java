package dev.skiff.client;

import dev.skiff.client.internals.AssignorLoader;
import dev.skiff.client.internals.CommonClientConfigs;
import dev.skiff.client.internals.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Consumer settings, read from Kafka-named String properties (the deserializers are accepted and
 * ignored: records are bytes). {@link #group()} holds the consumer-group settings.
 */
public record ConsumerConfig(
        CommonClientConfigs common,
        OffsetResetStrategy autoOffsetReset,
        int fetchMinBytes,
        int fetchMaxWaitMs,
        int maxPartitionFetchBytes,
        int fetchMaxBytes,
        int maxPollRecords,
        long defaultApiTimeoutMs,
        boolean checkCrcs,
        GroupConfig group) {
    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
    public static final String AUTO_OFFSET_RESET_CONFIG = "auto.offset.reset";
    public static final String FETCH_MIN_BYTES_CONFIG = "fetch.min.bytes";
    public static final String FETCH_MAX_WAIT_MS_CONFIG = "fetch.max.wait.ms";
    public static final String MAX_PARTITION_FETCH_BYTES_CONFIG = "max.partition.fetch.bytes";
    public static final String FETCH_MAX_BYTES_CONFIG = "fetch.max.bytes";
    public static final String MAX_POLL_RECORDS_CONFIG = "max.poll.records";
    public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    public static final String CHECK_CRCS_CONFIG = "check.crcs";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
    public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
    public static final String GROUP_ID_CONFIG = "group.id";
    public static final String GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
    public static final String SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
    public static final String MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";
    public static final String ENABLE_AUTO_COMMIT_CONFIG = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS_CONFIG = "auto.commit.interval.ms";
    public static final String PARTITION_ASSIGNMENT_STRATEGY_CONFIG = "partition.assignment.strategy";
    /** Kafka's default: range, with cooperative-sticky listed so that a group can move to it in two rolls. */
    public static final String DEFAULT_PARTITION_ASSIGNMENT_STRATEGY = "range,cooperative-sticky";

    private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * Consumer-group settings.
     *
     * @param groupId empty when the consumer is not in a group (then only {@code assign} works and
     *     nothing is committed)
     * @param partitionAssignmentStrategy assignor names (or class names) in order of preference
     */
    public record GroupConfig(
            Optional<String> groupId,
            Optional<String> groupInstanceId,
            int sessionTimeoutMs,
            int heartbeatIntervalMs,
            int maxPollIntervalMs,
            boolean enableAutoCommit,
            long autoCommitIntervalMs,
            List<String> partitionAssignmentStrategy) {
        public GroupConfig {
            partitionAssignmentStrategy = List.copyOf(partitionAssignmentStrategy);
        }

        static GroupConfig parse(ConfigValues v) {
            Optional<String> groupId = Optional.ofNullable(v.string(GROUP_ID_CONFIG, null));
            if (groupId.isPresent() && groupId.get().isEmpty()) {
                throw new ConfigException(GROUP_ID_CONFIG, "\"\"", "must not be empty (leave it out to use no group)");
            }
            Optional<String> instanceId = Optional.ofNullable(v.string(GROUP_INSTANCE_ID_CONFIG, null));
            if (instanceId.isPresent() && !LEGAL_ID.matcher(instanceId.get()).matches()) {
                throw new ConfigException(
                        GROUP_INSTANCE_ID_CONFIG,
                        instanceId.get(),
                        "must be 1-249 characters of ASCII letters, digits, '.', '_' and '-'");
            }
            int sessionMs = v.intValue(SESSION_TIMEOUT_MS_CONFIG, 45_000, 1, Integer.MAX_VALUE);
            int heartbeatMs = v.intValue(HEARTBEAT_INTERVAL_MS_CONFIG, 3_000, 1, Integer.MAX_VALUE);
            if (heartbeatMs >= sessionMs) {
                throw new ConfigException(
                        HEARTBEAT_INTERVAL_MS_CONFIG,
                        heartbeatMs,
                        "must be lower than " + SESSION_TIMEOUT_MS_CONFIG + " (" + sessionMs + ")");
            }
            boolean autoCommit = v.bool(ENABLE_AUTO_COMMIT_CONFIG, groupId.isPresent());
            if (autoCommit && groupId.isEmpty()) {
                throw new ConfigException(
                        ENABLE_AUTO_COMMIT_CONFIG, "true", "needs " + GROUP_ID_CONFIG + " (commits go to a group)");
            }
            List<String> strategies = new ArrayList<>();
            for (String name : v.string(PARTITION_ASSIGNMENT_STRATEGY_CONFIG, DEFAULT_PARTITION_ASSIGNMENT_STRATEGY)
                    .split(",")) {
                if (!name.isBlank()) {
                    strategies.add(name.trim());
                }
            }
            if (strategies.isEmpty()) {
                throw new ConfigException(
                        PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        "\"\"",
                        "name at least one assignor: range, roundrobin, cooperative-sticky, or a class name");
            }
            AssignorLoader.load(strategies); // fails here, naming the key, rather than at the first join
            return new GroupConfig(
                    groupId,
                    instanceId,
                    sessionMs,
                    heartbeatMs,
                    v.intValue(MAX_POLL_INTERVAL_MS_CONFIG, 300_000, 1, Integer.MAX_VALUE),
                    autoCommit,
                    v.longValue(AUTO_COMMIT_INTERVAL_MS_CONFIG, 5_000, 0, Long.MAX_VALUE),
                    strategies);
        }
    }

    /** What to do when a partition has no valid position. */
    public enum OffsetResetStrategy {
        EARLIEST,
        LATEST,
        NONE
    }

    /**
     * Parses and validates {@code props}.
     *
     * @throws ConfigException naming the first bad key
     */
    public static ConsumerConfig parse(Map<String, ?> props) {
        ConfigValues v = new ConfigValues(props);
        CommonClientConfigs common = CommonClientConfigs.parse(v, "consumer", 30_000);
        String reset = v.choice(AUTO_OFFSET_RESET_CONFIG, "latest", List.of("latest", "earliest", "none"));
        return new ConsumerConfig(
                common,
                OffsetResetStrategy.valueOf(reset.toUpperCase(Locale.ROOT)),
                v.intValue(FETCH_MIN_BYTES_CONFIG, 1, 0, Integer.MAX_VALUE),
                v.intValue(FETCH_MAX_WAIT_MS_CONFIG, 500, 0, Integer.MAX_VALUE),
                v.intValue(MAX_PARTITION_FETCH_BYTES_CONFIG, 1_048_576, 0, Integer.MAX_VALUE),
                v.intValue(FETCH_MAX_BYTES_CONFIG, 52_428_800, 0, Integer.MAX_VALUE),
                v.intValue(MAX_POLL_RECORDS_CONFIG, 500, 1, Integer.MAX_VALUE),
                v.longValue(DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000, 0, Long.MAX_VALUE),
                v.bool(CHECK_CRCS_CONFIG, true),
                GroupConfig.parse(v));
    }
}
