package dev.skiff.log;

import java.util.Optional;

/**
 * The answer to a read: the batches found (possibly none), with the log's bounds at the time.
 *
 * @param slice whole batches, the first containing the requested offset or the first after it
 * @param logStartOffset the first readable offset
 * @param logEndOffset the offset the next append gets
 */
public record LogReadInfo(Optional<LogSlice> slice, long logStartOffset, long logEndOffset) {}
