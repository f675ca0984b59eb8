package dev.skiff.cli;

/** Paces sends to a target rate (Kafka's ThroughputThrottler, as a pure function of counts and time). */
final class Throttler {
    private final double targetPerSec;
    private final long startMs;

    /** A negative target means unlimited. */
    Throttler(double targetPerSec, long startMs) {
        this.targetPerSec = targetPerSec;
        this.startMs = startMs;
    }

    /** How long to wait before sending item {@code sentSoFar + 1}; 0 to go on at once. */
    long waitMs(long sentSoFar, long nowMs) {
        if (targetPerSec < 0) {
            return 0;
        }
        if (targetPerSec == 0) {
            return Long.MAX_VALUE;
        }
        long dueMs = startMs + (long) Math.ceil(sentSoFar * 1000.0 / targetPerSec);
        return Math.max(0, dueMs - nowMs);
    }
}
