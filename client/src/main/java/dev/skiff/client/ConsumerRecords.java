package dev.skiff.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The records of one {@link Consumer#poll}, grouped by partition, each partition in offset order. */
public final class ConsumerRecords implements Iterable<ConsumerRecord> {
    private static final ConsumerRecords EMPTY = new ConsumerRecords(Map.of());

    private final Map<TopicPartition, List<ConsumerRecord>> byPartition;

    public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord>> byPartition) {
        Map<TopicPartition, List<ConsumerRecord>> copy = new LinkedHashMap<>();
        byPartition.forEach((tp, records) -> copy.put(tp, List.copyOf(records)));
        this.byPartition = Collections.unmodifiableMap(copy);
    }

    public static ConsumerRecords empty() {
        return EMPTY;
    }

    public List<ConsumerRecord> records(TopicPartition partition) {
        return byPartition.getOrDefault(partition, List.of());
    }

    public Set<TopicPartition> partitions() {
        return byPartition.keySet();
    }

    public int count() {
        int n = 0;
        for (List<ConsumerRecord> records : byPartition.values()) {
            n += records.size();
        }
        return n;
    }

    public boolean isEmpty() {
        return count() == 0;
    }

    @Override
    public Iterator<ConsumerRecord> iterator() {
        List<ConsumerRecord> all = new ArrayList<>(count());
        byPartition.values().forEach(all::addAll);
        return Collections.unmodifiableList(all).iterator();
    }
}
