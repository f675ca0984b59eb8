package dev.skiff.client;

import java.util.List;
import java.util.Objects;

/**
 * A record to send. {@code partition} null lets the producer choose (murmur2 of the key, or a
 * sticky partition for keyless records); {@code timestampMs} null means the producer's clock.
 */
public record ProducerRecord(
        String topic, Integer partition, Long timestampMs, byte[] key, byte[] value, List<Header> headers) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException(
                    "Invalid partition: " + partition + ". Partition number should always be non-negative or null.");
        }
        if (timestampMs != null && timestampMs < 0) {
            throw new IllegalArgumentException(
                    "Invalid timestamp: " + timestampMs + ". Timestamp should always be non-negative or null.");
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, byte[] value) {
        this(topic, null, null, null, value, List.of());
    }

    public ProducerRecord(String topic, byte[] key, byte[] value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, Integer partition, byte[] key, byte[] value) {
        this(topic, partition, null, key, value, List.of());
    }
}
