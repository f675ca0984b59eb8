package dev.skiff.client.internals;

import dev.skiff.client.ApiException;
import dev.skiff.client.CompressionType;
import dev.skiff.client.Errors;
import dev.skiff.client.Header;
import dev.skiff.client.TimestampType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The client's one use of kafka-clients' record codec ({@code org.apache.kafka.common.record.internal},
 * not a public API: the version is pinned in the parent pom). It encodes and decodes Kafka
 * RecordBatch v2 bytes (magic 2, CRC-32C, varint records, compression); nothing else in the client
 * or the CLI imports Kafka.
 */
public final class RecordBatchCodec {
    /** The fixed header of a v2 batch; a batch is this plus its records. */
    public static final int BATCH_OVERHEAD_BYTES = 61;

    /** Bytes a record can need beyond its key, value and headers (length, attributes and varint deltas). */
    private static final int RECORD_OVERHEAD_BYTES_MAX = 21;

    /** A record to encode. Key, value and header values may be null. */
    public record RecordData(long timestampMs, byte[] key, byte[] value, List<Header> headers) {
        public RecordData {
            headers = headers == null ? List.of() : List.copyOf(headers);
        }
    }

    /** A record as read back; key sizes are -1 for null. */
    public record DecodedRecord(
            long offset, long timestampMs, byte[] key, byte[] value, List<Header> headers, int sequence) {
        public int keySize() {
            return key == null ? -1 : key.length;
        }

        public int valueSize() {
            return value == null ? -1 : value.length;
        }
    }

    /** A batch header as Kafka's DumpLogSegments prints it, with its position in the buffer. */
    public record BatchInfo(
            long position,
            long baseOffset,
            long lastOffset,
            Integer count,
            int baseSequence,
            int lastSequence,
            long producerId,
            short producerEpoch,
            int partitionLeaderEpoch,
            boolean transactional,
            boolean control,
            OptionalLong deleteHorizonMs,
            TimestampType timestampType,
            long maxTimestamp,
            int sizeBytes,
            byte magic,
            CompressionType compression,
            long crc,
            boolean valid) {}

    /** A batch with its records; {@code recordsError} says why records are missing, if they are. */
    public record DecodedBatch(BatchInfo info, List<DecodedRecord> records, String recordsError) {}

    private RecordBatchCodec() {}

    /** An upper bound of one record's size inside an uncompressed batch. */
    public static int estimateSizeBytes(byte[] key, byte[] value, List<Header> headers) {
        int size = RECORD_OVERHEAD_BYTES_MAX + length(key) + length(value);
        for (Header h : headers) {
            size += 10 + h.key().length() * 3 + length(h.value());
        }
        return size;
    }

    /**
     * A copy of one encoded batch with an idempotent producer's id, epoch and base sequence in its
     * header (RecordBatch v2: producerId at byte 43, epoch at 51, base sequence at 53) and its
     * CRC-32C (of the bytes from the attributes at byte 21 on, stored at byte 17) recomputed.
     */
    public static ByteBuffer withProducer(ByteBuffer batch, long producerId, short epoch, int baseSequence) {
        ByteBuffer out = ByteBuffer.allocate(batch.remaining());
        out.put(batch.duplicate()).flip();
        out.putLong(43, producerId).putShort(51, epoch).putInt(53, baseSequence);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        ByteBuffer view = out.duplicate();
        view.position(21);
        crc.update(view);
        out.putInt(17, (int) crc.getValue());
        return out;
    }

    /** Encodes one CreateTime batch without producer id, with offsets {@code baseOffset, baseOffset+1, ...}. */
    public static ByteBuffer encode(long baseOffset, CompressionType compression, List<RecordData> records) {
        return encode(
                baseOffset, compression, TimestampType.CREATE_TIME, RecordBatch.NO_PARTITION_LEADER_EPOCH, records);
    }

