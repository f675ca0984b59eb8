package dev.skiff.client.internals;

import java.util.random.RandomGenerator;

/** Exponential backoff with ±20% jitter, as Kafka's {@code retry.backoff.ms}/{@code retry.backoff.max.ms}. */
public final class Backoff {
    private static final double JITTER = 0.2;

    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;

    public Backoff(long initialMs, long maxMs, RandomGenerator random) {
        this.initialMs = Math.max(0, initialMs);
        this.maxMs = Math.max(this.initialMs, maxMs);
        this.random = random;
    }

    /** The wait before attempt {@code attempts + 1}, given that {@code attempts} (at least 1) have failed. */
    public long backoffMs(int attempts) {
        if (initialMs == 0) {
            return 0;
        }
        int exp = Math.min(Math.max(attempts - 1, 0), 30);
        double base = Math.min((double) maxMs, initialMs * Math.pow(2, exp));
        double jitter;
        synchronized (random) {
            jitter = 1 + JITTER * (2 * random.nextDouble() - 1);
        }
        return Math.max(0, Math.min(maxMs, Math.round(base * jitter)));
    }

    public long initialMs() {
        return initialMs;
    }
}
