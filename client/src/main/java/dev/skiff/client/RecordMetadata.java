package dev.skiff.client;

/**
 * Where an acknowledged record landed. {@code offset} is -1 with {@code acks=0}, where the broker
 * reports nothing. {@code timestampMs} is the broker's time for LogAppendTime topics, else the
 * record's own.
 */
public record RecordMetadata(
        TopicPartition topicPartition, long offset, long timestampMs, int serializedKeySize, int serializedValueSize) {
    public String topic() {
        return topicPartition.topic();
    }

    public int partition() {
        return topicPartition.partition();
    }

    public boolean hasOffset() {
        return offset >= 0;
    }

    @Override
    public String toString() {
        return topicPartition + "@" + offset;
    }
}