    /** Encodes one batch. For LogAppendTime the first record's timestamp is the batch's append time. */
    public static ByteBuffer encode(
            long baseOffset,
            CompressionType compression,
            TimestampType timestampType,
            int partitionLeaderEpoch,
            List<RecordData> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
        int estimate = BATCH_OVERHEAD_BYTES;
        for (RecordData r : records) {
            estimate += estimateSizeBytes(r.key(), r.value(), r.headers());
        }
        boolean logAppend = timestampType == TimestampType.LOG_APPEND_TIME;
        try (MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(estimate),
                RecordBatch.MAGIC_VALUE_V2,
                toKafka(compression),
                logAppend
                        ? org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                        : org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                baseOffset,
                logAppend ? records.get(0).timestampMs() : RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                partitionLeaderEpoch)) {
            long offset = baseOffset;
            for (RecordData r : records) {
                builder.appendWithOffset(offset++, r.timestampMs(), r.key(), r.value(), toKafka(r.headers()));
            }
            ByteBuffer built = builder.build().buffer();
            ByteBuffer copy = ByteBuffer.allocate(built.remaining());
            copy.put(built.duplicate()).flip();
            return copy;
        }
    }

    /**
     * Decodes every whole batch in {@code buffer} (position to limit); a partial batch at the end is
     * ignored, as a fetch may cut one.
     *
     * @throws ApiException {@link Errors#CORRUPT_MESSAGE} if {@code checkCrc} and a batch fails its CRC
     */
    public static List<DecodedBatch> decode(ByteBuffer buffer, boolean checkCrc) {
        List<DecodedBatch> out = new ArrayList<>();
        long position = 0;
        for (MutableRecordBatch batch :
                MemoryRecords.readableRecords(buffer.slice()).batches()) {
            BatchInfo info = info(batch, position);
            if (checkCrc && !info.valid()) {
                throw new ApiException(
                        Errors.CORRUPT_MESSAGE,
                        "Record batch at offset " + info.baseOffset() + " is corrupt (stored crc = " + info.crc()
                                + ", computed crc differs)");
            }
            out.add(new DecodedBatch(info, records(batch), null));
            position += batch.sizeInBytes();
        }
        return out;
    }

    /**
     * Walks the batches of a log segment (position to limit) for inspection, CRC failures included,
     * handing each to {@code visitor}; records are decoded only if {@code withRecords}.
     *
     * @return the bytes covered by whole batches; anything after them is a torn or foreign tail
     */
    public static long scan(ByteBuffer segment, boolean withRecords, Consumer<DecodedBatch> visitor) {
        long position = 0;
        for (MutableRecordBatch batch :
                MemoryRecords.readableRecords(segment.slice()).batches()) {
            BatchInfo info = info(batch, position);
            List<DecodedRecord> records = List.of();
            String error = null;
            if (withRecords) {
                try {
                    records = records(batch);
                } catch (RuntimeException e) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            visitor.accept(new DecodedBatch(info, records, error));
            position += batch.sizeInBytes();
        }
        return position;
    }

    private static BatchInfo info(MutableRecordBatch batch, long position) {
        return new BatchInfo(
                position,
                batch.baseOffset(),
                batch.lastOffset(),
                batch.countOrNull(),
                batch.baseSequence(),
                batch.lastSequence(),
                batch.producerId(),
                batch.producerEpoch(),
                batch.partitionLeaderEpoch(),
                batch.isTransactional(),
                batch.isControlBatch(),
                batch.deleteHorizonMs(),
                batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                        ? TimestampType.LOG_APPEND_TIME
                        : TimestampType.CREATE_TIME,
                batch.maxTimestamp(),
                batch.sizeInBytes(),
                batch.magic(),
                CompressionType.forName(batch.compressionType().name),
                batch.checksum(),
                batch.isValid());
    }

    private static List<DecodedRecord> records(MutableRecordBatch batch) {
        boolean logAppend = batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME;
        List<DecodedRecord> out = new ArrayList<>();
        for (Record r : batch) {
            out.add(new DecodedRecord(
                    r.offset(),
                    logAppend ? batch.maxTimestamp() : r.timestamp(),
                    bytes(r.key()),
                    bytes(r.value()),
                    headers(r.headers()),
                    r.sequence()));
        }
        return out;
    }

    private static Compression toKafka(CompressionType c) {
        return switch (c) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> Compression.lz4().build();
            case ZSTD -> Compression.zstd().build();
        };
    }

    private static org.apache.kafka.common.header.Header[] toKafka(List<Header> headers) {
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
        }
        return out;
    }

    private static List<Header> headers(org.apache.kafka.common.header.Header[] headers) {
        List<Header> out = new ArrayList<>(headers.length);
        for (org.apache.kafka.common.header.Header h : headers) {
            out.add(new Header(h.key(), h.value()));
        }
        return out;
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
