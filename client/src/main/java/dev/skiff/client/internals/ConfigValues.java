package dev.skiff.client.internals;

import dev.skiff.client.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Typed reads of Kafka-style String properties. Every error is a {@link ConfigException} whose
 * message names the key, in Kafka's words: {@code Invalid value x for configuration linger.ms: ...}.
 */
public final class ConfigValues {
    private final Map<String, String> raw;

    public ConfigValues(Map<String, ?> props) {
        Map<String, String> copy = new HashMap<>();
        props.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v.toString().trim());
            }
        });
        this.raw = Map.copyOf(copy);
    }

    /** Reads a {@link Properties} (only String keys). */
    public static Map<String, String> toMap(Properties props) {
        Map<String, String> out = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            out.put(name, props.getProperty(name));
        }
        return out;
    }

    public Map<String, String> asMap() {
        return raw;
    }

    public boolean has(String key) {
        return raw.containsKey(key);
    }

    public String string(String key, String defaultValue) {
        return raw.getOrDefault(key, defaultValue);
    }

    public String required(String key) {
        String v = raw.get(key);
        if (v == null || v.isEmpty()) {
            throw new ConfigException("Missing required configuration \"" + key + "\" which has no default value.");
        }
        return v;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        long v = longValue(key, defaultValue, min, max);
        return (int) v;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        String text = raw.get(key);
        if (text == null) {
            return defaultValue;
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, text, "Not a number");
        }
        if (v < min) {
            throw new ConfigException(key, text, "Value must be at least " + min);
        }
        if (v > max) {
            throw new ConfigException(key, text, "Value must be no more than " + max);
        }
        return v;
    }

    public boolean bool(String key, boolean defaultValue) {
        String text = raw.get(key);
        if (text == null) {
            return defaultValue;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, text, "Expected value to be either true or false");
        };
    }

    /** A value from a closed set, compared case-insensitively; the error lists the set. */
    public String choice(String key, String defaultValue, List<String> allowed) {
        String text = raw.getOrDefault(key, defaultValue);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(text)) {
                return a;
            }
        }
        throw new ConfigException(key, text, "String must be one of: " + String.join(", ", allowed));
    }

    public List<HostPort> bootstrap(String key) {
        String text = required(key);
        try {
            return HostPort.parseList(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, text, e.getMessage());
        }
    }
}
