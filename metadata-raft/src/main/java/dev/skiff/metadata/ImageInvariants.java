package dev.skiff.metadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants every {@link MetadataImage} keeps. {@link MetadataImage#apply} keeps them record
 * by record; this class checks a whole image at once: after a snapshot is read (check data after
 * it is read, STYLE) and in property tests.
 */
public final class ImageInvariants {
    private ImageInvariants() {}

    /** Every broken invariant of {@code image}, each named with where it is broken; empty if none. */
    public static List<String> violations(MetadataImage image) {
        List<String> problems = new ArrayList<>();
        image.brokers().forEach((nodeId, broker) -> {
            if (nodeId != broker.nodeId() || nodeId < 0) {
                problems.add("broker " + broker.nodeId() + " is filed under node id " + nodeId);
            }
            if (broker.incarnationId().isZero()) {
                problems.add("broker " + nodeId + " has no incarnation id");
            }
        });
        Set<Uuid> ids = new HashSet<>();
        image.topicsByName().forEach((name, topic) -> {
            checkTopic(image, name, topic, problems);
            if (!ids.add(topic.id())) {
                problems.add("topic id " + topic.id() + " is used by two topics, one of them '" + name + "'");
            }
        });
        if (image.topicsById().size() != image.topicsByName().size()) {
            problems.add("the topics by id (" + image.topicsById().size() + ") and by name ("
                    + image.topicsByName().size() + ") disagree");
        }
        for (String resource : image.brokerConfigs().keySet()) {
            if (!RecordApplier.isBrokerResourceName(resource)) {
                problems.add("broker configs are filed under '" + resource + "', which is not a node id");
            }
        }
        return problems;
    }

    /**
     * What is wrong with a partition's replica set, ISR and leader, or empty if nothing: replicas
     * distinct and not empty, ISR a subset of the replicas without duplicates, leader in the ISR or
     * {@link PartitionState#NO_LEADER} (so an empty ISR, left when its last members lost their
     * storage, goes with no leader).
     */
    public static Optional<String> shapeProblem(List<Integer> replicas, List<Integer> isr, int leader) {
        if (replicas.isEmpty()) {
            return Optional.of("it has no replicas");
        }
        Set<Integer> replicaSet = new HashSet<>(replicas);
        if (replicaSet.size() != replicas.size()) {
            return Optional.of("its replicas " + replicas + " name a broker twice");
        }
        if (replicas.stream().anyMatch(r -> r < 0)) {
            return Optional.of("its replicas " + replicas + " include a negative broker id");
        }
        if (isr.isEmpty() && leader != PartitionState.NO_LEADER) {
            return Optional.of("its ISR is empty but it has leader " + leader
                    + " (only a partition without leader may have an empty ISR)");
        }
        if (new HashSet<>(isr).size() != isr.size()) {
            return Optional.of("its ISR " + isr + " names a broker twice");
        }
        if (!replicaSet.containsAll(isr)) {
            return Optional.of("its ISR " + isr + " is not a subset of its replicas " + replicas);
        }
        if (leader != PartitionState.NO_LEADER && !isr.contains(leader)) {
            return Optional.of("its leader " + leader + " is not in its ISR " + isr);
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a partition's reassignment state, or empty if nothing: adding and removing
     * replicas are distinct replicas, never both, and leave at least one target replica.
     */
    public static Optional<String> reassignmentProblem(
            List<Integer> replicas, List<Integer> adding, List<Integer> removing) {
        if (new HashSet<>(adding).size() != adding.size() || new HashSet<>(removing).size() != removing.size()) {
            return Optional.of(
                    "its adding replicas " + adding + " or removing replicas " + removing + " name a broker twice");
        }
        if (!replicas.containsAll(adding) || !replicas.containsAll(removing)) {
            return Optional.of("its adding replicas " + adding + " and removing replicas " + removing
                    + " must be among its replicas " + replicas);
        }
        if (adding.stream().anyMatch(removing::contains)) {
            return Optional.of("a broker is both adding and removing (" + adding + ", " + removing + ")");
        }
        if (removing.size() >= replicas.size()) {
            return Optional.of("its reassignment removes every replica " + replicas);
        }
        return Optional.empty();
    }

    private static void checkTopic(MetadataImage image, String name, TopicImage topic, List<String> problems) {
        if (!name.equals(topic.name())) {
            problems.add("topic '" + topic.name() + "' is filed under the name '" + name + "'");
        }
        TopicNames.problem(name).ifPresent(p -> problems.add(p));
        if (topic.id().isZero()) {
            problems.add("topic '" + name + "' has no id");
        }
        if (image.topic(topic.id()).filter(t -> t.equals(topic)).isEmpty()) {
            problems.add("topic '" + name + "' cannot be found by its id " + topic.id());
        }
        if (topic.partitions().isEmpty()) {
            problems.add("topic '" + name + "' has no partitions");
        }
        for (Map.Entry<String, String> config : topic.configs().entrySet()) {
            if (config.getKey().isEmpty()) {
                problems.add("topic '" + name + "' has a config with an empty key");
            }
        }
        for (int i = 0; i < topic.partitions().size(); i++) {
            PartitionState partition = topic.partitions().get(i);
            String where = name + "-" + i;
            if (partition.index() != i) {
                problems.add("partition " + where + " carries index " + partition.index());
            }
            if (partition.leaderEpoch() < 0 || partition.partitionEpoch() < 0) {
                problems.add("partition " + where + " has a negative epoch");
            }
            shapeProblem(partition.replicas(), partition.isr(), partition.leader())
                    .ifPresent(p -> problems.add("partition " + where + ": " + p));
            reassignmentProblem(partition.replicas(), partition.addingReplicas(), partition.removingReplicas())
                    .ifPresent(p -> problems.add("partition " + where + ": " + p));
        }
    }
}
