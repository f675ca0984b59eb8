package dev.skiff.broker.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The active controller's view of broker liveness: when each unfenced broker last heartbeat. Pure
 * (times come in as arguments), so the fencing rule is a plain function of (state, now).
 *
 * <p>A broker's session starts when the controller first sees it unfenced (or first hears from
 * it), so a broker that has just been unfenced is not fenced before it had a full session to
 * heartbeat in. Brokers heartbeat the standby controllers too, so that one taking over knows who
 * went silent (likely the old active controller's own broker): a new term keeps those times, but
 * gives every broker a grace to reach the new controller ({@link #startTerm}).
 *
 * <p>Two rules keep a slow controller from fencing live brokers. An unfencing is itself a sign of
 * life (the broker asked for it a moment ago), so a broker newly seen unfenced starts its session
 * then, whatever heartbeats were missed while it was fenced. And silence is only judged by a
 * controller that was itself awake: when the checks (every half heartbeat) were held up for more
 * than the term grace (a GC pause, a starved CPU, a stopped process), the heartbeats sent meanwhile
 * may still be queued unread, so every broker gets the grace again, as at a new term.
 */
public final class BrokerSessions {
    private final long sessionTimeoutMs;
    private final long termGraceMs;
    private final Map<Integer, Long> lastSeenMs = new HashMap<>();
    /** The brokers the previous check saw unfenced; null until the first check of a term. */
    private Set<Integer> seenUnfenced;

    private long lastCheckMs = Long.MIN_VALUE;

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
        grace(nowMs);
        seenUnfenced = null;
        lastCheckMs = nowMs;
    }

    private void grace(long nowMs) {
        long floor = nowMs - (sessionTimeoutMs - termGraceMs);
        lastSeenMs.replaceAll((id, seen) -> Math.max(seen, floor));
    }

    public synchronized void heartbeat(int nodeId, long nowMs) {
        lastSeenMs.merge(nodeId, nowMs, Math::max);
    }

    /**
     * The unfenced brokers silent for longer than the session timeout at {@code nowMs}, to be
     * fenced; their sessions end here, so a later unfencing starts a new one. Called every half
     * heartbeat interval while this node is the active controller.
     */
    public synchronized List<Integer> expired(Collection<Integer> unfencedBrokers, long nowMs) {
        if (lastCheckMs != Long.MIN_VALUE && nowMs - lastCheckMs > termGraceMs) {
            grace(nowMs);
        }
        lastCheckMs = Math.max(lastCheckMs, nowMs);
        List<Integer> out = new ArrayList<>();
        Set<Integer> unfenced = new HashSet<>(unfencedBrokers);
        for (int id : unfencedBrokers) {
            Long seen = lastSeenMs.get(id);
            boolean newlyUnfenced = seenUnfenced != null && !seenUnfenced.contains(id);
            if (seen == null || newlyUnfenced) {
                lastSeenMs.merge(id, nowMs, Math::max);
            } else if (nowMs - seen > sessionTimeoutMs) {
                out.add(id);
                lastSeenMs.remove(id);
                unfenced.remove(id);
            }
        }
        seenUnfenced = unfenced;
        return out;
    }

    /**
     * The unfenced brokers silent for longer than {@code silenceMs} but not yet for a session, at
     * {@code nowMs}: the ones worth a look before their session runs out (see {@code Liveness}).
     * Judged on the times as the last {@link #expired} check left them.
     */
    public synchronized List<Integer> silentLongerThan(
            Collection<Integer> unfencedBrokers, long silenceMs, long nowMs) {
        List<Integer> out = new ArrayList<>();
        for (int id : unfencedBrokers) {
            Long seen = lastSeenMs.get(id);
            if (seen != null && nowMs - seen > silenceMs) {
                out.add(id);
            }
        }
        return out;
    }

    /** The broker was fenced before its session ran out: a later unfencing starts a new one. */
    public synchronized void end(int nodeId) {
        lastSeenMs.remove(nodeId);
        if (seenUnfenced != null) {
            seenUnfenced.remove(nodeId);
        }
    }
}
