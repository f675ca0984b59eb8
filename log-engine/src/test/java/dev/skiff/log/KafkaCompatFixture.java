package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A skiff log whose single segment holds a batch in every compression under both timestamp types,
 * with keys, null keys, null values and headers, plus an idempotent-producer batch: what Kafka's
 * own readers must accept.
 */
final class KafkaCompatFixture {
    static final long T0_MS = 1_700_000_000_000L;
    static final int LEADER_EPOCH = 5;
    static final long PRODUCER_ID = 4242;
    static final short PRODUCER_EPOCH = 3;
    /** A new producer id starts at sequence 0; the log refuses anything else (UNKNOWN_PRODUCER_ID). */
    static final int BASE_SEQUENCE = 0;
    /** Small enough that both index files get entries for Kafka's tools to check. */
    static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "300"));

    /**
     * One batch as written.
     *
     * @param appendTimeMs the leader's clock at the append: the batch's LogAppendTime, if it has one
     */
    record Expected(
            Compression compression,
            TimestampType timestampType,
            long baseOffset,
            long appendTimeMs,
            boolean idempotent,
            List<RecordData> records) {
        long lastOffset() {
            return baseOffset + records.size() - 1;
        }

        long maxTimestampMs() {
            if (timestampType == TimestampType.LOG_APPEND_TIME) {
                return appendTimeMs;
            }
            return records.stream().mapToLong(RecordData::timestampMs).max().orElseThrow();
        }

        long timestampOf(RecordData r) {
            return timestampType == TimestampType.LOG_APPEND_TIME ? appendTimeMs : r.timestampMs();
        }
    }

    private KafkaCompatFixture() {}

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the log into {@code dir}, closes it, and returns its batches in file order. */
    static List<Expected> write(Path dir) throws IOException {
        LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(T0_MS);
        List<Expected> out = new ArrayList<>();
        try (Log log = Log.open(dir, CONFIG, clock, LogLoader.Options.unclean())) {
            for (TimestampType type : TimestampType.values()) {
                log.updateConfig(
                        LogConfig.defaults().with(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, type.configName())));
                for (Compression c : Compression.values()) {
                    clock.advanceMs(60_000);
                    out.add(append(log, clock, c, type, false));
                }
            }
            clock.advanceMs(60_000);
            out.add(append(log, clock, Compression.LZ4, TimestampType.LOG_APPEND_TIME, true));
            assertEquals(1, log.segmentCount());
        }
        return out;
    }

    private static Expected append(
            Log log, LogTestSupport.ManualClock clock, Compression c, TimestampType type, boolean idempotent)
            throws IOException {
        String tag = c.name().toLowerCase(Locale.ROOT) + "/" + type.configName();
        long createMs = clock.millis() - 5_000;
        List<RecordData> records = List.of(
                new RecordData(
                        utf8("key-" + tag),
                        utf8("hello kafka from skiff, " + tag),
                        createMs,
                        List.of(
                                new RecordData.Header("trace-id", utf8("abc-" + tag)),
                                new RecordData.Header("empty-header", null))),
                new RecordData(null, utf8("no key, " + tag), createMs + 7),
                new RecordData(utf8("deleted-" + tag), null, createMs + 3));
        var batch = idempotent
                ? KafkaRecordFormat.encode(0, c, type, PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE, records)
                : KafkaRecordFormat.encode(0, c, type, records);
        AppendInfo info = log.appendAsLeader(batch, LEADER_EPOCH);
        return new Expected(c, type, info.firstOffset(), clock.millis(), idempotent, records);
    }

    static Path segment(Path dir) {
        return SegmentFiles.log(dir, 0);
    }

    static Path index(Path dir) {
        return SegmentFiles.index(dir, 0);
    }

    static Path timeIndex(Path dir) {
        return SegmentFiles.timeIndex(dir, 0);
    }
}
