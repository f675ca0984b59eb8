package dev.skiff.client;

/** Kafka's election types. */
public enum ElectionType {
    /** Leadership back to each partition's preferred replica (its first), where that replica is in the ISR. */
    PREFERRED,
    /** An out-of-sync replica leads a partition that has no leader; may lose acknowledged writes. */
    UNCLEAN
}
