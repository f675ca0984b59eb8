package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    @Test
    void defaultsAreKafkasWithDurableFlush() {
        LogConfig c = LogConfig.defaults();
        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(7L * 24 * 3600 * 1000, c.retentionMs());
        assertEquals(-1, c.retentionBytes());
        assertEquals(FlushPolicy.FSYNC, c.flushPolicy());
        assertEquals(TimestampType.CREATE_TIME, c.timestampType());
        assertTrue(c.delete());
    }

    @Test
    void parsesOverridesUnderKafkaNames() {
        LogConfig c = LogConfig.defaults()
                .with(Map.of(
                        "segment.bytes", "4096",
                        "cleanup.policy", "compact,delete",
                        "message.timestamp.type", "LogAppendTime",
                        "flush.policy", "interval",
                        "flush.messages", "10"));
        assertEquals(4096, c.segmentBytes());
        assertTrue(c.compact() && c.delete());
        assertEquals(TimestampType.LOG_APPEND_TIME, c.timestampType());
        assertEquals(FlushPolicy.INTERVAL, c.flushPolicy());
        assertEquals(10, c.flushMessages());
        assertEquals(c, LogConfig.defaults().with(c.toMap()));
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        assertMessage("segment.bytes", Map.of("segment.bytes", "1GB"), "whole number");
        assertMessage("segment.bytes", Map.of("segment.bytes", "10"), "between 128");
        assertMessage("retention.ms", Map.of("retention.ms", "-5"), "between -1");
        assertMessage("cleanup.policy", Map.of("cleanup.policy", "shred"), "compact,delete");
        assertMessage("message.timestamp.type", Map.of("message.timestamp.type", "Now"), "LogAppendTime");
        assertMessage("flush.policy", Map.of("flush.policy", "sometimes"), "fsync or interval");
        assertMessage("retension.ms", Map.of("retension.ms", "1"), "unknown topic config");
        assertMessage("max.message.bytes", Map.of("max.message.bytes", "99999999999"), "between");
    }

    private static void assertMessage(String key, Map<String, String> overrides, String hint) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> LogConfig.defaults().with(overrides));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
    }
}
