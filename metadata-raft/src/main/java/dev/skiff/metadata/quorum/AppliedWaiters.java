package dev.skiff.metadata.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for the image to reach a Raft index. Completed on Ratis' apply thread: callers
 * that do real work on completion should attach it with an {@code *Async} method.
 */
final class AppliedWaiters {
    /** A limit (STYLE 6): waiters beyond it fail at once rather than pile up. */
    static final int WAITERS_MAX = 100_000;

    private final TreeMap<Long, List<CompletableFuture<AppliedImage>>> byIndex = new TreeMap<>();
    private int count;
    private String closedReason;
    private AppliedImage latest = AppliedImage.INITIAL;

    CompletableFuture<AppliedImage> await(long index) {
        CompletableFuture<AppliedImage> future = new CompletableFuture<>();
        AppliedImage current;
        synchronized (this) {
            current = latest;
            if (closedReason != null) {
                future.completeExceptionally(new IllegalStateException(closedReason));
                return future;
            }
            if (current.index() < index) {
                if (count >= WAITERS_MAX) {
                    future.completeExceptionally(new IllegalStateException(
                            WAITERS_MAX + " callers are already waiting for the metadata image to advance"));
                    return future;
                }
                byIndex.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
                count++;
                return future;
            }
        }
        future.complete(current);
        return future;
    }

    void completeUpTo(AppliedImage applied) {
        List<CompletableFuture<AppliedImage>> ready = new ArrayList<>();
        synchronized (this) {
            latest = applied;
            Map<Long, List<CompletableFuture<AppliedImage>>> head = byIndex.headMap(applied.index(), true);
            head.values().forEach(ready::addAll);
            head.clear();
            count -= ready.size();
        }
        ready.forEach(f -> f.complete(applied));
    }

    void failAll(String reason) {
        List<CompletableFuture<AppliedImage>> all = new ArrayList<>();
        synchronized (this) {
            closedReason = reason;
            byIndex.values().forEach(all::addAll);
            byIndex.clear();
            count = 0;
        }
        all.forEach(f -> f.completeExceptionally(new IllegalStateException(reason)));
    }
}
