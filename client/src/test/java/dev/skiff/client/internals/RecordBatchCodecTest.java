package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.ApiException;
import dev.skiff.client.CompressionType;
import dev.skiff.client.Errors;
import dev.skiff.client.Header;
import dev.skiff.client.TimestampType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordBatchCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<RecordBatchCodec.RecordData> records(int n) {
        List<RecordBatchCodec.RecordData> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new RecordBatchCodec.RecordData(
                    1_700_000_000_000L + i,
                    i % 2 == 0 ? null : b("k" + i),
                    b("value-" + i),
                    List.of(new Header("h", b("x")))));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void roundTripsEveryCompression(CompressionType compression) {
        ByteBuffer encoded = RecordBatchCodec.encode(42, compression, records(5));
        List<RecordBatchCodec.DecodedBatch> batches = RecordBatchCodec.decode(encoded, true);
        assertEquals(1, batches.size());
        RecordBatchCodec.BatchInfo info = batches.get(0).info();
        assertEquals(42, info.baseOffset());
        assertEquals(46, info.lastOffset());
        assertEquals(5, info.count());
        assertEquals(compression, info.compression());
        assertEquals(2, info.magic());
        assertTrue(info.valid());
        List<RecordBatchCodec.DecodedRecord> rs = batches.get(0).records();
        for (int i = 0; i < 5; i++) {
            assertEquals(42 + i, rs.get(i).offset());
            assertEquals(1_700_000_000_000L + i, rs.get(i).timestampMs());
            assertArrayEquals(b("value-" + i), rs.get(i).value());
            if (i % 2 == 0) {
                assertNull(rs.get(i).key());
            } else {
                assertArrayEquals(b("k" + i), rs.get(i).key());
            }
            assertEquals(List.of(new Header("h", b("x"))), rs.get(i).headers());
        }
    }

    @Test
    void kafkasReaderAcceptsOurBatches() {
        ByteBuffer encoded = RecordBatchCodec.encode(7, CompressionType.ZSTD, records(3));
        MutableRecordBatch batch =
                MemoryRecords.readableRecords(encoded).batches().iterator().next();
        batch.ensureValid();
        assertEquals(7, batch.baseOffset());
        assertEquals(9, batch.lastOffset());
    }

    @Test
    void logAppendTimeBatchesReportTheAppendTime() {
        ByteBuffer encoded =
                RecordBatchCodec.encode(0, CompressionType.NONE, TimestampType.LOG_APPEND_TIME, 3, records(2));
        RecordBatchCodec.DecodedBatch batch =
                RecordBatchCodec.decode(encoded, true).get(0);
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.info().timestampType());
        assertEquals(3, batch.info().partitionLeaderEpoch());
        assertEquals(1_700_000_000_000L, batch.records().get(1).timestampMs());
    }

    @Test
    void aCorruptBatchFailsDecodeButScanReportsIt() {
        ByteBuffer first = RecordBatchCodec.encode(0, CompressionType.NONE, records(2));
        ByteBuffer second = RecordBatchCodec.encode(2, CompressionType.NONE, records(2));
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        int secondStart = first.remaining();
        both.put(first).put(second).flip();
        both.put(both.limit() - 3, (byte) (both.get(both.limit() - 3) ^ 0x55));

        ApiException e = assertThrows(ApiException.class, () -> RecordBatchCodec.decode(both.duplicate(), true));
        assertEquals(Errors.CORRUPT_MESSAGE, e.error());
        assertEquals(2, RecordBatchCodec.decode(both.duplicate(), false).size());

        List<RecordBatchCodec.BatchInfo> seen = new ArrayList<>();
        long valid = RecordBatchCodec.scan(both.duplicate(), true, batch -> seen.add(batch.info()));
        assertEquals(both.limit(), valid);
        assertTrue(seen.get(0).valid());
        assertFalse(seen.get(1).valid());
        assertEquals(secondStart, seen.get(1).position());
    }

    @Test
    void aTornTailIsLeftOut() {
        ByteBuffer first = RecordBatchCodec.encode(0, CompressionType.NONE, records(2));
        int size = first.remaining();
        ByteBuffer torn = ByteBuffer.allocate(size + 20);
        torn.put(first)
                .put(RecordBatchCodec.encode(2, CompressionType.NONE, records(1))
                        .limit(20))
                .flip();
        assertEquals(1, RecordBatchCodec.decode(torn.duplicate(), true).size());
        assertEquals(size, RecordBatchCodec.scan(torn.duplicate(), false, b -> {}));
    }

    @Test
    void estimatesAreUpperBounds() {
        List<RecordBatchCodec.RecordData> rs = records(10);
        int estimate = RecordBatchCodec.BATCH_OVERHEAD_BYTES;
        for (RecordBatchCodec.RecordData r : rs) {
            estimate += RecordBatchCodec.estimateSizeBytes(r.key(), r.value(), r.headers());
        }
        assertTrue(RecordBatchCodec.encode(0, CompressionType.NONE, rs).remaining() <= estimate);
    }
}
