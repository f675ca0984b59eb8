package dev.skiff.metadata.quorum;

import dev.skiff.metadata.MetadataVersions;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.Optional;

/**
 * What a batch must satisfy to enter the metadata log at all: a size limit (every entry is sent
 * to every voter in one message) and record versions this node knows. Checked where a batch is
 * submitted and again by the leader before it appends, so that no node is ever asked to apply a
 * record it cannot read.
 */
final class BatchAdmission {
    /** A limit on one Raft entry (STYLE 6); a 10,000-partition topic takes about 300 KiB. */
    static final int BATCH_BYTES_MAX = 1024 * 1024;

    private BatchAdmission() {}

    static Optional<SubmitResult.Failed> problem(MetadataBatch batch, int serializedBytes) {
        if (batch.getRecordsCount() == 0) {
            return Optional.of(new SubmitResult.Failed(ErrorCode.INVALID_REQUEST, "an empty batch changes nothing"));
        }
        if (serializedBytes > BATCH_BYTES_MAX) {
            return Optional.of(new SubmitResult.Failed(
                    ErrorCode.INVALID_REQUEST,
                    "a metadata batch of " + serializedBytes + " bytes is over the limit of " + BATCH_BYTES_MAX
                            + " bytes: split the change into several batches"));
        }
        for (MetadataRecord record : batch.getRecordsList()) {
            if (MetadataVersions.isNewerRecordVersion(record.getVersion())) {
                return Optional.of(new SubmitResult.Failed(
                        ErrorCode.UNSUPPORTED_VERSION,
                        MetadataVersions.recordVersionProblem(record.getVersion())
                                .orElseThrow()));
            }
        }
        return Optional.empty();
    }
}
