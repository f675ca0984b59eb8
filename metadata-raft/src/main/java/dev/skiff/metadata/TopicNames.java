package dev.skiff.metadata;

import java.util.Optional;

/** Kafka's rules for topic names, with Kafka's wording so users recognise the errors. */
public final class TopicNames {
    /** Kafka's limit: a partition directory name ({@code <topic>-<partition>}) must fit 255 bytes. */
    public static final int MAX_LENGTH = 249;

    private TopicNames() {}

    /** Why {@code name} cannot name a topic, or empty if it can. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("Topic name is illegal, it can't be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("Topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("Topic name is illegal, it can't be longer than " + MAX_LENGTH
                    + " characters, topic name: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isLegal(name.charAt(i))) {
                return Optional.of("Topic name \"" + name + "\" is illegal, it contains a character other than "
                        + "ASCII alphanumerics, '.', '_' and '-'");
            }
        }
        return Optional.empty();
    }

    /**
     * The name with '.' replaced by '_': two topics whose names unify to the same string would
     * collide in metric names, so Kafka refuses to create the second.
     */
    public static String unifyCollisionChars(String name) {
        return name.replace('.', '_');
    }

    private static boolean isLegal(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }
}
