package dev.skiff.client.internals;

import dev.skiff.client.ConfigException;
import dev.skiff.client.ConsumerConfig;
import dev.skiff.client.internals.assignor.Assignors;
import dev.skiff.client.internals.assignor.PartitionAssignor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code partition.assignment.strategy} into assignors: skiff's own by name ("range",
 * "roundrobin", "cooperative-sticky", or Kafka's class names for them), or the class name of a
 * {@link PartitionAssignor} with a public no-argument constructor.
 */
public final class AssignorLoader {
    private static final String ACCEPTED = "range, roundrobin, cooperative-sticky, or the class name of a"
            + " dev.skiff.client.internals.assignor.PartitionAssignor with a public no-argument constructor";

    private AssignorLoader() {}

    /** @throws ConfigException naming the key and the value it cannot use */
    public static List<PartitionAssignor> load(List<String> names) {
        List<PartitionAssignor> out = new ArrayList<>();
        Set<String> protocolNames = new LinkedHashSet<>();
        for (String name : names) {
            PartitionAssignor a = builtIn(name).orElseGet(() -> byClassName(name));
            if (!protocolNames.add(a.name())) {
                throw new ConfigException(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        String.join(",", names),
                        "assignor " + a.name() + " is listed twice");
            }
            out.add(a);
        }
        return List.copyOf(out);
    }

    private static Optional<PartitionAssignor> builtIn(String name) {
        try {
            return Optional.of(Assignors.forName(name));
        } catch (ConfigException unknown) {
            if (!name.contains(".")) {
                throw unknown; // not a class name either: the registry's message lists the names
            }
            return Optional.empty();
        }
    }

    private static PartitionAssignor byClassName(String name) {
        String key = ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG;
        Class<?> type;
        try {
            type = Class.forName(name, true, AssignorLoader.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(key, name, "unknown assignor; accepted: " + ACCEPTED);
        }
        if (!PartitionAssignor.class.isAssignableFrom(type)) {
            throw new ConfigException(key, name, "not a PartitionAssignor; accepted: " + ACCEPTED);
        }
        try {
            return (PartitionAssignor) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new ConfigException(key, name, "cannot be instantiated (" + e + "); accepted: " + ACCEPTED);
        } catch (InvocationTargetException e) {
            throw new ConfigException(key, name, "its constructor failed: " + e.getCause());
        }
    }
}
