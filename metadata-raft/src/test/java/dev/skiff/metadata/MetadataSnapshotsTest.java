package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataSnapshot;
import dev.skiff.proto.metadata.v1.TopicData;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataSnapshotsTest {
    private static MetadataImage sample() {
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(3));
        MetadataImage image = cluster(3);
        image = applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic("a", 3, 2, Map.of("x", "1"))))
                        .batch());
        image = applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic("b", 1, 3))).batch());
        image = applied(image, accepted(decisions.fenceBroker(image, 2)).batch());
        return applied(image, MetadataRecords.setConfig(ConfigResource.broker(1), "log.retention.ms", "9"));
    }

    @Test
    void anImageSurvivesASnapshotAndEqualImagesEncodeToEqualBytes() throws Exception {
        MetadataImage image = sample();
        MetadataSnapshot snapshot = MetadataSnapshots.encode(image, 4, 99);

        MetadataSnapshot read = MetadataSnapshots.parse(snapshot.toByteArray());

        assertEquals(image, MetadataSnapshots.restore(read));
        assertEquals(4, read.getLastAppliedTerm());
        assertEquals(99, read.getLastAppliedIndex());
        assertArrayEquals(
                snapshot.toByteArray(),
                MetadataSnapshots.encode(MetadataSnapshots.restore(read), 4, 99).toByteArray());
    }

    @Test
    void aPartitionWhoseIsrLostItsStorageSurvivesASnapshot() throws Exception {
        ControllerDecisions decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(3));
        MetadataImage image = cluster(1);
        image = applied(
                image,
                accepted(decisions.createTopic(image, new NewTopic("t", 2, 1))).batch());
        image = applied(
                image,
                accepted(decisions.registerBroker(
                                image, 1, new Uuid(4, 4), Fixtures.endpoints(1), java.util.Optional.empty(), true))
                        .batch());
        assertEquals(List.of(), image.partition("t", 0).orElseThrow().isr());

        MetadataImage restored = MetadataSnapshots.restore(
                MetadataSnapshots.parse(MetadataSnapshots.encode(image, 2, 5).toByteArray()));

        assertEquals(image, restored);
    }

    @Test
    void aSnapshotWhoseImageBreaksAnInvariantIsRefused() {
        MetadataSnapshot good = MetadataSnapshots.encode(sample(), 1, 10);
        TopicData topic = good.getImage().getTopics(0);
        TopicData broken = topic.toBuilder()
                .setPartitions(0, topic.getPartitions(0).toBuilder().clearIsr().addAllIsr(List.of(77)))
                .build();
        MetadataSnapshot bad = good.toBuilder()
                .setImage(good.getImage().toBuilder().setTopics(0, broken))
                .build();

        MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataSnapshots.restore(bad));

        assertTrue(e.getMessage().contains("Raft index 10"), e.getMessage());
        assertTrue(e.getMessage().contains("partition a-0"), e.getMessage());
    }

    @Test
    void aSnapshotWithATopicTwiceIsRefused() {
        MetadataSnapshot good = MetadataSnapshots.encode(sample(), 1, 10);
        MetadataSnapshot twice = good.toBuilder()
                .setImage(good.getImage().toBuilder().addTopics(good.getImage().getTopics(0)))
                .build();

        MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataSnapshots.restore(twice));

        assertTrue(e.getMessage().contains("topic 'a' appears twice"), e.getMessage());
    }
}
