package dev.skiff.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for log-engine tests: a settable clock, batch builders and log openers. */
final class LogTestSupport {
    private LogTestSupport() {}

    /** A clock that only moves when the test moves it. */
    static final class ManualClock extends Clock {
        private volatile long nowMs;

        ManualClock(long nowMs) {
            this.nowMs = nowMs;
        }

        void advanceMs(long ms) {
            nowMs += ms;
        }

        void setMs(long ms) {
            nowMs = ms;
        }

        @Override
        public long millis() {
            return nowMs;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** One batch of the given values, no keys, CreateTime {@code timestampMs}. */
    static ByteBuffer batch(long timestampMs, String... values) {
        return batch(Compression.NONE, timestampMs, values);
    }

    static ByteBuffer batch(Compression compression, long timestampMs, String... values) {
        List<RecordData> records = new ArrayList<>();
        for (String v : values) {
            records.add(new RecordData(null, utf8(v), timestampMs));
        }
        return KafkaRecordFormat.encode(0, compression, TimestampType.CREATE_TIME, records);
    }

    static ByteBuffer keyed(long timestampMs, String key, String value) {
        return KafkaRecordFormat.encode(
                0,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                List.of(new RecordData(utf8(key), value == null ? null : utf8(value), timestampMs)));
    }

    static Log open(Path dir, LogConfig config, Clock clock) throws IOException {
        return Log.open(dir, config, clock, LogLoader.Options.unclean());
    }

    /** All records from the log start to the end, decoded. */
    static List<LogRecord> readAll(Log log) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            if (info.slice().isEmpty()) {
                break;
            }
            for (LogRecord r : KafkaRecordFormat.decode(info.slice().get().readAll())) {
                if (r.offset() >= next) {
                    out.add(r);
                }
            }
            next = info.slice().get().nextOffset();
        }
        return out;
    }
}
