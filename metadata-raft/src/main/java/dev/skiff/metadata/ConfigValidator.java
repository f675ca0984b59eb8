package dev.skiff.metadata;

import java.util.Map;
import java.util.Optional;

/**
 * Checks dynamic configs before the controller commits them. Pluggable, so that the broker can
 * check topic configs with the log engine's rules without this module depending on it (DESIGN §2).
 * Must be a pure function of its arguments: the same configs are judged the same on every call.
 */
@FunctionalInterface
public interface ConfigValidator {
    /** Accepts every config: for tests, and until the broker plugs in its rules. */
    ConfigValidator ACCEPT_ALL = (resource, configs) -> Optional.empty();

    /**
     * Why {@code configs}, the complete set of dynamic configs {@code resource} would have after the
     * change, are not acceptable (naming the key, the value and what is accepted), or empty if they are.
     */
    Optional<String> problem(ConfigResource resource, Map<String, String> configs);
}
