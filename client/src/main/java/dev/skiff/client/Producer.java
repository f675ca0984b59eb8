package dev.skiff.client;

import dev.skiff.client.internals.Backoff;
import dev.skiff.client.internals.Channels;
import dev.skiff.client.internals.ClientExecutors;
import dev.skiff.client.internals.ClusterSnapshot;
import dev.skiff.client.internals.ConfigValues;
import dev.skiff.client.internals.MetadataManager;
import dev.skiff.client.internals.Murmur2;
import dev.skiff.client.internals.ProducerSupport;
import dev.skiff.client.internals.RecordAccumulator;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.internals.Sender;
import dev.skiff.client.internals.StickyPartitioner;
import dev.skiff.client.internals.Waits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to partition leaders, batching by {@code linger.ms} and {@code batch.size} per
 * partition, compressing batches, and retrying retriable errors with backoff and a metadata
 * refresh within {@code delivery.timeout.ms}. One request is in flight per partition, so records
 * of a partition are written in send order even across retries. Thread-safe: many threads may
 * call {@link #send}. Owns one network thread, which runs callbacks.
 */
public final class Producer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Producer.class);

    private final ProducerConfig config;
    private final Clock clock;
    private final ScheduledExecutorService networkThread;
    private final Channels channels;
    private final MetadataManager metadata;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final StickyPartitioner sticky;
    private volatile boolean closed;

    public Producer(Map<String, ?> configs) {
        this(configs, ClientEnvironment.system());
    }

    public Producer(Properties props) {
        this(ConfigValues.toMap(props), ClientEnvironment.system());
    }

    public Producer(Map<String, ?> configs, ClientEnvironment env) {
        this.config = ProducerConfig.parse(configs);
        this.clock = env.clock();
        this.networkThread = ClientExecutors.singleThread(env.threadFactory(
                "skiff-producer-network-thread | " + config.common().clientId()));
        this.channels = new Channels(env.channelFactory(64 << 20), clock);
        Backoff backoff =
                new Backoff(config.common().retryBackoffMs(), config.common().retryBackoffMaxMs(), env.random());
        this.metadata = new MetadataManager(channels, config.common(), clock, networkThread, backoff, true);
        this.accumulator =
                new RecordAccumulator(config.batchSizeBytes(), config.lingerMs(), config.bufferMemoryBytes(), clock);
        this.sender = new Sender(config, accumulator, metadata, channels, networkThread, clock, backoff);
        this.sticky = new StickyPartitioner(env.random());
    }

    /** {@link #send(ProducerRecord, Callback)} without a callback. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        return send(record, null);
    }

    /**
     * Queues a record. Blocks up to {@code max.block.ms} for the topic's metadata and for buffer
     * memory. Failures (unknown topic after the wait, record too large, delivery timeout, a
     * non-retriable broker error) complete the future exceptionally and reach the callback.
     *
     * @throws IllegalStateException if the producer is closed
     * @throws IllegalArgumentException if the record names a partition the topic does not have
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord record, Callback callback) {
        if (closed) {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            long start = clock.millis();
            long deadline = saturatedAdd(start, config.maxBlockMs());
            ClusterSnapshot cluster = metadata.awaitTopic(record.topic(), deadline, config.maxBlockMs());
            List<PartitionInfo> partitions = cluster.partitions(record.topic());
            int size = RecordBatchCodec.estimateSizeBytes(record.key(), record.value(), record.headers());
            ProducerSupport.checkRecordSize(size, config);
            long timestamp = record.timestampMs() != null ? record.timestampMs() : clock.millis();
            RecordBatchCodec.RecordData data =
                    new RecordBatchCodec.RecordData(timestamp, record.key(), record.value(), record.headers());
            ProducerSupport.Appender appender =
                    ProducerSupport.appender(accumulator, data, future, callback, timestamp, size, deadline);
            boolean wake = appendToPartition(record, partitions, appender);
            if (wake) {
                sender.wakeup();
            }
        } catch (SkiffException e) {
            future.completeExceptionally(e);
            if (callback != null) {
                callback.onCompletion(null, e);
            }
        }
        return future;
    }

    private boolean appendToPartition(
            ProducerRecord record, List<PartitionInfo> partitions, ProducerSupport.Appender appender) {
        int n = partitions.size();
        if (record.partition() != null) {
            if (record.partition() >= n) {
                throw new IllegalArgumentException("Invalid partition given with record: " + record.partition()
                        + " is not in the range [0..." + n + ").");
            }
            return appender.append(new TopicPartition(record.topic(), record.partition()), false);
        }
        if (record.key() != null && !config.partitionerIgnoreKeys()) {
            return appender.append(new TopicPartition(record.topic(), Murmur2.partitionForKey(record.key(), n)), false);
        }
        int p = sticky.partition(record.topic(), partitions);
        RecordAccumulator.AppendResult first = appender.appendResult(new TopicPartition(record.topic(), p), true);
        if (first.appended()) {
            return first.batchIsFull() || first.newBatchCreated();
        }
        int next = sticky.onNewBatch(record.topic(), partitions, p);
        return appender.append(new TopicPartition(record.topic(), next), false);
    }

    /** Sends everything queued now, without waiting for linger.ms, and waits until all of it is acknowledged or failed. */
    public void flush() {
        accumulator.beginFlush();
        try {
            sender.wakeup();
            CompletableFuture.allOf(accumulator.incompleteFutures().toArray(new CompletableFuture<?>[0]))
                    .join();
        } finally {
            accumulator.endFlush();
        }
    }

    /** The topic's partitions, waiting up to {@code max.block.ms} for metadata. */
    public List<PartitionInfo> partitionsFor(String topic) {
        long deadline = saturatedAdd(clock.millis(), config.maxBlockMs());
        return metadata.awaitTopic(topic, deadline, config.maxBlockMs()).partitions(topic);
    }

    public ProducerConfig config() {
        return config;
    }

    /** Waits for everything queued to complete, then releases threads and channels. */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Stops accepting records, gives queued and in-flight ones up to {@code timeout} to complete,
     * then fails whatever is left ("Producer is closed forcefully.") and releases resources.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        accumulator.beginClose();
        sender.wakeup();
        boolean fromCallback = sender.isNetworkThread();
        if (fromCallback) {
            log.warn(
                    "Overriding close timeout {} ms to 0 ms: close() was called from a callback on the network thread",
                    timeout.toMillis());
        }
        long timeoutMs = fromCallback || timeout.toMillis() < 0 ? 0 : Math.min(timeout.toMillis(), Long.MAX_VALUE / 4);
        long deadline = clock.millis() + timeoutMs;
        boolean forced = false;
        // A send() that passed its closed-check just before close() may still append: loop until none is left.
        List<CompletableFuture<Void>> pending = accumulator.incompleteFutures();
        while (!pending.isEmpty() && !forced) {
            CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
            forced = !Waits.await(all, deadline - clock.millis());
            pending = accumulator.incompleteFutures();
        }
        if (forced) {
            sender.forceClose(new SkiffException("Producer is closed forcefully."));
        }
        networkThread.shutdown();
        try {
            if (!fromCallback) {
                networkThread.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (forced) {
            channels.closeNow();
        } else {
            channels.close();
        }
        networkThread.shutdownNow();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
