package dev.skiff.client;

import dev.skiff.client.internals.CommonClientConfigs;
import dev.skiff.client.internals.ConfigValues;
import java.util.List;
import java.util.Map;

/**
 * Producer settings, read from Kafka-named String properties. Keys skiff does not use
 * (serializers) are accepted and ignored: records are bytes. Idempotence is on by default, as in
 * Kafka: with acks=all and at most 5 requests in flight, unless enable.idempotence=false or acks
 * is set to 0 or 1 without enable.idempotence.
 */
public record ProducerConfig(
        CommonClientConfigs common,
        short acks,
        long lingerMs,
        int batchSizeBytes,
        CompressionType compression,
        int retries,
        long deliveryTimeoutMs,
        long maxBlockMs,
        long bufferMemoryBytes,
        int maxRequestSizeBytes,
        boolean partitionerIgnoreKeys,
        boolean idempotence,
        int maxInFlightRequestsPerConnection) {
    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
    public static final String ACKS_CONFIG = "acks";
    public static final String LINGER_MS_CONFIG = "linger.ms";
    public static final String BATCH_SIZE_CONFIG = "batch.size";
    public static final String COMPRESSION_TYPE_CONFIG = "compression.type";
    public static final String RETRIES_CONFIG = "retries";
    public static final String DELIVERY_TIMEOUT_MS_CONFIG = "delivery.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
    public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG;
    public static final String MAX_BLOCK_MS_CONFIG = "max.block.ms";
    public static final String BUFFER_MEMORY_CONFIG = "buffer.memory";
    public static final String MAX_REQUEST_SIZE_CONFIG = "max.request.size";
    public static final String PARTITIONER_IGNORE_KEYS_CONFIG = "partitioner.ignore.keys";
    public static final String ENABLE_IDEMPOTENCE_CONFIG = "enable.idempotence";
    public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
    /** The most requests per partition an idempotent producer may have in flight (the broker remembers 5 batches). */
    public static final int IDEMPOTENT_IN_FLIGHT_MAX = 5;

    public static final String METADATA_MAX_AGE_CONFIG = CommonClientConfigs.METADATA_MAX_AGE_CONFIG;

    /** Acks value for "all in-sync replicas". */
    public static final short ACKS_ALL = -1;

    /**
     * Parses and validates {@code props}.
     *
     * @throws ConfigException naming the first bad key
     */
    public static ProducerConfig parse(Map<String, ?> props) {
        ConfigValues v = new ConfigValues(props);
        CommonClientConfigs common = CommonClientConfigs.parse(v, "producer", 30_000);
        String acksText = v.choice(ACKS_CONFIG, "all", List.of("all", "-1", "0", "1"));
        short acks = acksText.equals("all") ? ACKS_ALL : Short.parseShort(acksText);
        long lingerMs = v.longValue(LINGER_MS_CONFIG, 5, 0, Integer.MAX_VALUE);
        int batchSize = v.intValue(BATCH_SIZE_CONFIG, 16_384, 0, Integer.MAX_VALUE);
        String compressionText =
                v.choice(COMPRESSION_TYPE_CONFIG, "none", List.of("none", "gzip", "snappy", "lz4", "zstd"));
        int retries = v.intValue(RETRIES_CONFIG, Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        long deliveryTimeoutMs = v.longValue(DELIVERY_TIMEOUT_MS_CONFIG, 120_000, 0, Integer.MAX_VALUE);
        long maxBlockMs = v.longValue(MAX_BLOCK_MS_CONFIG, 60_000, 0, Long.MAX_VALUE);
        long bufferMemory = v.longValue(BUFFER_MEMORY_CONFIG, 33_554_432L, 0, Long.MAX_VALUE);
        int maxRequestSize = v.intValue(MAX_REQUEST_SIZE_CONFIG, 1_048_576, 1, Integer.MAX_VALUE);
        boolean ignoreKeys = v.bool(PARTITIONER_IGNORE_KEYS_CONFIG, false);
        int maxInFlight = v.intValue(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5, 1, Integer.MAX_VALUE);
        boolean idempotence = idempotence(v, acks, maxInFlight);
        if (v.has(DELIVERY_TIMEOUT_MS_CONFIG) && deliveryTimeoutMs < lingerMs + common.requestTimeoutMs()) {
            throw new ConfigException(DELIVERY_TIMEOUT_MS_CONFIG + " should be equal to or larger than "
                    + LINGER_MS_CONFIG + " + " + REQUEST_TIMEOUT_MS_CONFIG);
        }
        // Kafka silently raises an unset delivery.timeout.ms to what linger and request timeout need.
        deliveryTimeoutMs = Math.max(deliveryTimeoutMs, lingerMs + common.requestTimeoutMs());
        return new ProducerConfig(
                common,
                acks,
                lingerMs,
                batchSize,
                CompressionType.forName(compressionText),
                retries,
                deliveryTimeoutMs,
                maxBlockMs,
                bufferMemory,
                maxRequestSize,
                ignoreKeys,
                idempotence,
                maxInFlight);
    }

    /** Kafka's rule: on by default; an explicit true conflicts with acks != all or more than 5 in flight. */
    private static boolean idempotence(ConfigValues v, short acks, int maxInFlight) {
        boolean explicit = v.has(ENABLE_IDEMPOTENCE_CONFIG);
        boolean requested = v.bool(ENABLE_IDEMPOTENCE_CONFIG, true);
        if (!requested) {
            return false;
        }
        if (acks != ACKS_ALL) {
            if (explicit) {
                throw new ConfigException("Must set " + ACKS_CONFIG + " to all in order to use the idempotent"
                        + " producer (" + ENABLE_IDEMPOTENCE_CONFIG + "=true). Otherwise set "
                        + ENABLE_IDEMPOTENCE_CONFIG + "=false.");
            }
            return false;
        }
        if (maxInFlight > IDEMPOTENT_IN_FLIGHT_MAX) {
            if (explicit) {
                throw new ConfigException("Must set " + MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + " to at most "
                        + IDEMPOTENT_IN_FLIGHT_MAX + " to use the idempotent producer (" + ENABLE_IDEMPOTENCE_CONFIG
                        + "=true). Otherwise set " + ENABLE_IDEMPOTENCE_CONFIG + "=false.");
            }
            return false;
        }
        return true;
    }
}
