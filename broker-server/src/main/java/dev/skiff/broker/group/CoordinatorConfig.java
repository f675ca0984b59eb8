package dev.skiff.broker.group;

/**
 * The coordinator's settings from server.properties.
 *
 * @param retentionCheckIntervalMs offsets.retention.check.interval.ms
 * @param commitTimeoutMs offsets.commit.timeout.ms: how long a commit waits for the ISR
 */
public record CoordinatorConfig(GroupLimits limits, long retentionCheckIntervalMs, long commitTimeoutMs) {}
