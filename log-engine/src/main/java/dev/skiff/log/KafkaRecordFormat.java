package dev.skiff.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The one class that touches kafka-clients' record codec ({@code
 * org.apache.kafka.common.record.internal}, not a public API: the version is pinned in the parent
 * pom). It encodes and decodes the records inside RecordBatch v2; everything about logs, offsets
 * and files is skiff's own. Header fields are read by {@link BatchHeader} without this class.
 */
public final class KafkaRecordFormat {
    private KafkaRecordFormat() {}

    /** Encodes one batch with offsets {@code baseOffset, baseOffset+1, ...}. */
    public static ByteBuffer encode(
            long baseOffset, Compression compression, TimestampType timestampType, List<RecordData> records) {
        return encode(baseOffset, compression, timestampType, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, records);
    }

    /** Encodes one batch with idempotent-producer fields. */
    public static ByteBuffer encode(
            long baseOffset,
            Compression compression,
            TimestampType timestampType,
            long producerId,
            short producerEpoch,
            int baseSequence,
            List<RecordData> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
        int estimate = 128;
        for (RecordData r : records) {
            estimate += 32 + length(r.key()) + length(r.value());
            for (RecordData.Header h : r.headers()) {
                estimate += 16 + h.key().length() * 3 + length(h.value());
            }
        }
        long logAppendTime = timestampType == TimestampType.LOG_APPEND_TIME
                ? records.get(0).timestampMs()
                : RecordBatch.NO_TIMESTAMP;
        try (MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(estimate),
                RecordBatch.MAGIC_VALUE_V2,
                toKafka(compression),
                toKafka(timestampType),
                baseOffset,
                logAppendTime,
                producerId,
                producerEpoch,
                baseSequence,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH)) {
            long offset = baseOffset;
            for (RecordData r : records) {
                builder.appendWithOffset(offset++, r.timestampMs(), r.key(), r.value(), toKafka(r.headers()));
            }
            ByteBuffer out = builder.build().buffer();
            ByteBuffer copy = ByteBuffer.allocate(out.remaining());
            copy.put(out.duplicate()).flip();
            return copy;
        }
    }

    /** Decodes every record of every batch in {@code batches} (position to limit). */
    public static List<LogRecord> decode(ByteBuffer batches) {
        List<LogRecord> out = new ArrayList<>();
        for (MutableRecordBatch batch :
                MemoryRecords.readableRecords(batches.slice()).batches()) {
            boolean logAppendTime =
                    batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME;
            for (Record r : batch) {
                out.add(new LogRecord(
                        r.offset(),
                        logAppendTime ? batch.maxTimestamp() : r.timestamp(),
                        bytes(r.key()),
                        bytes(r.value()),
                        headers(r.headers())));
            }
        }
        return out;
    }

    /** True if a record in the batch at {@code pos} has no key (refused by compacted logs). */
    static boolean hasRecordWithoutKey(ByteBuffer buf, int pos) {
        for (Record r : batchAt(buf, pos)) {
            if (!r.hasKey()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offset of the first record of the batch (a whole batch in {@code batch}) whose timestamp is
     * at least {@code timestampMs}, with that timestamp; or null.
     */
    static long[] firstRecordAtOrAfter(ByteBuffer batch, long timestampMs) {
        RecordBatch b = batchAt(batch, batch.position());
        boolean logAppendTime = b.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME;
        for (Record r : b) {
            long ts = logAppendTime ? b.maxTimestamp() : r.timestamp();
            if (ts >= timestampMs) {
                return new long[] {r.offset(), ts};
            }
        }
        return null;
    }

    /** Decides whether compaction keeps a keyed record. */
    interface RecordFilter {
        boolean keep(ByteBuffer key, long offset, boolean tombstone);
    }

    /** One key and the offset where it is written, for building a compaction map. */
    record KeyedOffset(ByteBuffer key, long offset, boolean tombstone) {}

    static List<KeyedOffset> keyedOffsets(ByteBuffer buf, int pos) {
        List<KeyedOffset> out = new ArrayList<>();
        for (Record r : batchAt(buf, pos)) {
            if (r.hasKey()) {
                out.add(new KeyedOffset(copy(r.key()), r.offset(), !r.hasValue()));
            }
        }
        return out;
    }

    /**
     * Rebuilds the batch at {@code pos} keeping records without a key and the keyed ones {@code keep} accepts,
     * with their original offsets, timestamps, headers, producer fields, leader epoch, compression
     * and timestamp type. Returns an empty buffer if no record is kept, or the batch itself if all
     * are.
     */
    static ByteBuffer retain(ByteBuffer buf, int pos, RecordFilter keep) {
        MutableRecordBatch batch = batchAt(buf, pos);
        List<Record> kept = new ArrayList<>();
        int total = 0;
        for (Record r : batch) {
            total++;
            if (!r.hasKey() || keep.keep(r.key(), r.offset(), !r.hasValue())) {
                kept.add(r);
            }
        }
        if (kept.size() == total) {
            ByteBuffer same = buf.duplicate();
            same.position(pos).limit(pos + batch.sizeInBytes());
            return same.slice();
        }
        if (kept.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        boolean logAppendTime = batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME;
        try (MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(batch.sizeInBytes() + 64),
                RecordBatch.MAGIC_VALUE_V2,
                org.apache.kafka.common.compress.Compression.of(batch.compressionType())
                        .build(),
                batch.timestampType(),
                kept.get(0).offset(),
                logAppendTime ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP,
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                batch.isTransactional(),
                batch.partitionLeaderEpoch())) {
            for (Record r : kept) {
                builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
            }
            ByteBuffer out = builder.build().buffer();
            ByteBuffer copy = ByteBuffer.allocate(out.remaining());
            copy.put(out.duplicate()).flip();
            return copy;
        }
    }

    private static MutableRecordBatch batchAt(ByteBuffer buf, int pos) {
        ByteBuffer view = buf.duplicate();
        view.position(pos).limit(pos + BatchHeader.sizeBytes(buf, pos));
        return MemoryRecords.readableRecords(view.slice()).batches().iterator().next();
    }

    private static org.apache.kafka.common.compress.Compression toKafka(Compression c) {
        return switch (c) {
            case NONE -> org.apache.kafka.common.compress.Compression.NONE;
            case GZIP -> org.apache.kafka.common.compress.Compression.gzip().build();
            case SNAPPY -> org.apache.kafka.common.compress.Compression.snappy().build();
            case LZ4 -> org.apache.kafka.common.compress.Compression.lz4().build();
            case ZSTD -> org.apache.kafka.common.compress.Compression.zstd().build();
        };
    }

    private static org.apache.kafka.common.record.TimestampType toKafka(TimestampType t) {
        return t == TimestampType.LOG_APPEND_TIME
                ? org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                : org.apache.kafka.common.record.TimestampType.CREATE_TIME;
    }

    private static Header[] toKafka(List<RecordData.Header> headers) {
        Header[] out = new Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
        }
        return out;
    }

    private static List<RecordData.Header> headers(Header[] headers) {
        List<RecordData.Header> out = new ArrayList<>(headers.length);
        for (Header h : headers) {
            out.add(new RecordData.Header(h.key(), h.value()));
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

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(bytes(b));
    }
}
