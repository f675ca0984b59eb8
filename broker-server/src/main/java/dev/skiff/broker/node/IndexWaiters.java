package dev.skiff.broker.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures that complete once a monotonically advancing index (here: the last metadata entry whose
 * partitions this broker has set up) reaches the one they wait for.
 */
final class IndexWaiters {
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
    private long reached;

    synchronized CompletableFuture<Void> await(long index) {
        if (index <= reached) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(f);
        return f;
    }

    void advance(long index) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (this) {
            if (index <= reached) {
                return;
            }
            reached = index;
            Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(index, true);
            head.values().forEach(done::addAll);
            head.clear();
        }
        done.forEach(f -> f.complete(null));
    }
}
