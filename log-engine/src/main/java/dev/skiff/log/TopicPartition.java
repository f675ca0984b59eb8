package dev.skiff.log;

import java.util.Optional;

/**
 * A partition of a topic; its log lives in the directory {@code <topic>-<partition>}. Topic names
 * follow Kafka's rules: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}.
 */
public record TopicPartition(String topic, int partition) {
    public static final int TOPIC_NAME_LENGTH_MAX = 249;

    public TopicPartition {
        validateTopicName(topic);
        if (partition < 0) {
            throw new IllegalArgumentException("partition " + partition + " of topic " + topic + " is negative");
        }
    }

    /** Checks a topic name; the message says what is wrong and what is allowed. */
    public static void validateTopicName(String topic) {
        if (topic == null || topic.isEmpty() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(
                    "topic name '" + topic + "' is not allowed: it must not be empty, '.' or '..'");
        }
        if (topic.length() > TOPIC_NAME_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "topic name is " + topic.length() + " characters; the limit is " + TOPIC_NAME_LENGTH_MAX);
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("topic name '" + topic + "' has the character '" + c
                        + "'; use only ASCII letters, digits, '.', '_' and '-'");
            }
        }
    }

    /** The name of the partition's directory under a log dir. */
    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a directory name such as {@code orders-3}; empty if it does not name a partition. */
    public static Optional<TopicPartition> fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return dirName();
    }
}
