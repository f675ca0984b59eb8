package dev.skiff.metadata;

import java.util.Objects;
import java.util.Optional;

/** One key of an incremental config change: set to a value, or delete (back to the default). */
public record ConfigOp(String key, Optional<String> value) {
    public ConfigOp {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public static ConfigOp set(String key, String value) {
        return new ConfigOp(key, Optional.of(value));
    }

    public static ConfigOp delete(String key) {
        return new ConfigOp(key, Optional.empty());
    }
}
