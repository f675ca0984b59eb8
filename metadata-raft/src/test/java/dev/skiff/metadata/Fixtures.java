package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Images and records for tests. */
final class Fixtures {
    private Fixtures() {}

    static Uuid incarnation(int nodeId) {
        return new Uuid(0x5c1ffL, nodeId + 1L);
    }

    static List<Endpoint> endpoints(int nodeId) {
        return List.of(new Endpoint("PLAINTEXT", "127.0.0." + nodeId, 9092));
    }

    static MetadataRecord register(int nodeId) {
        return MetadataRecords.registerBroker(nodeId, incarnation(nodeId), endpoints(nodeId), Optional.empty());
    }

    static MetadataRecord register(int nodeId, String rack) {
        return MetadataRecords.registerBroker(nodeId, incarnation(nodeId), endpoints(nodeId), Optional.of(rack));
    }

    static MetadataRecord unfence(int nodeId) {
        return MetadataRecords.unfenceBroker(nodeId, incarnation(nodeId));
    }

    /** An image with cluster id "test-cluster" and brokers 1..count, registered and unfenced. */
    static MetadataImage cluster(int count) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.clusterId("test-cluster"));
        for (int id = 1; id <= count; id++) {
            records.add(register(id));
            records.add(unfence(id));
        }
        return applied(MetadataImage.EMPTY, MetadataRecords.batch(records));
    }

    static MetadataImage applied(MetadataImage image, MetadataBatch batch) {
        return assertInstanceOf(ApplyResult.Applied.class, image.apply(batch), () -> "rejected: " + image.apply(batch))
                .image();
    }

    static MetadataImage applied(MetadataImage image, MetadataRecord... records) {
        return applied(image, MetadataRecords.batch(records));
    }

    static ApplyResult.Rejected rejected(MetadataImage image, MetadataRecord... records) {
        return assertInstanceOf(ApplyResult.Rejected.class, image.apply(MetadataRecords.batch(records)));
    }

    static <T> Decision.Accepted<T> accepted(Decision<T> decision) {
        @SuppressWarnings("unchecked")
        Decision.Accepted<T> accepted =
                assertInstanceOf(Decision.Accepted.class, decision, () -> "refused: " + decision);
        return accepted;
    }

    static <T> Decision.Refused<T> refused(Decision<T> decision) {
        @SuppressWarnings("unchecked")
        Decision.Refused<T> refused = assertInstanceOf(Decision.Refused.class, decision, () -> "accepted: " + decision);
        return refused;
    }

    /** The registered incarnations of those of {@code nodeIds} that are registered, as a leader would have seen them fetch. */
    static Map<Integer, Uuid> incarnations(MetadataImage image, List<Integer> nodeIds) {
        Map<Integer, Uuid> incarnations = new HashMap<>();
        nodeIds.forEach(id -> image.broker(id).ifPresent(b -> incarnations.put(id, b.incarnationId())));
        return incarnations;
    }

    static PartitionState partition(int index, List<Integer> replicas, List<Integer> isr, int leader) {
        return new PartitionState(index, replicas, isr, leader, 0, 0);
    }
}
