package dev.skiff.log;

import java.util.List;

/** A record decoded from a batch, with its offset and timestamp resolved. */
public record LogRecord(long offset, long timestampMs, byte[] key, byte[] value, List<RecordData.Header> headers) {}
