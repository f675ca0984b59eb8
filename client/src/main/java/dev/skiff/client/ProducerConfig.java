package dev.skiff.client;

import dev.skiff.client.internals.CommonClientConfigs;
import dev.skiff.client.internals.ConfigValues;
import java.util.List;
import java.util.Map;

/**
 * Producer settings, read from Kafka-named String properties. Keys skiff does not use yet
 * (serializers, idempotence, max.in.flight.requests.per.connection) are accepted and ignored:
 * records are bytes, and the producer keeps one request in flight per partition.
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
        boolean partitionerIgnoreKeys) {
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
                ignoreKeys);
    }
}
