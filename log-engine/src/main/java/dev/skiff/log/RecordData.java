package dev.skiff.log;

import java.util.List;

/**
 * A record to encode into a batch: key and value may be null (a null value on a compacted topic is a
 * tombstone).
 */
public record RecordData(byte[] key, byte[] value, long timestampMs, List<Header> headers) {
    public record Header(String key, byte[] value) {}

    public RecordData(byte[] key, byte[] value, long timestampMs) {
        this(key, value, timestampMs, List.of());
    }
}
