package dev.skiff.client;

import java.util.Locale;

/** A classic consumer group's state, printed with Kafka's names ({@code Stable}, {@code Empty}, ...). */
public enum GroupState {
    UNKNOWN("Unknown"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead"),
    EMPTY("Empty");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The state with this name, case-insensitively ({@code stable}, {@code Stable}); else {@link #UNKNOWN}. */
    public static GroupState parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (GroupState s : values()) {
            if (s.kafkaName.toLowerCase(Locale.ROOT).equals(wanted)) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** True while the group has no members: its offsets may be changed from outside it. */
    public boolean isInactive() {
        return this == EMPTY || this == DEAD;
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
