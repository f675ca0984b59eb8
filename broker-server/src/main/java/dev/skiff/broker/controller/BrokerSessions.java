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
 * it), so a broker that has just been unfenced is not fenced before it had a full session to
 * heartbeat in. Brokers heartbeat the standby controllers too, so that one taking over knows who
 * went silent (likely the old active controller's own broker): a new term keeps those times, but
 * gives every broker a grace to reach the new controller ({@link #startTerm}).
 */
public final class BrokerSessions {
    private final long sessionTimeoutMs;
    private final long termGraceMs;
    private final Map<Integer, Long> lastSeenMs = new HashMap<>();

    /**
     * @param heartbeatIntervalMs how often brokers heartbeat: a new term gives each broker at
     *     least two of them (and at most half a session) to reach the new controller
     */
    public BrokerSessions(long sessionTimeoutMs, long heartbeatIntervalMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.termGraceMs = Math.min(sessionTimeoutMs / 2, 2 * heartbeatIntervalMs);
    }

    /**
     * This node became the active controller at {@code nowMs}. A broker it heard from keeps its
     * time, moved up so that it has at least the term grace left: a broker that went silent before
     * the election is fenced that much later, and a live one (which heartbeats every voter, and
     * the new controller within a heartbeat of learning of it) is not fenced even if this node
     * itself missed heartbeats (a pause) before it took over.
     */
    public synchronized void startTerm(long nowMs) {
        long floor = nowMs - (sessionTimeoutMs - termGraceMs);
        lastSeenMs.replaceAll((id, seen) -> Math.max(seen, floor));
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
