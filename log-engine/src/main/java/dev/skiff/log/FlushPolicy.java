package dev.skiff.log;

import java.util.Locale;

/** {@code flush.policy} (broker key {@code log.flush.policy}): when appended bytes are fsynced. */
public enum FlushPolicy {
    /**
     * The default: an append returns only after its bytes are fsynced. Concurrent appenders share
     * one fsync (group commit). Acknowledged writes survive power loss.
     */
    FSYNC,
    /**
     * Kafka's behaviour: fsync after {@code flush.messages} records or {@code flush.ms}; until then,
     * acknowledged writes live only in the page cache and a machine crash loses them.
     */
    INTERVAL;

    public static FlushPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("use fsync or interval", e);
        }
    }
}
