package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.Futures;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The moves of {@code skiff cluster decommission}: which partitions go where, started and awaited. */
final class Decommissioning {
    /** How often the moves are looked at while waiting. */
    static final long POLL_MS = 500;

    private Decommissioning() {}

    /**
     * For every partition with a replica on {@code broker}: its replicas with that one replaced by
     * the live broker (of {@code others}) holding the fewest replicas that is not a replica yet, or,
     * if none is left, without it, as long as that keeps at least min.insync.replicas replicas.
     */
    static Map<TopicPartition, List<Integer>> plan(Admin admin, int broker, List<Integer> others) {
        Set<String> names = Futures.get(admin.listTopics(true));
        List<TopicDescription> topics = new ArrayList<>();
        admin.describeTopics(names).values().forEach((name, f) -> {
            try {
                topics.add(Futures.get(f));
            } catch (ApiException e) {
                // deleted meanwhile: nothing of it to move
            }
        });
        return plan(topics, broker, others);
    }

    static Map<TopicPartition, List<Integer>> plan(
            Collection<TopicDescription> topics, int broker, List<Integer> others) {
        Map<Integer, Integer> load = new HashMap<>();
        others.forEach(b -> load.put(b, 0));
        for (TopicDescription t : topics) {
            for (PartitionInfo p : t.partitions()) {
                p.replicas().forEach(r -> load.computeIfPresent(r, (k, n) -> n + 1));
            }
        }
        Map<TopicPartition, List<Integer>> plan = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (TopicDescription t : new TreeMap<>(byName(topics)).values()) {
            for (PartitionInfo p : t.partitions()) {
                if (!p.replicas().contains(broker)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                Optional<Integer> to = others.stream()
                        .filter(b -> !p.replicas().contains(b))
                        .min((a, b) -> load.get(a).equals(load.get(b))
                                ? Integer.compare(a, b)
                                : Integer.compare(load.get(a), load.get(b)));
                List<Integer> replicas = new ArrayList<>(p.replicas());
                if (to.isPresent()) {
                    replicas.set(replicas.indexOf(broker), to.get());
                    load.merge(to.get(), 1, Integer::sum);
                } else {
                    replicas.remove(Integer.valueOf(broker));
                    int minIsr = Math.max(1, t.minInsyncReplicas());
                    if (replicas.size() < minIsr) {
                        refused.add(tp + " (replicas " + p.replicas() + ", min.insync.replicas " + minIsr + ")");
                        continue;
                    }
                }
                plan.put(tp, replicas);
            }
        }
        if (!refused.isEmpty()) {
            throw new UserException("Cannot decommission broker " + broker + ": with " + others.size() + " other live"
                    + " broker(s) " + others + ", these partitions would be left with fewer replicas than their"
                    + " min.insync.replicas: " + String.join(", ", refused) + ". Start another broker, or lower"
                    + " their replication factor or min.insync.replicas first.");
        }
        return plan;
    }

    private static Map<String, TopicDescription> byName(Collection<TopicDescription> topics) {
        Map<String, TopicDescription> out = new HashMap<>();
        topics.forEach(t -> out.put(t.name(), t));
        return out;
    }

    static void start(Admin admin, Map<TopicPartition, Optional<List<Integer>>> targets) {
        List<String> errors = new ArrayList<>();
        admin.alterPartitionReassignments(targets).values().forEach((tp, f) -> {
            try {
                Futures.get(f);
            } catch (ApiException e) {
                errors.add(tp + ": " + e.error() + ": " + Skiff.oneLine(e.getMessage()));
            }
        });
        if (!errors.isEmpty()) {
            throw new UserException("Could not start the moves: " + String.join("; ", errors));
        }
    }

    /** Waits until none of {@code partitions} is being moved. */
    static void await(Admin admin, java.time.Clock clock, Set<TopicPartition> partitions, long timeoutMs) {
        long deadline = clock.millis() + timeoutMs;
        while (true) {
            Set<TopicPartition> moving =
                    Futures.get(admin.listPartitionReassignments(partitions)).keySet();
            if (moving.isEmpty()) {
                return;
            }
            if (clock.millis() >= deadline) {
                throw new UserException("The moves of " + moving.size() + " partition(s) " + moving + " are not done"
                        + " after " + timeoutMs + " ms; they go on in the background: run skiff cluster decommission"
                        + " again to wait, or skiff reassign-partitions --list to watch them");
            }
            // The next look, a poll interval later (the moves report no progress events to wait on).
            Futures.get(java.util.concurrent.CompletableFuture.runAsync(
                    () -> {},
                    java.util.concurrent.CompletableFuture.delayedExecutor(
                            POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
    }
}
