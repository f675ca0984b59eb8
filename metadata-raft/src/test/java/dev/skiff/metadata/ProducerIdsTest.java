package dev.skiff.metadata;

import static dev.skiff.metadata.Fixtures.accepted;
import static dev.skiff.metadata.Fixtures.applied;
import static dev.skiff.metadata.Fixtures.cluster;
import static dev.skiff.metadata.Fixtures.refused;
import static dev.skiff.metadata.Fixtures.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.proto.v1.ErrorCode;
import org.junit.jupiter.api.Test;

/** Producer id blocks: disjoint, deterministic, stale ones rejected, kept in snapshots. */
class ProducerIdsTest {
    @Test
    void blocksFollowEachOtherAndNeverOverlap() {
        MetadataImage image = cluster(3);
        Decision.Accepted<ProducerIdBlock> first = accepted(ControllerDecisions.allocateProducerIds(image, 1));
        assertEquals(new ProducerIdBlock(1, 0, 1000), first.value());
        MetadataImage after = applied(image, first.batch());
        assertEquals(1000, after.nextProducerId());
        Decision.Accepted<ProducerIdBlock> second = accepted(ControllerDecisions.allocateProducerIds(after, 2));
        assertEquals(new ProducerIdBlock(2, 1000, 2000), second.value());
    }

    @Test
    void aBlockDecidedOnAStaleImageIsRejected() {
        MetadataImage image = cluster(3);
        Decision.Accepted<ProducerIdBlock> one = accepted(ControllerDecisions.allocateProducerIds(image, 1));
        Decision.Accepted<ProducerIdBlock> two = accepted(ControllerDecisions.allocateProducerIds(image, 2));
        MetadataImage after = applied(image, one.batch());
        assertEquals(
                ErrorCode.INVALID_UPDATE_VERSION,
                rejected(after, two.batch().getRecords(0)).error());
    }

    @Test
    void anUnregisteredBrokerGetsNoBlock() {
        assertEquals(
                ErrorCode.BROKER_NOT_AVAILABLE,
                refused(ControllerDecisions.allocateProducerIds(cluster(3), 9)).error());
    }

    @Test
    void theNextProducerIdSurvivesASnapshot() throws Exception {
        MetadataImage image = applied(
                cluster(3),
                accepted(ControllerDecisions.allocateProducerIds(cluster(3), 3)).batch());
        MetadataImage decoded = MetadataSnapshots.restore(MetadataSnapshots.encode(image, 1, 10));
        assertEquals(image, decoded);
        assertEquals(1000, decoded.nextProducerId());
    }
}
