package dev.skiff.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads and patches the 61-byte header of a Kafka RecordBatch v2 in place, at absolute positions of
 * a buffer, without decoding the records. Layout (big-endian), from Kafka's protocol docs:
 *
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 * producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...
 * </pre>
 *
 * <p>{@code batchLength} counts the bytes after itself; the CRC-32C covers attributes to the end, so
 * base offset and leader epoch can be rewritten without recomputing it.
 */
public final class BatchHeader {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    /** Bytes before {@code partitionLeaderEpoch}: base offset and length. */
    public static final int LOG_OVERHEAD = 12;

    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    /** The producer id of a batch written without idempotence. */
    public static final long NO_PRODUCER_ID = -1L;

    public static final int HEADER_BYTES = 61;

    public static final byte MAGIC_V2 = 2;
    public static final long NO_TIMESTAMP = -1L;

    private static final int COMPRESSION_MASK = 0x07;
    private static final int TIMESTAMP_TYPE_MASK = 0x08;
    private static final int CONTROL_MASK = 0x20;

    private BatchHeader() {}

    public static long baseOffset(ByteBuffer b, int pos) {
        return b.getLong(pos + BASE_OFFSET_OFFSET);
    }

    /** The whole batch size in bytes, including the 12-byte log overhead. */
    public static int sizeBytes(ByteBuffer b, int pos) {
        return b.getInt(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
    }

    public static int partitionLeaderEpoch(ByteBuffer b, int pos) {
        return b.getInt(pos + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public static byte magic(ByteBuffer b, int pos) {
        return b.get(pos + MAGIC_OFFSET);
    }

    public static int lastOffsetDelta(ByteBuffer b, int pos) {
        return b.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
    }

    public static long lastOffset(ByteBuffer b, int pos) {
        return baseOffset(b, pos) + lastOffsetDelta(b, pos);
    }

    public static long maxTimestamp(ByteBuffer b, int pos) {
        return b.getLong(pos + MAX_TIMESTAMP_OFFSET);
    }

    public static int recordCount(ByteBuffer b, int pos) {
        return b.getInt(pos + RECORD_COUNT_OFFSET);
    }

    /** The producer id, or {@link #NO_PRODUCER_ID} for a batch written without idempotence. */
    public static long producerId(ByteBuffer b, int pos) {
        return b.getLong(pos + PRODUCER_ID_OFFSET);
    }

    public static short producerEpoch(ByteBuffer b, int pos) {
        return b.getShort(pos + PRODUCER_EPOCH_OFFSET);
    }

    public static int baseSequence(ByteBuffer b, int pos) {
        return b.getInt(pos + BASE_SEQUENCE_OFFSET);
    }

    /** The sequence of the batch's last record; sequences wrap from Integer.MAX_VALUE to 0. */
    public static int lastSequence(ByteBuffer b, int pos) {
        return ProducerStateManager.addSequence(baseSequence(b, pos), lastOffsetDelta(b, pos));
    }

    public static Compression compression(ByteBuffer b, int pos) {
        return Compression.forId(b.getShort(pos + ATTRIBUTES_OFFSET) & COMPRESSION_MASK);
    }

    public static boolean isLogAppendTime(ByteBuffer b, int pos) {
        return (b.getShort(pos + ATTRIBUTES_OFFSET) & TIMESTAMP_TYPE_MASK) != 0;
    }

    public static boolean isControl(ByteBuffer b, int pos) {
        return (b.getShort(pos + ATTRIBUTES_OFFSET) & CONTROL_MASK) != 0;
    }

    public static void setBaseOffset(ByteBuffer b, int pos, long baseOffset) {
        b.putLong(pos + BASE_OFFSET_OFFSET, baseOffset);
    }

    public static void setPartitionLeaderEpoch(ByteBuffer b, int pos, int epoch) {
        b.putInt(pos + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Marks the batch as LogAppendTime with the given time as its max timestamp, and recomputes the
     * CRC (both fields are covered by it). Records keep their deltas; readers use the max timestamp.
     */
    public static void setLogAppendTime(ByteBuffer b, int pos, long timestampMs) {
        short attributes = b.getShort(pos + ATTRIBUTES_OFFSET);
        b.putShort(pos + ATTRIBUTES_OFFSET, (short) (attributes | TIMESTAMP_TYPE_MASK));
        b.putLong(pos + MAX_TIMESTAMP_OFFSET, timestampMs);
        b.putInt(pos + CRC_OFFSET, (int) computeCrc(b, pos));
    }

    public static long storedCrc(ByteBuffer b, int pos) {
        return Integer.toUnsignedLong(b.getInt(pos + CRC_OFFSET));
    }

    /** CRC-32C from the attributes to the end of the batch, as Kafka computes it. */
    public static long computeCrc(ByteBuffer b, int pos) {
        int end = pos + sizeBytes(b, pos);
        CRC32C crc = new CRC32C();
        ByteBuffer view = b.duplicate();
        view.limit(end).position(pos + ATTRIBUTES_OFFSET);
        crc.update(view);
        return crc.getValue();
    }

    /**
     * Checks the header of the batch at {@code pos} against the bytes available and the size limit,
     * then the CRC. Returns the batch size in bytes.
     *
     * @throws LogException with {@link LogError#CORRUPT_MESSAGE} or {@link
     *     LogError#MESSAGE_TOO_LARGE}, saying which check failed
     */
    public static int validate(ByteBuffer b, int pos, int limit, int maxMessageBytes) {
        int remaining = limit - pos;
        if (remaining < HEADER_BYTES) {
            throw corrupt("truncated batch header: " + remaining + " bytes left, a header needs " + HEADER_BYTES);
        }
        // In long: a length field near Integer.MAX_VALUE plus the 12-byte overhead would wrap.
        long size = (long) b.getInt(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
        if (size < HEADER_BYTES) {
            throw corrupt("batch length " + size + " is smaller than the " + HEADER_BYTES + "-byte header");
        }
        if (size > maxMessageBytes) {
            throw new LogException(
                    LogError.MESSAGE_TOO_LARGE,
                    "batch of " + size + " bytes exceeds max.message.bytes=" + maxMessageBytes
                            + "; send smaller batches or raise max.message.bytes");
        }
        if (size > remaining) {
            throw corrupt("batch length " + size + " runs past the end of the data (" + remaining + " bytes left)");
        }
        if (magic(b, pos) != MAGIC_V2) {
            throw corrupt("unsupported batch magic " + magic(b, pos) + "; only RecordBatch v2 (magic 2) is accepted");
        }
        if (lastOffsetDelta(b, pos) < 0 || recordCount(b, pos) < 0) {
            throw corrupt("negative lastOffsetDelta or record count in batch header");
        }
        long stored = storedCrc(b, pos);
        long computed = computeCrc(b, pos);
        if (stored != computed) {
            throw corrupt("batch CRC mismatch: stored " + Long.toHexString(stored) + ", computed "
                    + Long.toHexString(computed));
        }
        return (int) size; // at most max.message.bytes, an int
    }

    private static LogException corrupt(String message) {
        return new LogException(LogError.CORRUPT_MESSAGE, message);
    }
}
