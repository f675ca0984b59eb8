package dev.skiff.broker.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The active controller's view of broker liveness: when each unfenced broker last heartbeat. Pure
 * (times come in as arguments), so the fencing rule is a plain function of (state, now).
 *
 * <p>A broker's session starts when the controller first sees it unfenced (or first hears from
 * it), so neither a controller that has just become active ({@link #startTerm}) nor a broker that
 * has just been unfenced is fenced before it had a full session to heartbeat in.
 */
public final class BrokerSessions {
    private final long sessionTimeoutMs;
    private final Map<Integer, Long> lastSeenMs = new HashMap<>();

    public BrokerSessions(long sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** This node became the active controller: every session starts afresh. */
    public synchronized void startTerm() {
        lastSeenMs.clear();
    }

    public synchronized void heartbeat(int nodeId, long nowMs) {
        lastSeenMs.merge(nodeId, nowMs, Math::max);
    }

    /**
     * The unfenced brokers silent for longer than the session timeout at {@code nowMs}, to be
     * fenced; their sessions end here, so a later unfencing starts a new one.
     */
    public synchronized List<Integer> expired(Collection<Integer> unfencedBrokers, long nowMs) {
        List<Integer> out = new ArrayList<>();
        for (int id : unfencedBrokers) {
            Long seen = lastSeenMs.get(id);
            if (seen == null) {
                lastSeenMs.put(id, nowMs);
            } else if (nowMs - seen > sessionTimeoutMs) {
                out.add(id);
                lastSeenMs.remove(id);
            }
        }
        return out;
    }
}
