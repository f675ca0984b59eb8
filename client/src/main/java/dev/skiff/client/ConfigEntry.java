package dev.skiff.client;

/** One config key's value and where it came from. */
public record ConfigEntry(String name, String value, Source source, boolean readOnly) {
    /** Kafka's config sources; {@link #UNKNOWN} for anything the broker did not say. */
    public enum Source {
        DYNAMIC_TOPIC_CONFIG,
        DYNAMIC_BROKER_CONFIG,
        DYNAMIC_DEFAULT_BROKER_CONFIG,
        STATIC_BROKER_CONFIG,
        DEFAULT_CONFIG,
        UNKNOWN
    }

    /** True if set on the resource itself rather than inherited or defaulted. */
    public boolean isDynamic() {
        return source == Source.DYNAMIC_TOPIC_CONFIG || source == Source.DYNAMIC_BROKER_CONFIG;
    }
}
