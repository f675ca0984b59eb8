package dev.skiff.log;

/**
 * What an append wrote.
 *
 * @param firstOffset base offset of the first batch
 * @param lastOffset last offset of the last batch
 * @param logAppendTimeMs the time stamped on the batches with LogAppendTime, else -1
 * @param maxTimestampMs the largest timestamp among the appended batches
 * @param batchCount number of batches
 * @param sizeBytes bytes written
 * @param duplicate the batch is an idempotent producer's retry of one the log already holds: nothing
 *     was written, and the offsets are those of the original
 */
public record AppendInfo(
        long firstOffset,
        long lastOffset,
        long logAppendTimeMs,
        long maxTimestampMs,
        int batchCount,
        int sizeBytes,
        boolean duplicate) {
    public AppendInfo(
            long firstOffset,
            long lastOffset,
            long logAppendTimeMs,
            long maxTimestampMs,
            int batchCount,
            int sizeBytes) {
        this(firstOffset, lastOffset, logAppendTimeMs, maxTimestampMs, batchCount, sizeBytes, false);
    }
}
