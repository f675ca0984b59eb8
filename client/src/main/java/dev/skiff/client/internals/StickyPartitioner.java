package dev.skiff.client.internals;

import dev.skiff.client.PartitionInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Keyless records stick to one partition per topic until that partition's batch is closed, then
 * move to another (Kafka's KIP-480 sticky partitioner): full batches instead of many small ones.
 * Partitions with a leader are preferred. Thread-safe.
 */
public final class StickyPartitioner {
    private final RandomGenerator random;
    private final Map<String, Integer> current = new HashMap<>();

    public StickyPartitioner(RandomGenerator random) {
        this.random = random;
    }

    /** The topic's sticky partition, chosen now if it has none. */
    public synchronized int partition(String topic, List<PartitionInfo> partitions) {
        Integer p = current.get(topic);
        if (p != null && p < partitions.size()) {
            return p;
        }
        return next(topic, partitions, -1);
    }

    /** The batch of {@code previous} is closed: choose another partition, if there is another. */
    public synchronized int onNewBatch(String topic, List<PartitionInfo> partitions, int previous) {
        Integer p = current.get(topic);
        if (p != null && p != previous) {
            return p;
        }
        return next(topic, partitions, previous);
    }

    private int next(String topic, List<PartitionInfo> partitions, int avoid) {
        List<Integer> candidates = new ArrayList<>();
        for (PartitionInfo p : partitions) {
            if (p.hasLeader() && p.partition() != avoid) {
                candidates.add(p.partition());
            }
        }
        if (candidates.isEmpty()) {
            for (PartitionInfo p : partitions) {
                if (p.partition() != avoid) {
                    candidates.add(p.partition());
                }
            }
        }
        int chosen = candidates.isEmpty() ? Math.max(avoid, 0) : candidates.get(random.nextInt(candidates.size()));
        current.put(topic, chosen);
        return chosen;
    }
}
