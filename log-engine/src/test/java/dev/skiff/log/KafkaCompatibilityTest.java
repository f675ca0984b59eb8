package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.log.KafkaCompatFixture.Expected;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A skiff segment file, read back with kafka-clients' own file reader ({@code FileRecords}), is
 * valid Kafka RecordBatch v2 in every compression and timestamp type (DESIGN §5).
 */
class KafkaCompatibilityTest {
    @TempDir
    Path tmp;

    @Test
    void kafkasFileReaderFindsEveryBatchValidWithTheRecordsSkiffWrote() throws Exception {
        Path dir = tmp.resolve("compat-0");
        List<Expected> expected = KafkaCompatFixture.write(dir);
        Path segment = KafkaCompatFixture.segment(dir);
        byte[] before = Files.readAllBytes(segment);

        try (FileRecords file = FileRecords.open(segment.toFile())) {
            assertEquals(before.length, file.sizeInBytes());
            Iterator<Expected> want = expected.iterator();
            long nextOffset = 0;
            int position = 0;
            for (FileChannelRecordBatch batch : file.batches()) {
                assertTrue(want.hasNext(), "more batches than written: " + batch);
                Expected e = want.next();
                batch.ensureValid();
                assertTrue(batch.isValid());
                assertEquals(position, batch.position());
                assertEquals(nextOffset, batch.baseOffset(), "offsets are contiguous");
                checkBatch(e, batch);
                checkRecords(e, batch);
                nextOffset = batch.lastOffset() + 1;
                position += batch.sizeInBytes();
            }
            assertFalse(want.hasNext(), "every batch written was found");
            assertEquals(before.length, position);
            assertEquals(expected.get(expected.size() - 1).lastOffset() + 1, nextOffset);
        }
    }

    @Test
    void kafkasFileReaderRejectsTheBatchWhoseBytesWereDamaged() throws Exception {
        Path dir = tmp.resolve("compat-1");
        List<Expected> expected = KafkaCompatFixture.write(dir);
        Path segment = KafkaCompatFixture.segment(dir);
        RecoveryFixture.BatchAt damaged = RecoveryFixture.batchesIn(segment).get(3);
        RecoveryFixture.corruptRecords(segment, damaged);

        try (FileRecords file = FileRecords.open(segment.toFile())) {
            int n = 0;
            for (FileChannelRecordBatch batch : file.batches()) {
                assertEquals(batch.position() != damaged.position(), batch.isValid(), "batch at " + batch.position());
                n++;
            }
            assertEquals(expected.size(), n);
        }
    }

    private static void checkBatch(Expected e, FileChannelRecordBatch batch) {
        String what = e.compression() + "/" + e.timestampType();
        assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic(), what);
        assertEquals(e.baseOffset(), batch.baseOffset(), what);
        assertEquals(e.lastOffset(), batch.lastOffset(), what);
        assertEquals(e.compression().id(), batch.compressionType().id, what);
        assertEquals(e.timestampType().configName(), batch.timestampType().name, what);
        assertEquals(e.maxTimestampMs(), batch.maxTimestamp(), what);
        assertEquals(KafkaCompatFixture.LEADER_EPOCH, batch.partitionLeaderEpoch(), what);
        assertEquals(e.records().size(), batch.countOrNull(), what);
        assertFalse(batch.isTransactional());
        assertFalse(batch.isControlBatch());
        if (e.idempotent()) {
            assertEquals(KafkaCompatFixture.PRODUCER_ID, batch.producerId());
            assertEquals(KafkaCompatFixture.PRODUCER_EPOCH, batch.producerEpoch());
            assertEquals(KafkaCompatFixture.BASE_SEQUENCE, batch.baseSequence());
            assertEquals(KafkaCompatFixture.BASE_SEQUENCE + e.records().size() - 1, batch.lastSequence());
        } else {
            assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId());
            assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
        }
    }

    private static void checkRecords(Expected e, FileChannelRecordBatch batch) {
        long offset = e.baseOffset();
        Iterator<RecordData> want = e.records().iterator();
        for (Record r : batch) {
            assertTrue(want.hasNext());
            RecordData d = want.next();
            r.ensureValid();
            assertEquals(offset++, r.offset());
            assertEquals(e.timestampOf(d), r.timestamp());
            assertArrayEquals(d.key(), bytes(r.key()));
            assertArrayEquals(d.value(), bytes(r.value()));
            Header[] headers = r.headers();
            assertEquals(d.headers().size(), headers.length);
            for (int i = 0; i < headers.length; i++) {
                assertEquals(d.headers().get(i).key(), headers[i].key());
                assertArrayEquals(d.headers().get(i).value(), headers[i].value());
            }
        }
        assertFalse(want.hasNext(), "every record written was found");
        assertEquals(e.lastOffset() + 1, offset);
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
