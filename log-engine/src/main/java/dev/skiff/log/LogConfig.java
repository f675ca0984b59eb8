package dev.skiff.log;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-partition settings of a log, under Kafka's topic-level names ({@code segment.bytes},
 * {@code retention.ms}, ...). The broker maps its {@code log.*} defaults onto these. Every value is
 * checked when the config is made; an error names the key, the value and the accepted range.
 *
 * @param segmentBytes roll the active segment before it grows past this many bytes
 * @param segmentMs roll the active segment once its first batch is this old
 * @param segmentIndexBytes size of the preallocated offset and time index files; a full index rolls
 * @param indexIntervalBytes bytes of batches between two entries of the sparse indexes
 * @param maxMessageBytes the largest batch accepted, in bytes, including its 12-byte log overhead
 * @param retentionMs delete segments whose newest record is older than this; -1 keeps them forever
 * @param retentionBytes delete oldest segments while the partition is larger; -1 means no limit
 * @param compact cleanup.policy contains {@code compact}
 * @param delete cleanup.policy contains {@code delete}
 * @param deleteRetentionMs how long a compacted log keeps a tombstone, judged by its segment's newest
 *     timestamp
 * @param timestampType message.timestamp.type
 * @param flushPolicy when appends are fsynced
 * @param flushMessages with the interval policy, fsync after this many unflushed records
 * @param flushMs with the interval policy, fsync when the oldest unflushed append is this old
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        int indexIntervalBytes,
        int maxMessageBytes,
        long retentionMs,
        long retentionBytes,
        boolean compact,
        boolean delete,
        long deleteRetentionMs,
        TimestampType timestampType,
        FlushPolicy flushPolicy,
        long flushMessages,
        long flushMs) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String FLUSH_POLICY = "flush.policy";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";

    /** The smallest segment that still holds a batch header; tests use tiny segments. */
    static final int SEGMENT_BYTES_MIN = 128;

    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    public LogConfig {
        checkRange(SEGMENT_BYTES, segmentBytes, SEGMENT_BYTES_MIN, Integer.MAX_VALUE);
        checkRange(SEGMENT_MS, segmentMs, 1, Long.MAX_VALUE);
        checkRange(SEGMENT_INDEX_BYTES, segmentIndexBytes, TimeIndex.ENTRY_BYTES * 2, Integer.MAX_VALUE);
        checkRange(INDEX_INTERVAL_BYTES, indexIntervalBytes, 0, Integer.MAX_VALUE);
        checkRange(MAX_MESSAGE_BYTES, maxMessageBytes, BatchHeader.HEADER_BYTES, Integer.MAX_VALUE);
        checkRange(RETENTION_MS, retentionMs, -1, Long.MAX_VALUE);
        checkRange(RETENTION_BYTES, retentionBytes, -1, Long.MAX_VALUE);
        checkRange(DELETE_RETENTION_MS, deleteRetentionMs, 0, Long.MAX_VALUE);
        checkRange(FLUSH_MESSAGES, flushMessages, 1, Long.MAX_VALUE);
        checkRange(FLUSH_MS, flushMs, 0, Long.MAX_VALUE);
        if (!compact && !delete) {
            throw new IllegalArgumentException(CLEANUP_POLICY + " must contain delete, compact or both");
        }
        if (timestampType == null || flushPolicy == null) {
            throw new IllegalArgumentException("timestampType and flushPolicy must be set");
        }
    }

    /** Kafka's defaults, with skiff's durable flush policy. */
    public static LogConfig defaults() {
        return new LogConfig(
                1024 * 1024 * 1024,
                7 * DAY_MS,
                10 * 1024 * 1024,
                4096,
                1024 * 1024 + 12,
                7 * DAY_MS,
                -1,
                false,
                true,
                DAY_MS,
                TimestampType.CREATE_TIME,
                FlushPolicy.FSYNC,
                Long.MAX_VALUE,
                Long.MAX_VALUE);
    }

    /** The keys {@link #with(Map)} accepts. */
    public static Set<String> keys() {
        return Set.of(
                SEGMENT_BYTES,
                SEGMENT_MS,
                SEGMENT_INDEX_BYTES,
                INDEX_INTERVAL_BYTES,
                MAX_MESSAGE_BYTES,
                RETENTION_MS,
                RETENTION_BYTES,
                CLEANUP_POLICY,
                DELETE_RETENTION_MS,
                MESSAGE_TIMESTAMP_TYPE,
                FLUSH_POLICY,
                FLUSH_MESSAGES,
                FLUSH_MS);
    }

    /**
     * Returns this config with the given topic-level overrides applied.
     *
     * @throws IllegalArgumentException naming the key and the accepted values, for an unknown key or
     *     a bad value
     */
    public LogConfig with(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(toMap());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown topic config '" + e.getKey() + "'; known keys: " + new TreeSet<>(keys()));
            }
            values.put(e.getKey(), e.getValue());
        }
        String policy = values.get(CLEANUP_POLICY);
        return new LogConfig(
                (int) parseLong(values, SEGMENT_BYTES, Integer.MAX_VALUE),
                parseLong(values, SEGMENT_MS, Long.MAX_VALUE),
                (int) parseLong(values, SEGMENT_INDEX_BYTES, Integer.MAX_VALUE),
                (int) parseLong(values, INDEX_INTERVAL_BYTES, Integer.MAX_VALUE),
                (int) parseLong(values, MAX_MESSAGE_BYTES, Integer.MAX_VALUE),
                parseLong(values, RETENTION_MS, Long.MAX_VALUE),
                parseLong(values, RETENTION_BYTES, Long.MAX_VALUE),
                parsePolicy(policy).contains("compact"),
                parsePolicy(policy).contains("delete"),
                parseLong(values, DELETE_RETENTION_MS, Long.MAX_VALUE),
                parse(values, MESSAGE_TIMESTAMP_TYPE, TimestampType::parse),
                parse(values, FLUSH_POLICY, FlushPolicy::parse),
                parseLong(values, FLUSH_MESSAGES, Long.MAX_VALUE),
                parseLong(values, FLUSH_MS, Long.MAX_VALUE));
    }

    /** This config under its topic-level keys, as {@code describe configs} would show it. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(CLEANUP_POLICY, compact && delete ? "compact,delete" : compact ? "compact" : "delete");
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(MESSAGE_TIMESTAMP_TYPE, timestampType.configName());
        m.put(FLUSH_POLICY, flushPolicy.name().toLowerCase(Locale.ROOT));
        m.put(FLUSH_MESSAGES, Long.toString(flushMessages));
        m.put(FLUSH_MS, Long.toString(flushMs));
        return m;
    }

    private static Set<String> parsePolicy(String value) {
        Set<String> parts = new TreeSet<>();
        for (String part : value.split(",", -1)) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (!p.equals("compact") && !p.equals("delete")) {
                throw new IllegalArgumentException(
                        "invalid " + CLEANUP_POLICY + " '" + value + "': use delete, compact or compact,delete");
            }
            parts.add(p);
        }
        return parts;
    }

    private static long parseLong(Map<String, String> values, String key, long max) {
        String raw = values.get(key).trim();
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "invalid " + key + " '" + raw + "': expected a whole number (no units)", e);
        }
        checkRange(key, v, Long.MIN_VALUE, max);
        return v;
    }

    private static <T> T parse(Map<String, String> values, String key, java.util.function.Function<String, T> parser) {
        String raw = values.get(key);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + key + " '" + raw + "': " + e.getMessage(), e);
        }
    }

    private static void checkRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "invalid " + key + " " + value + ": must be between " + min + " and " + max);
        }
    }
}
