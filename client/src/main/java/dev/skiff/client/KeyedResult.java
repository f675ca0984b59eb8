package dev.skiff.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Per-key futures of an admin operation over several topics or resources. */
public final class KeyedResult<K, V> {
    private final Map<K, CompletableFuture<V>> futures;

    public KeyedResult(Map<K, CompletableFuture<V>> futures) {
        this.futures = Collections.unmodifiableMap(new LinkedHashMap<>(futures));
    }

    public Map<K, CompletableFuture<V>> values() {
        return futures;
    }

    public CompletableFuture<V> value(K key) {
        CompletableFuture<V> f = futures.get(key);
        if (f == null) {
            throw new IllegalArgumentException("no result for " + key);
        }
        return f;
    }

    /** Completes when every key has; fails with the first failure in key order. */
    public CompletableFuture<Map<K, V>> all() {
        return CompletableFuture.allOf(futures.values().toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    Map<K, V> out = new LinkedHashMap<>();
                    futures.forEach((k, f) -> out.put(k, f.join()));
                    return out;
                });
    }

    /** Blocks for every key; throws the first failure (in key order) as it was raised. */
    public Map<K, V> get() {
        Map<K, V> out = new LinkedHashMap<>();
        for (Map.Entry<K, CompletableFuture<V>> e : futures.entrySet()) {
            out.put(e.getKey(), Futures.get(e.getValue()));
        }
        return out;
    }
}
