package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A random admin or broker command for property tests. Commands name brokers and topics from small
 * pools and partitions by a number taken modulo what exists, so that most of them hit something.
 * {@link #decide} turns one into a batch: through {@link ControllerDecisions} for the commands a
 * controller makes, or as raw records (possibly invalid) for the ones that probe {@link
 * MetadataImage#apply}.
 */
sealed interface Command {
    List<String> TOPICS = List.of("a", "b", "c", "d.e", "d_e");
    int BROKERS = 5;

    /** The batch to apply, or empty if the decision refused the command. */
    Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions);

    record Register(int nodeId, int incarnation, String rack, boolean storageIsNew) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            List<Endpoint> endpoints = List.of(new Endpoint("PLAINTEXT", "10.0.0." + nodeId, 9092));
            Optional<String> rackOrNone = rack.isEmpty() ? Optional.empty() : Optional.of(rack);
            return batch(decisions.registerBroker(
                    image, nodeId, new Uuid(1, incarnation), endpoints, rackOrNone, storageIsNew));
        }
    }

    record Unfence(int nodeId) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return image.broker(nodeId).flatMap(b -> batch(decisions.unfenceBroker(image, nodeId, b.incarnationId())));
        }
    }

    record Fence(int nodeId) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return batch(decisions.fenceBroker(image, nodeId));
        }
    }

    record Unregister(int nodeId) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return batch(decisions.unregisterBroker(image, nodeId));
        }
    }

    record CreateTopic(String name, int partitions, int replicationFactor) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return batch(decisions.createTopic(image, new NewTopic(name, partitions, replicationFactor)));
        }
    }

    record DeleteTopic(String name) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return batch(decisions.deleteTopic(image, name));
        }
    }

    record AddPartitions(String name, int more) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            int count = image.topic(name).map(TopicImage::partitionCount).orElse(0);
            return batch(decisions.createPartitions(image, name, count + more));
        }
    }

    record AlterConfig(String name, String key, Optional<String> value) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            ConfigOp op = new ConfigOp(key, value);
            return batch(decisions.alterConfigs(image, ConfigResource.topic(name), List.of(op)));
        }
    }

    /** The leader of some partition asks to shrink its ISR to a prefix, or to expand it to all replicas. */
    record ChangeIsr(int pick, boolean expand) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return pickPartition(image, pick).flatMap(tp -> {
                PartitionState p = tp.partition();
                List<Integer> isr = new ArrayList<>(
                        expand
                                ? p.replicas()
                                : p.isr().subList(0, Math.min(1, p.isr().size())));
                if (!isr.contains(p.leader())) {
                    isr.add(0, p.leader());
                }
                IsrChange request = new IsrChange(
                        tp.topic().id(),
                        p.index(),
                        p.leader(),
                        p.leaderEpoch(),
                        p.partitionEpoch(),
                        isr,
                        Fixtures.incarnations(image, isr));
                return batch(decisions.alterPartition(image, request));
            });
        }
    }

    /**
     * A reassignment of a partition to target replicas (brokers from the pool, possibly repeated
     * or unknown: the decision must refuse those), or, for an empty list, a cancel.
     */
    record Reassign(int pick, List<Integer> target) implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return pickPartition(image, pick)
                    .flatMap(tp -> batch(decisions.alterReassignments(
                            image,
                            List.of(new Reassignments.Request(
                                    new PreferredLeaders.PartitionRef(
                                            tp.topic().name(), tp.partition().index()),
                                    target.isEmpty() ? Optional.empty() : Optional.of(target))))));
        }
    }

    /** The controller's sweep that completes reassignments whose targets are in sync. */
    record CompleteReassignments() implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return batch(decisions.completeReassignments(image));
        }
    }

    /**
     * A raw partition change with arbitrary fields, as a buggy or stale controller might write:
     * apply must keep every invariant whether it accepts or rejects it.
     */
    record RawChange(int pick, int epochDelta, List<Integer> isr, int leader, boolean setLeaderEpoch, int leaderEpoch)
            implements Command {
        @Override
        public Optional<MetadataBatch> decide(MetadataImage image, ControllerDecisions decisions) {
            return pickPartition(image, pick).map(tp -> {
                var change = MetadataRecords.partitionChangeOf(
                        tp.topic().id(), tp.partition().index(), tp.partition().partitionEpoch() + epochDelta);
                if (!isr.isEmpty()) {
                    change.setIsr(MetadataRecords.brokerIds(isr));
                }
                if (leader != 0) {
                    change.setLeader(leader);
                }
                if (setLeaderEpoch) {
                    change.setLeaderEpoch(leaderEpoch);
                }
                return MetadataRecords.batch(MetadataRecords.partitionChange(change));
            });
        }
    }

    record TopicPartition(TopicImage topic, PartitionState partition) {}

    static Optional<TopicPartition> pickPartition(MetadataImage image, int pick) {
        List<TopicPartition> all = new ArrayList<>();
        image.topics().forEach(t -> t.partitions().forEach(p -> all.add(new TopicPartition(t, p))));
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(Math.floorMod(pick, all.size())));
    }

    private static Optional<MetadataBatch> batch(Decision<?> decision) {
        if (decision instanceof Decision.Accepted<?> accepted && !accepted.changesNothing()) {
            return Optional.of(accepted.batch());
        }
        return Optional.empty();
    }

    static Arbitrary<Command> any() {
        Arbitrary<Integer> node = Arbitraries.integers().between(1, BROKERS);
        Arbitrary<String> topic = Arbitraries.of(TOPICS);
        return Arbitraries.frequencyOf(
                Tuple.of(
                        2,
                        Combinators.combine(
                                        node,
                                        Arbitraries.integers().between(1, 3),
                                        Arbitraries.of("", "r1", "r2"),
                                        Arbitraries.of(false, false, true))
                                .as(Register::new)),
                Tuple.of(5, node.map(Unfence::new)),
                Tuple.of(2, node.map(Fence::new)),
                Tuple.of(1, node.map(Unregister::new)),
                Tuple.of(
                        6,
                        Combinators.combine(
                                        topic,
                                        Arbitraries.integers().between(0, 6),
                                        Arbitraries.integers().between(0, 4))
                                .as(CreateTopic::new)),
                Tuple.of(1, topic.map(DeleteTopic::new)),
                Tuple.of(
                        1,
                        Combinators.combine(topic, Arbitraries.integers().between(1, 3))
                                .as(AddPartitions::new)),
                Tuple.of(
                        1,
                        Combinators.combine(
                                        topic,
                                        Arbitraries.of("retention.ms", "cleanup.policy"),
                                        Arbitraries.of("1", "compact").optional())
                                .as(AlterConfig::new)),
                Tuple.of(
                        3,
                        Combinators.combine(Arbitraries.integers(), Arbitraries.of(true, false))
                                .as(ChangeIsr::new)),
                Tuple.of(3, rawChange()),
                Tuple.of(
                        3,
                        Combinators.combine(
                                        Arbitraries.integers(),
                                        Arbitraries.integers()
                                                .between(1, BROKERS + 1)
                                                .list()
                                                .ofMaxSize(4))
                                .as(Reassign::new)),
                Tuple.of(1, Arbitraries.just(new CompleteReassignments())));
    }

    private static Arbitrary<Command> rawChange() {
        Arbitrary<Integer> broker = Arbitraries.integers().between(-1, BROKERS + 1);
        return Combinators.combine(
                        Arbitraries.integers(),
                        Arbitraries.integers().between(-1, 1),
                        broker.list().ofMaxSize(4),
                        Arbitraries.integers().between(-1, BROKERS + 1),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(-1, 5))
                .as(RawChange::new);
    }

    /** Every record of the batches, for replay. */
    static List<MetadataRecord> records(List<MetadataBatch> batches) {
        List<MetadataRecord> records = new ArrayList<>();
        batches.forEach(b -> records.addAll(b.getRecordsList()));
        return records;
    }
}
