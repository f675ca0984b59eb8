package dev.skiff.broker.replica;

import java.time.Clock;

/**
 * A leader's cap on the bytes it sends to replicas a reassignment is adding ({@code
 * leader.replication.throttled.rate}, set by {@code reassign-partitions --throttle}): a token bucket
 * holding at most one second of the rate. A fetch may take one batch more than the bucket holds;
 * the debt is paid before the next throttled fetch gets anything, so the average stays at the rate.
 * Followers already in the ISR are never throttled: the throttle slows a copy, never acks=all.
 *
 * <p>Threads: called from any fetch-serving thread; every method is synchronized.
 */
public final class ReplicationThrottle {
    /** The rate meaning "no throttle". */
    public static final long UNTHROTTLED = Long.MAX_VALUE;

    private final Clock clock;
    private long rateBytesPerS = UNTHROTTLED;
    private double tokens;
    private long lastRefillMs;

    public ReplicationThrottle(Clock clock) {
        this.clock = clock;
        this.lastRefillMs = clock.millis();
    }

    /** Sets the rate; a lower one takes effect at once (the bucket is cut to one second of it). */
    public synchronized void setRate(long bytesPerS) {
        if (bytesPerS == rateBytesPerS) {
            return;
        }
        refill();
        rateBytesPerS = Math.max(1, bytesPerS);
        tokens = Math.min(tokens, rateBytesPerS);
    }

    public synchronized boolean isOn() {
        return rateBytesPerS != UNTHROTTLED;
    }

    /** How many of {@code wantedBytes} a throttled fetch may read now; 0 while the bucket is empty or in debt. */
    public synchronized int allowance(int wantedBytes) {
        if (!isOn()) {
            return wantedBytes;
        }
        refill();
        if (tokens < 1) {
            return 0;
        }
        return (int) Math.min(wantedBytes, Math.max(1, (long) tokens));
    }

    /** A throttled fetch read {@code bytes}. */
    public synchronized void consumed(int bytes) {
        if (isOn()) {
            tokens -= bytes;
        }
    }

    private void refill() {
        long now = clock.millis();
        long elapsed = Math.max(0, now - lastRefillMs);
        lastRefillMs = now;
        if (rateBytesPerS != UNTHROTTLED) {
            tokens = Math.min(rateBytesPerS, tokens + (double) rateBytesPerS * elapsed / 1000.0);
        }
    }
}
