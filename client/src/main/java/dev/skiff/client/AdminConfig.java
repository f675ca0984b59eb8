package dev.skiff.client;

import dev.skiff.client.internals.CommonClientConfigs;
import dev.skiff.client.internals.ConfigValues;
import java.util.Map;

/** Admin client settings, read from Kafka-named String properties. */
public record AdminConfig(CommonClientConfigs common, long defaultApiTimeoutMs) {
    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
    public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
    public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG =
            CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG;

    /**
     * Parses and validates {@code props}.
     *
     * @throws ConfigException naming the first bad key
     */
    public static AdminConfig parse(Map<String, ?> props) {
        ConfigValues v = new ConfigValues(props);
        CommonClientConfigs common = CommonClientConfigs.parse(v, "adminclient", 30_000);
        return new AdminConfig(common, v.longValue(DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000, 0, Long.MAX_VALUE));
    }
}
