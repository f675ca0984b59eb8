package dev.skiff.client;

import java.util.List;

/** A record read from a partition. Key and value may be null. */
public record ConsumerRecord(
        String topic,
        int partition,
        long offset,
        long timestampMs,
        TimestampType timestampType,
        byte[] key,
        byte[] value,
        List<Header> headers,
        int leaderEpoch) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public int serializedKeySize() {
        return key == null ? -1 : key.length;
    }

    public int serializedValueSize() {
        return value == null ? -1 : value.length;
    }

    @Override
    public String toString() {
        return "ConsumerRecord(" + topic + "-" + partition + "@" + offset + ", " + timestampType + "=" + timestampMs
                + ")";
    }
}
