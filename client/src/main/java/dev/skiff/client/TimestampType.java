package dev.skiff.client;

/** How a record's timestamp was set; {@link #toString()} gives Kafka's spelling. */
public enum TimestampType {
    CREATE_TIME("CreateTime"),
    LOG_APPEND_TIME("LogAppendTime");

    private final String kafkaName;

    TimestampType(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
