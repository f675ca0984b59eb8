package dev.skiff.client.internals;

import dev.skiff.client.ApiException;
import dev.skiff.client.Callback;
import dev.skiff.client.Errors;
import dev.skiff.client.ProducerConfig;
import dev.skiff.client.RecordMetadata;
import dev.skiff.client.TopicPartition;
import java.util.concurrent.CompletableFuture;

/** Small pieces of {@code Producer.send} that need package access to the accumulator's types. */
public final class ProducerSupport {
    private ProducerSupport() {}

    /** Appends one prepared record to a chosen partition. */
    public interface Appender {
        RecordAccumulator.AppendResult appendResult(TopicPartition tp, boolean abortOnNewBatch);

        /** Appends, returning whether the sender should be woken (a batch filled up or was started). */
        default boolean append(TopicPartition tp, boolean abortOnNewBatch) {
            RecordAccumulator.AppendResult r = appendResult(tp, abortOnNewBatch);
            return r.batchIsFull() || r.newBatchCreated();
        }
    }

    public static Appender appender(
            RecordAccumulator accumulator,
            RecordBatchCodec.RecordData data,
            CompletableFuture<RecordMetadata> future,
            Callback callback,
            long timestampMs,
            int sizeBytes,
            long deadlineMs) {
        int keySize = data.key() == null ? -1 : data.key().length;
        int valueSize = data.value() == null ? -1 : data.value().length;
        ProducerBatch.Thunk thunk = new ProducerBatch.Thunk(future, callback, timestampMs, keySize, valueSize);
        return (tp, abort) -> accumulator.append(tp, data, thunk, sizeBytes, deadlineMs, abort);
    }

    /** Kafka's checks of a record's size against max.request.size and buffer.memory. */
    public static void checkRecordSize(int sizeBytes, ProducerConfig config) {
        int batchSize = sizeBytes + RecordBatchCodec.BATCH_OVERHEAD_BYTES;
        if (batchSize > config.maxRequestSizeBytes()) {
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "The message is " + batchSize + " bytes when serialized which is larger than "
                            + config.maxRequestSizeBytes()
                            + ", which is the value of the max.request.size configuration.");
        }
        if (batchSize > config.bufferMemoryBytes()) {
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "The message is " + batchSize
                            + " bytes when serialized which is larger than the total memory buffer "
                            + "you have configured with the buffer.memory configuration.");
        }
    }
}
