package dev.skiff.log;

/** {@code message.timestamp.type}: whose clock the record timestamps come from. */
public enum TimestampType {
    /** The producer's timestamps are kept. */
    CREATE_TIME("CreateTime"),
    /** The leader stamps each batch with its own clock when it appends it. */
    LOG_APPEND_TIME("LogAppendTime");

    private final String configName;

    TimestampType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TimestampType parse(String value) {
        for (TimestampType t : values()) {
            if (t.configName.equalsIgnoreCase(value.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("use CreateTime or LogAppendTime");
    }
}
