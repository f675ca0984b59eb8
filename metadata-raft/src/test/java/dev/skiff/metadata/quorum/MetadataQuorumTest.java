package dev.skiff.metadata.quorum;

import static dev.skiff.metadata.quorum.QuorumTestSupport.WAIT;
import static dev.skiff.metadata.quorum.QuorumTestSupport.bootstrap;
import static dev.skiff.metadata.quorum.QuorumTestSupport.commit;
import static dev.skiff.metadata.quorum.QuorumTestSupport.createTopic;
import static dev.skiff.metadata.quorum.QuorumTestSupport.submit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.ConfigResource;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.MetadataRecords;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.PartitionState;
import dev.skiff.metadata.TopicImage;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One voter on loopback with real Ratis and real files: election, submission, recovery, snapshots. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetadataQuorumTest {
    @TempDir
    Path dir;

    private QuorumConfig singleVoter(long snapshotThreshold) throws IOException {
        return QuorumTestSupport.config(1, QuorumTestSupport.voters(1), dir)
                .withSnapshotThresholdEntries(snapshotThreshold);
    }

    private static MetadataQuorum started(QuorumConfig config) throws IOException {
        MetadataQuorum quorum = new MetadataQuorum(config);
        quorum.start();
        return quorum;
    }

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                    .toList();
        }
    }

    @Test
    void aSingleVoterLeadsQuicklyAndRecoversItsImageFromTheLogAlone() throws Exception {
        QuorumConfig config = singleVoter(0);
        MetadataImage before;
        long startedNs = System.nanoTime();
        try (MetadataQuorum quorum = started(config)) {
            await().atMost(WAIT).until(quorum::isLeader);
            long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs);
            assertTrue(electedMs < 5_000, () -> "a single voter took " + electedMs + " ms to lead");
            assertEquals(OptionalInt.of(1), quorum.leaderId());

            bootstrap(quorum, 1);
            SubmitResult.Committed created = createTopic(quorum, quorum.image(), new NewTopic("orders", 3, 1), 1);
            before = quorum.awaitApplied(created.index())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .image();
            assertEquals(3, before.topic("orders").orElseThrow().partitionCount());
            assertEquals(before, quorum.image(), "the leader applied the batch before answering");
        }
        assertTrue(snapshotFiles().isEmpty(), "no snapshot was asked for");

        try (MetadataQuorum again = started(config)) {
            await().atMost(WAIT).until(() -> again.image().equals(before));
            await().atMost(WAIT).until(again::isLeader);
            createTopic(again, again.image(), new NewTopic("more", 1, 1), 2);
        }
    }

    @Test
    void aRestartLoadsTheLatestSnapshotThenReplaysTheTail() throws Exception {
        QuorumConfig config = singleVoter(0);
        MetadataImage before;
        long snapshotIndex;
        try (MetadataQuorum quorum = started(config)) {
            await().atMost(WAIT).until(quorum::isLeader);
            bootstrap(quorum, 2);
            createTopic(quorum, quorum.image(), new NewTopic("in-snapshot", 2, 2), 1);
            snapshotIndex = quorum.takeSnapshot();
            createTopic(quorum, quorum.image(), new NewTopic("in-tail", 1, 1), 2);
            commit(
                    quorum,
                    MetadataRecords.batch(
                            MetadataRecords.setConfig(ConfigResource.topic("in-snapshot"), "retention.ms", "5")));
            before = quorum.image();
        }
        List<Path> snapshots = snapshotFiles();
        assertEquals(1, snapshots.size(), () -> "snapshots: " + snapshots);
        assertTrue(snapshots.get(0).getFileName().toString().endsWith("_" + snapshotIndex), snapshots::toString);

        List<AppliedImage> seen = new CopyOnWriteArrayList<>();
        try (MetadataQuorum again = new MetadataQuorum(config)) {
            again.addImageListener((previous, current) -> seen.add(current));
            again.start();
            await().atMost(WAIT).until(() -> again.image().equals(before));
        }
        AppliedImage fromSnapshot = seen.get(0);
        assertEquals(snapshotIndex, fromSnapshot.index(), "the first image came from the snapshot");
        assertTrue(fromSnapshot.image().topic("in-snapshot").isPresent());
        assertFalse(fromSnapshot.image().topic("in-tail").isPresent());
    }

    @Test
    void snapshotsAreTakenAutomaticallyPastTheThresholdAndSurviveARestart() throws Exception {
        QuorumConfig config = singleVoter(4);
        MetadataImage before;
        try (MetadataQuorum quorum = started(config)) {
            await().atMost(WAIT).until(quorum::isLeader);
            bootstrap(quorum, 1);
            for (int i = 0; i < 6; i++) {
                createTopic(quorum, quorum.image(), new NewTopic("t" + i, 1, 1), i);
            }
            await().atMost(WAIT).until(() -> !snapshotFiles().isEmpty());
            before = quorum.image();
        }
        try (MetadataQuorum again = started(config)) {
            await().atMost(WAIT).until(() -> again.image().equals(before));
        }
    }

    @Test
    void aStalePartitionChangeIsRejectedAsATypedResultAndTheQuorumGoesOn() throws Exception {
        try (MetadataQuorum quorum = started(singleVoter(0))) {
            await().atMost(WAIT).until(quorum::isLeader);
            bootstrap(quorum, 2);
            createTopic(quorum, quorum.image(), new NewTopic("t", 1, 2), 1);
            TopicImage topic = quorum.image().topic("t").orElseThrow();
            PartitionState p = topic.partitions().get(0);
            MetadataRecord shrink = MetadataRecords.partitionChange(MetadataRecords.partitionChangeOf(topic.id(), 0, 0)
                    .setIsr(MetadataRecords.brokerIds(List.of(p.leader()))));
            commit(quorum, MetadataRecords.batch(shrink));
            MetadataImage afterShrink = quorum.image();

            SubmitResult stale = submit(quorum, MetadataRecords.batch(shrink));

            SubmitResult.Rejected rejected = assertInstanceOf(SubmitResult.Rejected.class, stale);
            assertEquals(ErrorCode.INVALID_UPDATE_VERSION, rejected.error());
            assertEquals(0, rejected.recordIndex());
            assertTrue(rejected.message().contains("stale"), rejected.message());
            assertEquals(afterShrink, quorum.image());
            assertTrue(quorum.appliedImage().index() >= rejected.index());
            createTopic(quorum, quorum.image(), new NewTopic("after", 1, 1), 2);
        }
    }

    @Test
    void batchesNoNodeCouldApplyAreRefusedBeforeTheLog() throws Exception {
        QuorumConfig config = singleVoter(0);
        MetadataQuorum notStarted = new MetadataQuorum(config);
        MetadataRecord newer =
                MetadataRecords.clusterId("x").toBuilder().setVersion(99).build();
        assertEquals(
                ErrorCode.NOT_CONTROLLER,
                ((SubmitResult.Failed) submit(notStarted, MetadataRecords.batch(newer))).error());

        MetadataQuorum quorum = started(config);
        try {
            await().atMost(WAIT).until(quorum::isLeader);
            SubmitResult.Failed refused =
                    assertInstanceOf(SubmitResult.Failed.class, submit(quorum, MetadataRecords.batch(newer)));
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, refused.error());
            assertTrue(refused.message().contains("version 99 is newer than this node knows (newest 2)"));
            assertEquals(
                    ErrorCode.INVALID_REQUEST, ((SubmitResult.Failed) submit(quorum, MetadataRecords.batch())).error());
        } finally {
            quorum.close();
        }
        assertEquals(
                ErrorCode.NOT_CONTROLLER,
                ((SubmitResult.Failed) submit(quorum, MetadataRecords.batch(MetadataRecords.clusterId("x")))).error());
    }
}
