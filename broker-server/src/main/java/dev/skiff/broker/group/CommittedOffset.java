package dev.skiff.broker.group;

/** An offset a group committed for one partition. */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}
