package dev.skiff.client.internals;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the heartbeat thread of one group member: every tick it sends the member's Heartbeat when
 * heartbeat.interval.ms has passed since the last one (only while the member is in a stable
 * generation), and makes the member leave when the consumer has not polled within
 * max.poll.interval.ms. Started by {@link #start()}, stopped by {@link #close()}.
 */
public final class HeartbeatRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatRunner.class);
    private static final long TICK_MS_MAX = 100;

    private final GroupMembership membership;
    private final ThreadFactory threadFactory;
    private final long tickMs;
    private ScheduledExecutorService thread;

    public HeartbeatRunner(GroupMembership membership, ThreadFactory threadFactory, long heartbeatIntervalMs) {
        this.membership = membership;
        this.threadFactory = threadFactory;
        this.tickMs = Math.max(1, Math.min(TICK_MS_MAX, heartbeatIntervalMs));
    }

    /** Starts the thread; a second call does nothing. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = ClientExecutors.singleThread(threadFactory);
        thread.scheduleWithFixedDelay(this::tick, 0, tickMs, TimeUnit.MILLISECONDS);
    }

    public synchronized boolean isRunning() {
        return thread != null;
    }

    private void tick() {
        try {
            membership.heartbeatTick(membership.nowMs());
        } catch (RuntimeException e) {
            // A failed tick must not end the schedule; the next one tries again.
            log.warn("Heartbeat tick failed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
