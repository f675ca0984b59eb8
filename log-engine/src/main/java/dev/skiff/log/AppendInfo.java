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
 */
public record AppendInfo(
        long firstOffset, long lastOffset, long logAppendTimeMs, long maxTimestampMs, int batchCount, int sizeBytes) {}
