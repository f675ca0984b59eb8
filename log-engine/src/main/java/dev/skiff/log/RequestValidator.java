package dev.skiff.log;

import java.nio.ByteBuffer;

/**
 * Checks the batches of an append request before the log takes its lock: sizes, CRCs and header
 * fields, and what a producer may send (no control batches, one batch per idempotent request).
 */
final class RequestValidator {
    private RequestValidator() {}

    record Validation(int batchCount, long recordCount) {}

    static Validation validate(ByteBuffer records, LogConfig cfg, boolean fromProducer, TopicPartition topicPartition) {
        if (!records.hasRemaining()) {
            throw new LogException(LogError.CORRUPT_MESSAGE, "the request holds no record batch");
        }
        if (records.remaining() > cfg.segmentBytes()) {
            throw new LogException(
                    LogError.RECORD_LIST_TOO_LARGE,
                    "request of " + records.remaining() + " bytes exceeds segment.bytes=" + cfg.segmentBytes() + " of "
                            + topicPartition);
        }
        int batches = 0;
        long count = 0;
        long previousLast = Long.MIN_VALUE;
        for (int pos = records.position(); pos < records.limit(); ) {
            int size = BatchHeader.validate(records, pos, records.limit(), cfg.maxMessageBytes());
            int records0 = BatchHeader.recordCount(records, pos);
            if (fromProducer) {
                if (records0 == 0 || records0 != BatchHeader.lastOffsetDelta(records, pos) + 1) {
                    throw new LogException(
                            LogError.CORRUPT_MESSAGE,
                            "batch says " + records0 + " records but lastOffsetDelta "
                                    + BatchHeader.lastOffsetDelta(records, pos));
                }
                if (BatchHeader.isControl(records, pos)) {
                    throw new LogException(LogError.INVALID_RECORD, "producers may not write control batches");
                }
                if (BatchHeader.producerId(records, pos) >= 0 && records.limit() - records.position() != size) {
                    throw new LogException(
                            LogError.INVALID_RECORD,
                            "an idempotent producer's request must hold exactly one batch per partition, as Kafka's");
                }
            } else if (BatchHeader.baseOffset(records, pos) <= previousLast) {
                throw new LogException(
                        LogError.CORRUPT_MESSAGE,
                        "batch offsets go backwards at offset " + BatchHeader.baseOffset(records, pos));
            }
            if (cfg.compact()
                    && !BatchHeader.isControl(records, pos)
                    && KafkaRecordFormat.hasRecordWithoutKey(records, pos)) {
                throw new LogException(
                        LogError.INVALID_RECORD,
                        "compacted topic " + topicPartition.topic() + " cannot accept a record without a key");
            }
            previousLast = BatchHeader.lastOffset(records, pos);
            count += records0;
            batches++;
            pos += size;
        }
        return new Validation(batches, count);
    }
}
