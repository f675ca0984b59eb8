package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random command sequences against the pure core: every image keeps its invariants, epochs only
 * rise, ids are stable, stale changes are rejected, snapshots restore equal images, and applying is
 * deterministic. Tries come from {@code jqwik.tries.default} (the parent pom); a failure prints
 * the seed, and {@code @Property(seed = "...")} replays it.
 */
class MetadataImagePropertiesTest {
    /** The image after each accepted batch, and the batches, of one run. */
    record Run(List<MetadataImage> images, List<MetadataBatch> batches) {
        MetadataImage last() {
            return images.get(images.size() - 1);
        }
    }

    static Run run(List<Command> commands, long seed) {
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        // A cluster of 3 to 5 live brokers to start from, so most commands hit something.
        List<MetadataRecord> prelude = new ArrayList<>(List.of(MetadataRecords.clusterId("prop")));
        for (int id = 1; id <= 3 + Math.floorMod(seed, 3); id++) {
            prelude.add(Fixtures.register(id));
            prelude.add(Fixtures.unfence(id));
        }
        MetadataBatch first = MetadataRecords.batch(prelude);
        MetadataImage image = Fixtures.applied(MetadataImage.EMPTY, first);
        List<MetadataImage> images = new ArrayList<>(List.of(image));
        List<MetadataBatch> batches = new ArrayList<>(List.of(first));
        for (Command command : commands) {
            Optional<MetadataBatch> batch = command.decide(image, decisions);
            if (batch.isEmpty()) {
                continue;
            }
            ApplyResult result = image.apply(batch.get());
            if (!(command instanceof Command.RawChange)) {
                assertInstanceOf(
                        ApplyResult.Applied.class, result, () -> command + " decided a batch that does not apply");
            }
            if (result instanceof ApplyResult.Applied applied) {
                image = applied.image();
                images.add(image);
                batches.add(batch.get());
            }
        }
        return new Run(images, batches);
    }

