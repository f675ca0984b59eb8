package dev.skiff.broker.group;

/**
 * The coordinator's limits and timings, from server.properties.
 *
 * @param sessionTimeoutMsMin group.min.session.timeout.ms
 * @param sessionTimeoutMsMax group.max.session.timeout.ms
 * @param groupSizeMax group.max.size: members (and members told MEMBER_ID_REQUIRED) per group
 * @param initialRebalanceDelayMs group.initial.rebalance.delay.ms
 * @param offsetMetadataBytesMax offset.metadata.max.bytes
 * @param offsetsRetentionMs offsets.retention.minutes, in ms
 */
public record GroupLimits(
        int sessionTimeoutMsMin,
        int sessionTimeoutMsMax,
        int groupSizeMax,
        long initialRebalanceDelayMs,
        int offsetMetadataBytesMax,
        long offsetsRetentionMs) {
    /** Group ids are 1 to this many characters. */
    public static final int GROUP_ID_LENGTH_MAX = 255;

    /** Kafka's defaults. */
    public static GroupLimits defaults() {
        return new GroupLimits(6_000, 1_800_000, Integer.MAX_VALUE, 3_000, 4_096, 7L * 24 * 3600 * 1000);
    }
}
