package dev.skiff.client.testing;

import dev.skiff.client.Errors;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** Fault injection and observation points of a {@link FakeCluster}. Thread-safe. */
public final class FakeHooks {
    /** One Produce of one partition as a fake leader received it. */
    public record ProduceArrival(
            int nodeId,
            TopicPartition tp,
            int attempt,
            List<String> values,
            int acks,
            String compression,
            int batches) {}

    /** Decides an error for a partition's n-th Produce attempt (1-based), or null to append normally. */
    public volatile BiFunction<TopicPartition, Integer, Errors> produceError = (tp, n) -> null;

    /** Decides an error for the n-th call (1-based) of an Admin method, or null to answer normally. */
    public volatile BiFunction<String, Integer, Errors> adminError = (method, n) -> null;

    /**
     * Decides an error for the n-th call (1-based) of a Group method ("FindCoordinator",
     * "JoinGroup", "SyncGroup", "Heartbeat", "LeaveGroup", "OffsetCommit", "OffsetFetch", ...), or
     * null to answer normally. The error goes in the response's top-level error field.
     */
    public volatile BiFunction<String, Integer, Errors> groupError = (method, n) -> null;

    /** When set, Produce answers wait until {@link #releaseProduce()}; arrivals are still recorded. */
    public volatile boolean holdProduce;

    /** When set, every call of the named services fails with gRPC UNAVAILABLE. */
    public volatile boolean unavailable;

    /** Nodes whose Broker calls (Produce, Fetch, ...) fail with gRPC UNAVAILABLE, as if killed. */
    public final Set<Integer> downBrokers = ConcurrentHashMap.newKeySet();

    /** Metadata requests served, by any node. */
    public final AtomicInteger metadataCalls = new AtomicInteger();

    public final AtomicInteger initProducerIdCalls = new AtomicInteger();
    /** Idempotent batches answered with their original offsets instead of being written again. */
    public final AtomicInteger duplicates = new AtomicInteger();

    private final List<ProduceArrival> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final Map<TopicPartition, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> adminCalls = new ConcurrentHashMap<>();
    private final List<Runnable> held = new ArrayList<>();

    int nextAttempt(TopicPartition tp) {
        return attempts.computeIfAbsent(tp, k -> new AtomicInteger()).incrementAndGet();
    }

    private final Map<String, AtomicInteger> groupCalls = new ConcurrentHashMap<>();

    int nextGroupCall(String method) {
        return groupCalls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many calls of a Group method the fake nodes received. */
    public int groupCalls(String method) {
        AtomicInteger n = groupCalls.get(method);
        return n == null ? 0 : n.get();
    }

    int nextAdminCall(String method) {
        return adminCalls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    void arrived(ProduceArrival a) {
        arrivals.add(a);
        int now = inFlight.computeIfAbsent(a.tp(), k -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(a.tp(), k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }

    void answered(TopicPartition tp) {
        inFlight.get(tp).decrementAndGet();
    }

    synchronized void hold(Runnable answer) {
        if (holdProduce) {
            held.add(answer);
        } else {
            answer.run();
        }
    }

    /** Sends every held Produce answer and stops holding. */
    public void releaseProduce() {
        List<Runnable> toRun;
        synchronized (this) {
            holdProduce = false;
            toRun = new ArrayList<>(held);
            held.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized int heldCount() {
        return held.size();
    }

    public List<ProduceArrival> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    /** The most Produce requests of one partition the fake ever had open at once. */
    public int maxInFlight(TopicPartition tp) {
        AtomicInteger m = maxInFlight.get(tp);
        return m == null ? 0 : m.get();
    }

    public int adminCalls(String method) {
        AtomicInteger n = adminCalls.get(method);
        return n == null ? 0 : n.get();
    }
}