    @Provide
    Arbitrary<List<Command>> commands() {
        // Uniform sizes, and no edge cases below: jqwik's would be mostly empty command lists.
        return Command.any().list().ofMinSize(1).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void everyImageKeepsTheInvariants(@ForAll("commands") List<Command> commands, @ForAll long seed) {
        for (MetadataImage image : run(commands, seed).images()) {
            assertEquals(List.of(), ImageInvariants.violations(image));
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void epochsOnlyRiseAndTopicIdsAreStable(@ForAll("commands") List<Command> commands, @ForAll long seed) {
        List<MetadataImage> images = run(commands, seed).images();
        for (int i = 1; i < images.size(); i++) {
            MetadataImage before = images.get(i - 1);
            MetadataImage after = images.get(i);
            for (TopicImage topic : before.topics()) {
                Optional<TopicImage> same = after.topic(topic.id());
                if (same.isEmpty()) {
                    continue;
                }
                assertEquals(topic.name(), same.get().name(), "a topic id changed its name");
                assertTrue(same.get().partitionCount() >= topic.partitionCount(), "a topic lost partitions");
                for (PartitionState p : topic.partitions()) {
                    PartitionState q = same.get().partitions().get(p.index());
                    assertTrue(q.leaderEpoch() >= p.leaderEpoch(), () -> "leader epoch went down: " + p + " -> " + q);
                    assertTrue(
                            q.partitionEpoch() >= p.partitionEpoch(),
                            () -> "partition epoch went down: " + p + " -> " + q);
                    if (q.leader() != p.leader()) {
                        assertTrue(
                                q.leaderEpoch() > p.leaderEpoch(),
                                () -> "leader moved in the same epoch: " + p + " -> " + q);
                    }
                }
            }
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aChangeNamingAnOlderPartitionEpochIsRejected(
            @ForAll("commands") List<Command> commands,
            @ForAll long seed,
            @ForAll int pick,
            @ForAll @IntRange(min = 1, max = 5) int behind) {
        MetadataImage image = run(commands, seed).last();
        Optional<Command.TopicPartition> target = Command.pickPartition(image, pick);
        if (target.isEmpty()) {
            return;
        }
        PartitionState p = target.get().partition();
        var stale = MetadataRecords.partitionChangeOf(target.get().topic().id(), p.index(), p.partitionEpoch() - behind)
                .setIsr(MetadataRecords.brokerIds(List.of(p.replicas().get(0))));

        ApplyResult result = image.apply(MetadataRecords.batch(MetadataRecords.partitionChange(stale)));

        ApplyResult.Rejected rejected = assertInstanceOf(ApplyResult.Rejected.class, result);
        assertEquals(ErrorCode.INVALID_UPDATE_VERSION, rejected.error());
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aBatchWithOneBadRecordIsRejectedWholeAndChangesNothing(
            @ForAll("commands") List<Command> commands, @ForAll("commands") List<Command> more, @ForAll long seed) {
        MetadataImage image = run(commands, seed).last();
        byte[] before = MetadataSnapshots.encode(image, 1, 1).toByteArray();
        List<MetadataRecord> records = new ArrayList<>(Command.records(
                run(more, seed).batches().subList(1, run(more, seed).batches().size())));
        records.add(MetadataRecords.clusterId("another-cluster"));

        ApplyResult result = image.apply(MetadataRecords.batch(records));

        ApplyResult.Rejected rejected = assertInstanceOf(ApplyResult.Rejected.class, result);
        assertTrue(rejected.recordIndex() >= 0 && rejected.recordIndex() < records.size());
        assertArrayEquals(before, MetadataSnapshots.encode(image, 1, 1).toByteArray());
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aSnapshotRestoresAnEqualImageThatEvolvesTheSame(
            @ForAll("commands") List<Command> commands, @ForAll("commands") List<Command> more, @ForAll long seed)
            throws MetadataFormatException {
        Run run = run(commands, seed);
        MetadataImage restored = MetadataSnapshots.restore(MetadataSnapshots.parse(
                MetadataSnapshots.encode(run.last(), 3, 17).toByteArray()));
        assertEquals(run.last(), restored);

        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        MetadataImage original = run.last();
        for (Command command : more) {
            Optional<MetadataBatch> batch = command.decide(original, decisions);
            if (batch.isPresent()) {
                ApplyResult a = original.apply(batch.get());
                ApplyResult b = restored.apply(batch.get());
                assertEquals(a, b);
                if (a instanceof ApplyResult.Applied applied) {
                    original = applied.image();
                    restored = ((ApplyResult.Applied) b).image();
                }
            }
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void applyingTheSameBatchesGivesTheSameImage(@ForAll("commands") List<Command> commands, @ForAll long seed)
            throws Exception {
        Run run = run(commands, seed);
        Run again = run(commands, seed);
        assertEquals(run.batches(), again.batches(), "the same commands and seed decided other batches");
        MetadataImage replayed = MetadataImage.EMPTY;
        for (MetadataBatch batch : run.batches()) {
            replayed = Fixtures.applied(replayed, MetadataBatch.parseFrom(batch.toByteString()));
        }
        assertEquals(run.last(), replayed);
        assertEquals(run.last(), again.last());
        assertEquals(run.last().hashCode(), replayed.hashCode());
    }

    @Property
    void placementSpreadsReplicasAndLeadersEvenly(
            @ForAll @IntRange(min = 1, max = 9) int brokers,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 20) Integer> topicPartitions,
            @ForAll @IntRange(min = 1, max = 9) int replicationFactor,
            @ForAll long seed) {
        int rf = Math.min(replicationFactor, brokers);
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        MetadataImage image = Fixtures.cluster(brokers);
        for (int i = 0; i < topicPartitions.size(); i++) {
            Decision<CreatedTopic> decision =
                    decisions.createTopic(image, new NewTopic("t" + i, topicPartitions.get(i), rf));
            image = Fixtures.applied(image, Fixtures.accepted(decision).batch());
        }
        // Each topic is spread evenly on its own; across topics the cluster-wide load only breaks ties.
        for (TopicImage topic : image.topics()) {
            int[] replicas = new int[brokers + 1];
            int[] leaders = new int[brokers + 1];
            for (PartitionState p : topic.partitions()) {
                p.replicas().forEach(r -> replicas[r]++);
                leaders[p.leader()]++;
            }
            assertTrue(spread(replicas) <= 1, () -> "replicas per broker: " + java.util.Arrays.toString(replicas));
            assertTrue(spread(leaders) <= 1, () -> "leaders per broker: " + java.util.Arrays.toString(leaders));
        }
    }

    private static int spread(int[] perBroker) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 1; i < perBroker.length; i++) {
            min = Math.min(min, perBroker[i]);
            max = Math.max(max, perBroker[i]);
        }
        return max - min;
    }
}
