package dev.skiff.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config errors name the key, in Kafka's words. */
class ConfigTest {
    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String producerError(String... kv) {
        return assertThrows(ConfigException.class, () -> ProducerConfig.parse(props(kv)))
                .getMessage();
    }

    @Test
    void defaultsAreKafkas() {
        ProducerConfig p = ProducerConfig.parse(props());
        assertEquals(ProducerConfig.ACKS_ALL, p.acks());
        assertEquals(5, p.lingerMs());
        assertEquals(16_384, p.batchSizeBytes());
        assertEquals(CompressionType.NONE, p.compression());
        assertEquals(Integer.MAX_VALUE, p.retries());
        assertEquals(120_000, p.deliveryTimeoutMs());
        assertEquals(30_000, p.common().requestTimeoutMs());
        ConsumerConfig c = ConsumerConfig.parse(props());
        assertEquals(ConsumerConfig.OffsetResetStrategy.LATEST, c.autoOffsetReset());
        assertEquals(500, c.fetchMaxWaitMs());
        assertEquals(1_048_576, c.maxPartitionFetchBytes());
        assertEquals(52_428_800, c.fetchMaxBytes());
    }

    @Test
    void acceptsKafkaSpellings() {
        assertEquals(1, ProducerConfig.parse(props("acks", "1")).acks());
        assertEquals(-1, ProducerConfig.parse(props("acks", "-1")).acks());
        assertEquals(0, ProducerConfig.parse(props("acks", "0")).acks());
        assertEquals(
                CompressionType.ZSTD,
                ProducerConfig.parse(props("compression.type", "zstd")).compression());
        assertEquals(
                CompressionType.LZ4,
                ProducerConfig.parse(props("compression.type", "LZ4")).compression());
        assertEquals(
                2,
                ProducerConfig.parse(props("bootstrap.servers", "a:1, b:2"))
                        .common()
                        .bootstrapServers()
                        .size());
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals("Invalid value abc for configuration linger.ms: Not a number", producerError("linger.ms", "abc"));
        assertEquals(
                "Invalid value -1 for configuration batch.size: Value must be at least 0",
                producerError("batch.size", "-1"));
        assertEquals(
                "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1",
                producerError("acks", "2"));
        assertEquals(
                "Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd",
                producerError("compression.type", "brotli"));
        assertEquals(
                "Invalid value maybe for configuration partitioner.ignore.keys: Expected value to be either true or false",
                producerError("partitioner.ignore.keys", "maybe"));
        assertEquals(
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
                producerError("delivery.timeout.ms", "1000", "linger.ms", "10", "request.timeout.ms", "5000"));
    }

    @Test
    void bootstrapServersMustBeHostPorts() {
        Map<String, String> none = new HashMap<>();
        assertEquals(
                "Missing required configuration \"bootstrap.servers\" which has no default value.",
                assertThrows(ConfigException.class, () -> AdminConfig.parse(none))
                        .getMessage());
        assertEquals(
                "Invalid value localhost for configuration bootstrap.servers: Invalid url: localhost (expected host:port)",
                assertThrows(ConfigException.class, () -> AdminConfig.parse(props("bootstrap.servers", "localhost")))
                        .getMessage());
        assertEquals(
                "Invalid value h:99999 for configuration bootstrap.servers: Invalid url: h:99999 (expected host:port)",
                assertThrows(ConfigException.class, () -> ConsumerConfig.parse(props("bootstrap.servers", "h:99999")))
                        .getMessage());
    }

    @Test
    void consumerResetPolicyIsChecked() {
        assertEquals(
                "Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none",
                assertThrows(ConfigException.class, () -> ConsumerConfig.parse(props("auto.offset.reset", "smallest")))
                        .getMessage());
        assertEquals(
                ConsumerConfig.OffsetResetStrategy.EARLIEST,
                ConsumerConfig.parse(props("auto.offset.reset", "earliest")).autoOffsetReset());
    }
}
