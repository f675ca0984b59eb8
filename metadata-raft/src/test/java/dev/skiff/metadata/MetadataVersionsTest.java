package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.metadata.v1.MetadataSnapshot;
import dev.skiff.proto.v1.ErrorCode;
import org.junit.jupiter.api.Test;

class MetadataVersionsTest {
    @Test
    void aRecordOfANewerVersionIsRefusedNamingBothVersions() {
        MetadataRecord newer = MetadataRecords.clusterId("c1").toBuilder()
                .setVersion(MetadataVersions.RECORD_VERSION + 1)
                .build();

        ApplyResult result = MetadataImage.EMPTY.apply(MetadataRecords.batch(newer));

        ApplyResult.Rejected rejected = assertInstanceOf(ApplyResult.Rejected.class, result);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, rejected.error());
        assertEquals(0, rejected.recordIndex());
        assertTrue(
                rejected.message().contains("version 3 is newer than this node knows (newest 2)"), rejected.message());
    }

    @Test
    void aRecordWithoutAVersionIsInvalid() {
        MetadataRecord unversioned =
                MetadataRecords.clusterId("c1").toBuilder().setVersion(0).build();

        ApplyResult.Rejected rejected = assertInstanceOf(
                ApplyResult.Rejected.class, MetadataImage.EMPTY.apply(MetadataRecords.batch(unversioned)));

        assertEquals(ErrorCode.INVALID_RECORD, rejected.error());
        assertTrue(rejected.message().contains("version 0 is invalid"), rejected.message());
    }

    @Test
    void aSnapshotOfANewerFormatIsRefusedNamingBothVersions() {
        MetadataSnapshot newer = MetadataSnapshots.encode(MetadataImage.EMPTY, 1, 10).toBuilder()
                .setFormatVersion(7)
                .build();

        MetadataFormatException e = assertThrows(
                MetadataFormatException.class,
                () -> MetadataSnapshots.restore(MetadataSnapshots.parse(newer.toByteArray())));

        assertTrue(
                e.getMessage().contains("metadata snapshot version 7 is newer than this node knows (newest 2)"),
                e.getMessage());
    }

    @Test
    void undecodableSnapshotBytesAreAFormatError() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

        assertThrows(MetadataFormatException.class, () -> MetadataSnapshots.parse(garbage));
    }
}
