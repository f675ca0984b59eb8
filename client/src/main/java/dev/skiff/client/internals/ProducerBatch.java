package dev.skiff.client.internals;

import dev.skiff.client.Callback;
import dev.skiff.client.CompressionType;
import dev.skiff.client.RecordMetadata;
import dev.skiff.client.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records for one partition that travel in one RecordBatch. Appends happen under the
 * accumulator's lock; once drained the batch is closed and owned by the sender thread, which
 * encodes it once (retries resend the same bytes) and completes it once.
 */
public final class ProducerBatch {
    private static final Logger log = LoggerFactory.getLogger(ProducerBatch.class);

    /** The producer's promise for one record. */
    record Thunk(
            CompletableFuture<RecordMetadata> future,
            Callback callback,
            long timestampMs,
            int keySize,
            int valueSize) {}

    private final TopicPartition topicPartition;
    private final long createdMs;
    private final List<RecordBatchCodec.RecordData> records = new ArrayList<>();
    private final List<Thunk> thunks = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int estimatedSizeBytes = RecordBatchCodec.BATCH_OVERHEAD_BYTES;
    private long reservedBytes;
    private boolean closed;
    private ByteBuffer encoded;
    private int attempts;
    private long retryAtMs;
    private int failedLeaderEpoch = -1;
    private RuntimeException lastError;
    private long producerId = -1;
    private short producerEpoch = -1;
    private int baseSequence = -1;
    private ByteBuffer sequenced;
    private int outOfOrderCount;

    ProducerBatch(TopicPartition topicPartition, long createdMs) {
        this.topicPartition = topicPartition;
        this.createdMs = createdMs;
    }

    /** Adds a record unless the batch is closed or, holding records already, would grow past {@code batchSizeBytes}. */
    boolean tryAppend(RecordBatchCodec.RecordData record, Thunk thunk, int sizeBytes, int batchSizeBytes) {
        if (closed || (!records.isEmpty() && estimatedSizeBytes + sizeBytes > batchSizeBytes)) {
            return false;
        }
        records.add(record);
        thunks.add(thunk);
        estimatedSizeBytes += sizeBytes;
        reservedBytes += sizeBytes;
        return true;
    }

    boolean isFull(int batchSizeBytes) {
        return estimatedSizeBytes >= batchSizeBytes;
    }

    void close() {
        closed = true;
    }

    /** The batch's bytes, encoded on first use with base offset 0 (the leader assigns offsets). */
    ByteBuffer encoded(CompressionType compression) {
        closed = true;
        if (encoded == null) {
            encoded = RecordBatchCodec.encode(0, compression, records);
        }
        return encoded.duplicate();
    }

    /** The bytes to send: with the producer id, epoch and sequence once {@link #assignSequence} ran. */
    ByteBuffer toSend(CompressionType compression) {
        ByteBuffer plain = encoded(compression);
        if (baseSequence < 0) {
            return plain;
        }
        if (sequenced == null) {
            sequenced = RecordBatchCodec.withProducer(plain, producerId, producerEpoch, baseSequence);
        }
        return sequenced.duplicate();
    }

    /** Stamps an idempotent producer's id, epoch and sequence; kept across retries until reset. */
    void assignSequence(long id, short epoch, int sequence) {
        producerId = id;
        producerEpoch = epoch;
        baseSequence = sequence;
        sequenced = null;
    }

    boolean hasSequence() {
        return baseSequence >= 0;
    }

    int baseSequence() {
        return baseSequence;
    }

    /** After an epoch bump the batch gets a new sequence when it is next drained. */
    void resetSequence() {
        baseSequence = -1;
        sequenced = null;
    }

    /** Counts OUT_OF_ORDER_SEQUENCE_NUMBER answers to this batch. */
    int noteOutOfOrder() {
        return ++outOfOrderCount;
    }

    /** Completes every record in append order: futures, then callbacks. Runs on the sender thread. */
    void complete(long baseOffset, long logAppendTimeMs) {
        for (int i = 0; i < thunks.size(); i++) {
            Thunk t = thunks.get(i);
            RecordMetadata metadata = new RecordMetadata(
                    topicPartition,
                    baseOffset < 0 ? -1 : baseOffset + i,
                    logAppendTimeMs >= 0 ? logAppendTimeMs : t.timestampMs(),
                    t.keySize(),
                    t.valueSize());
            t.future().complete(metadata);
            runCallback(t, metadata, null);
        }
        done.complete(null);
    }

    /** Fails every record with {@code exception}. */
    void fail(RuntimeException exception) {
        for (Thunk t : thunks) {
            t.future().completeExceptionally(exception);
            runCallback(t, null, exception);
        }
        done.complete(null);
    }

    private void runCallback(Thunk t, RecordMetadata metadata, RuntimeException exception) {
        if (t.callback() == null) {
            return;
        }
        try {
            t.callback().onCompletion(metadata, exception);
        } catch (RuntimeException e) {
            // A faulty callback must not stop the network thread or the other records' callbacks.
            log.error("Error executing user-provided callback on message for topic-partition '{}'", topicPartition, e);
        }
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    long createdMs() {
        return createdMs;
    }

    int recordCount() {
        return records.size();
    }

    int estimatedSizeBytes() {
        return estimatedSizeBytes;
    }

    long reservedBytes() {
        return reservedBytes;
    }

    int attempts() {
        return attempts;
    }

    long retryAtMs() {
        return retryAtMs;
    }

    void retryAt(long atMs) {
        attempts++;
        retryAtMs = atMs;
    }

    /** The partition's leader epoch when the latest attempt failed (-1: unknown). */
    int failedLeaderEpoch() {
        return failedLeaderEpoch;
    }

    void failedUnderLeaderEpoch(int epoch) {
        failedLeaderEpoch = epoch;
    }

    /** The error of the latest failed attempt, for the message if the batch finally expires. */
    RuntimeException lastError() {
        return lastError;
    }

    void lastError(RuntimeException error) {
        lastError = error;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    boolean isDone() {
        return done.isDone();
    }
}
