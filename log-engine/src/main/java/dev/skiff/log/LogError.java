package dev.skiff.log;

/**
 * Expected outcomes of log operations that a caller maps one-to-one to a protocol error code.
 * Names match Kafka's error codes.
 */
public enum LogError {
    /** CRC mismatch, bad magic, bad sizes or inconsistent offsets inside a batch. */
    CORRUPT_MESSAGE,
    /** One batch is larger than {@code max.message.bytes}. */
    MESSAGE_TOO_LARGE,
    /** A request carries more bytes than a segment could ever hold. */
    RECORD_LIST_TOO_LARGE,
    /** The batch is well formed but not acceptable here (e.g. a record without key on a compacted log). */
    INVALID_RECORD,
    /** The batch's timestamp is not acceptable. */
    INVALID_TIMESTAMP,
    /** A read or truncation names an offset outside [log start offset, log end offset]. */
    OFFSET_OUT_OF_RANGE,
    /** An idempotent producer's batch does not follow the last sequence the log holds for it. */
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    /** An idempotent producer's epoch is older than the one the log holds for its producer id. */
    INVALID_PRODUCER_EPOCH,
    /** The log holds no state for this producer id and the batch does not start at sequence 0. */
    UNKNOWN_PRODUCER_ID
}
