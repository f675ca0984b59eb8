package dev.skiff.client.internals.assignor;

import dev.skiff.client.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The assignors a consumer can name in {@code partition.assignment.strategy}: by protocol name or
 * by the class name a Kafka configuration uses. Names are case-sensitive, as in Kafka.
 */
public final class Assignors {
    public static final String CONFIG = "partition.assignment.strategy";

    private static final Map<String, Supplier<PartitionAssignor>> BY_NAME = byName();

    private Assignors() {}

    private static Map<String, Supplier<PartitionAssignor>> byName() {
        Map<String, Supplier<PartitionAssignor>> byName = new LinkedHashMap<>();
        byName.put(RangeAssignor.NAME, RangeAssignor::new);
        byName.put(RoundRobinAssignor.NAME, RoundRobinAssignor::new);
        byName.put(CooperativeStickyAssignor.NAME, CooperativeStickyAssignor::new);
        byName.put("org.apache.kafka.clients.consumer.RangeAssignor", RangeAssignor::new);
        byName.put("org.apache.kafka.clients.consumer.RoundRobinAssignor", RoundRobinAssignor::new);
        byName.put("org.apache.kafka.clients.consumer.CooperativeStickyAssignor", CooperativeStickyAssignor::new);
        return Collections.unmodifiableMap(byName);
    }

    /** A new assignor for {@code name}, a protocol name or a Kafka class name. */
    public static PartitionAssignor forName(String name) {
        Supplier<PartitionAssignor> assignor = name == null ? null : BY_NAME.get(name);
        if (assignor == null) {
            throw new ConfigException(
                    CONFIG, name, "unknown assignor; accepted: " + String.join(", ", BY_NAME.keySet()));
        }
        return assignor.get();
    }

    /**
     * The assignors of a comma-separated list, in its order (the group picks the first one that
     * every member supports).
     *
     * @throws ConfigException if the list is empty, names an unknown assignor, or names one twice
     */
    public static List<PartitionAssignor> forNames(String commaSeparated) {
        List<PartitionAssignor> assignors = new ArrayList<>();
        for (String name : (commaSeparated == null ? "" : commaSeparated).split(",", -1)) {
            if (name.isBlank()) {
                continue;
            }
            PartitionAssignor assignor = forName(name.trim());
            for (PartitionAssignor earlier : assignors) {
                if (earlier.name().equals(assignor.name())) {
                    throw new ConfigException(
                            CONFIG, commaSeparated, "assignor " + assignor.name() + " is named twice");
                }
            }
            assignors.add(assignor);
        }
        if (assignors.isEmpty()) {
            throw new ConfigException(
                    CONFIG,
                    commaSeparated,
                    "at least one assignor is required; accepted: " + String.join(", ", BY_NAME.keySet()));
        }
        return List.copyOf(assignors);
    }
}
