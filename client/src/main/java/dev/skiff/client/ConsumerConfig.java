package dev.skiff.client;

import dev.skiff.client.internals.CommonClientConfigs;
import dev.skiff.client.internals.ConfigValues;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Consumer settings, read from Kafka-named String properties. {@code group.id} and the
 * deserializers are accepted and ignored until consumer groups arrive.
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
        boolean checkCrcs) {
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
                v.bool(CHECK_CRCS_CONFIG, true));
    }
}
