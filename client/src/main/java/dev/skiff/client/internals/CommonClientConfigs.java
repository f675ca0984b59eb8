package dev.skiff.client.internals;

import java.util.List;

/**
 * Settings every client has.
 *
 * @param connectionSetupTimeoutMs skiff's reading of {@code socket.connection.setup.timeout.ms}: how
 *     long every address may keep failing at the connection level, with no broker ever answering,
 *     before an operation fails with {@link dev.skiff.client.ClusterUnreachableException}
 */
public record CommonClientConfigs(
        List<HostPort> bootstrapServers,
        String clientId,
        int requestTimeoutMs,
        long retryBackoffMs,
        long retryBackoffMaxMs,
        long metadataMaxAgeMs,
        long connectionSetupTimeoutMs) {
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String CLIENT_ID_CONFIG = "client.id";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    public static final String METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG = "socket.connection.setup.timeout.ms";

    public static CommonClientConfigs parse(ConfigValues v, String defaultClientId, int defaultRequestTimeoutMs) {
        return new CommonClientConfigs(
                v.bootstrap(BOOTSTRAP_SERVERS_CONFIG),
                v.string(CLIENT_ID_CONFIG, defaultClientId),
                v.intValue(REQUEST_TIMEOUT_MS_CONFIG, defaultRequestTimeoutMs, 1, Integer.MAX_VALUE),
                v.longValue(RETRY_BACKOFF_MS_CONFIG, 100, 0, Long.MAX_VALUE),
                v.longValue(RETRY_BACKOFF_MAX_MS_CONFIG, 1000, 0, Long.MAX_VALUE),
                v.longValue(METADATA_MAX_AGE_CONFIG, 300_000, 0, Long.MAX_VALUE),
                v.longValue(SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 10_000, 0, Long.MAX_VALUE));
    }
}
