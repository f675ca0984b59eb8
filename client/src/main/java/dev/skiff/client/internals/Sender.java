package dev.skiff.client.internals;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.client.ProducerConfig;
import dev.skiff.client.SkiffException;
import dev.skiff.client.TimeoutException;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.InitProducerIdRequest;
import dev.skiff.proto.v1.InitProducerIdResponse;
import dev.skiff.proto.v1.PartitionProduceData;
import dev.skiff.proto.v1.PartitionProduceResponse;
import dev.skiff.proto.v1.ProduceRequest;
import dev.skiff.proto.v1.ProduceResponse;
import dev.skiff.proto.v1.TopicProduceData;
import dev.skiff.proto.v1.TopicProduceResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's network loop. It runs only on its single-threaded executor (the producer's
 * network thread), which owns every field below except the wakeup flag: it moves sendable batches
 * from the accumulator into Produce requests, one request per leader, and handles the answers.
 *
 * <p>Ordering (DESIGN §7): requests go on one ProduceStream per broker, which the broker appends
 * and answers in send order, so up to {@code max.in.flight.requests.per.connection} requests per
 * partition may be in flight at once without reordering ({@link InFlightBatches}). A retriable
 * failure waits for the partition's other answers, then puts the failed batch and every batch sent
 * after it back at the head of its queue, in order and with their sequence numbers, so a retry can
 * never reorder records (an idempotent leader recognizes the ones already written).
 */
public final class Sender {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);

    private final ProducerConfig config;
    private final RecordAccumulator accumulator;
    private final MetadataManager metadata;
    private final Channels channels;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Backoff backoff;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    // Owned by the sender thread.
    private final InFlightBatches inFlight = new InFlightBatches();
    private final ProduceStreams<List<Group>> streams;
    /** Null without idempotence. */
    private final IdempotenceState idempotence;

    private ScheduledFuture<?> timer;
    private long timerAtMs = Long.MAX_VALUE;
    private CompletableFuture<?> watchedRefresh;
    private boolean forceClosed;
    private int drainStart;
    private volatile Thread thread;

    public Sender(
            ProducerConfig config,
            RecordAccumulator accumulator,
            MetadataManager metadata,
            Channels channels,
            ScheduledExecutorService executor,
            Clock clock,
            Backoff backoff) {
        this.config = config;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.channels = channels;
        this.executor = executor;
        this.clock = clock;
        this.backoff = backoff;
        this.idempotence = config.idempotence() ? new IdempotenceState() : null;
        this.streams = new ProduceStreams<>(channels, executor, new ProduceStreams.Handler<>() {
            @Override
            public void answered(List<Group> groups, ProduceResponse response) {
                handleAnswer(groups, response, null);
                runOnce();
            }

            @Override
            public void failed(List<Group> groups, Throwable failure) {
                handleAnswer(groups, null, failure);
                runOnce();
            }
        });
    }

    /** Asks the loop to look at the accumulator soon. Any thread. */
    public void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                wakeupPending.set(false);
            }
        }
    }

    /** Fails every batch not yet sent; answers to batches in flight fail them too. Any thread. */
    public void forceClose(RuntimeException reason) {
        try {
            executor.execute(() -> {
                forceClosed = true;
                if (timer != null) {
                    timer.cancel(false);
                }
                streams.cancelAll("the producer is closed forcefully");
                for (ProducerBatch b : inFlight.clear()) {
                    fail(b, reason);
                }
                for (ProducerBatch b : accumulator.drainAllQueued()) {
                    fail(b, reason);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("sender already stopped", e);
        }
    }

    /** True on the network thread, where callbacks run: a close() there must not wait for itself. */
    public boolean isNetworkThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        thread = Thread.currentThread();
        wakeupPending.set(false);
        try {
            runOnce();
        } catch (RuntimeException e) {
            // A broken invariant: stop this producer loudly rather than lose records silently.
            log.error("The producer's network thread failed; failing every pending record", e);
            forceClosed = true;
            for (ProducerBatch b : accumulator.drainAllQueued()) {
                fail(b, new SkiffException("The producer's network thread failed: " + e, e));
            }
        }
    }

    /** One pass: expire, refresh metadata if due, send what is ready, and set the timer. */
    void runOnce() {
        if (forceClosed) {
            return;
        }
        long now = clock.millis();
        long streamDeadline = streams.expire(now);
        for (ProducerBatch b : accumulator.expire(now, config.deliveryTimeoutMs(), inFlight.partitions())) {
            fail(b, expired(b, now));
        }
        RecordAccumulator.ReadyResult ready = accumulator.ready(metadata.current(), now, muted());
        if (ready.unknownLeaders()) {
            metadata.requestUpdate();
        }
        boolean queued = accumulator.hasQueued();
        if (queued) {
            metadata.maybeRefresh(now).ifPresent(f -> {
                if (f != watchedRefresh) {
                    watchedRefresh = f;
                    f.whenComplete((s, t) -> wakeup());
                }
            });
        }
        boolean leftover = false;
        boolean mayProduce = idempotence == null || producerIdReady(now);
        for (Map.Entry<Node, List<TopicPartition>> e : ready.readyByLeader().entrySet()) {
            if (mayProduce) {
                leftover |= sendProduce(e.getKey(), e.getValue(), now);
            }
        }
        if (leftover) {
            wakeup();
        }
        long delay = Math.min(
                ready.nextReadyCheckDelayMs(),
                streamDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : streamDeadline - now);
        long oldest = accumulator.oldestQueuedCreatedMs();
        if (oldest != Long.MAX_VALUE) {
            delay = Math.min(delay, oldest + config.deliveryTimeoutMs() - now);
        }
        if (queued) {
            delay = Math.min(delay, metadata.nextRefreshDelayMs(now));
        }
        scheduleTimer(now, delay);
    }

    /**
     * The partitions that may not send now: those with the most requests in flight already, a
     * retry under way, or requests in flight to a broker that no longer leads them (their answers
     * come first, so a new leader never gets a batch before an older one is settled).
     */
    private Set<TopicPartition> muted() {
        Set<TopicPartition> muted = new HashSet<>();
        ClusterSnapshot cluster = metadata.current();
        // Without idempotence a retry could land after a later batch the leader already wrote:
        // one request in flight per partition keeps the order (DESIGN §6).
        int max = idempotence != null ? config.maxInFlightRequestsPerConnection() : 1;
        for (TopicPartition tp : inFlight.partitions()) {
            HostPort leader = cluster.leader(tp).map(ClusterSnapshot::address).orElse(null);
            if (!inFlight.maySend(tp, leader, max)) {
                muted.add(tp);
            }
        }
        return muted;
    }

    private void scheduleTimer(long now, long delayMs) {
        if (delayMs == Long.MAX_VALUE) {
            return;
        }
        long wait = Math.max(1, delayMs);
        long at = now + wait;
        if (timer != null && !timer.isDone() && timerAtMs <= at) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAtMs = at;
        try {
            timer = executor.schedule(this::wakeup, wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The producer is closing: its close settles whatever is left.
            timer = null;
        }
    }

    /** The batches of one partition that travel in one request, in queue order. */
    private record Group(TopicPartition tp, List<ProducerBatch> batches) {}

    /**
     * Sends one Produce to {@code leader} with the sendable batches of {@code partitions}, within
     * max.request.size (estimated, which bounds the encoded size).
     *
     * @return true if some partitions did not fit and are still ready
     */
    private boolean sendProduce(Node leader, List<TopicPartition> partitions, long now) {
        HostPort address = ClusterSnapshot.address(leader);
        if (!streams.hasRoom(address)) {
            return false;
        }
        List<Group> groups = new ArrayList<>();
        Map<String, TopicProduceData.Builder> byTopic = new LinkedHashMap<>();
        long remaining = config.maxRequestSizeBytes();
        long deadlineMs = now + config.common().requestTimeoutMs();
        boolean leftover = false;
        int n = partitions.size();
        int start = Math.floorMod(drainStart++, n);
        for (int i = 0; i < n; i++) {
            TopicPartition tp = partitions.get((start + i) % n);
            long budget = remaining;
            if (!groups.isEmpty()
                    && accumulator
                            .peekFirst(tp)
                            .map(b -> b.estimatedSizeBytes() > budget)
                            .orElse(true)) {
                leftover = true;
                continue;
            }
            // An idempotent producer sends one batch per partition per request, as the leader requires.
            List<ProducerBatch> batches =
                    idempotence != null ? List.of(accumulator.drainFirst(tp)) : accumulator.drain(tp, now, remaining);
            ByteString records = ByteString.EMPTY;
            for (ProducerBatch b : batches) {
                if (idempotence != null) {
                    idempotence.assignIfNeeded(b);
                }
                records = records.concat(UnsafeByteOperations.unsafeWrap(b.toSend(config.compression())));
                remaining -= b.estimatedSizeBytes();
                deadlineMs = Math.min(deadlineMs, b.createdMs() + config.deliveryTimeoutMs());
            }
            // More batches behind these may go in the next request (pipelined), if the limit allows.
            leftover |= accumulator.peekFirst(tp).isPresent();
            groups.add(new Group(tp, batches));
            inFlight.sent(tp, address, batches);
            byTopic.computeIfAbsent(
                            tp.topic(), t -> TopicProduceData.newBuilder().setName(t))
                    .addPartitions(PartitionProduceData.newBuilder()
                            .setIndex(tp.partition())
                            .setRecords(records));
        }
        ProduceRequest.Builder request = ProduceRequest.newBuilder()
                .setAcks(config.acks())
                .setTimeoutMs(config.common().requestTimeoutMs());
        byTopic.values().forEach(request::addTopics);
        streams.send(address, request.build(), groups, now, Math.max(now + 1, deadlineMs));
        return leftover;
    }

    private void handleAnswer(List<Group> groups, ProduceResponse response, Throwable failure) {
        long now = clock.millis();
        Map<TopicPartition, PartitionProduceResponse> answers = new HashMap<>();
        if (response != null) {
            for (TopicProduceResponse t : response.getTopicsList()) {
                for (PartitionProduceResponse p : t.getPartitionsList()) {
                    answers.put(new TopicPartition(t.getName(), p.getIndex()), p);
                }
            }
        }
        for (Group g : groups) {
            if (forceClosed || !inFlight.answered(g.tp(), g.batches())) {
                // Closed forcefully (the batches were failed then), or a retry of the partition is
                // under way and will resend these batches whatever their answer said.
                startRetryIfDue(g.tp(), now);
                continue;
            }
            if (failure != null) {
                onError(g, Rpc.isRetriable(failure), Rpc.toException(failure, "Produce"), now);
            } else if (config.acks() == 0) {
                g.batches().forEach(b -> complete(b, -1, -1));
                inFlight.settled(g.tp(), g.batches());
            } else {
                PartitionProduceResponse p = answers.get(g.tp());
                Errors error = p == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.of(p.getError());
                if (error == Errors.NONE) {
                    long base = p.getBaseOffset();
                    for (ProducerBatch b : g.batches()) {
                        complete(b, base, p.getLogAppendTimeMs());
                        base = base < 0 ? base : base + b.recordCount();
                    }
                    inFlight.settled(g.tp(), g.batches());
                } else {
                    String message = p == null ? "The broker's answer did not mention " + g.tp() : p.getErrorMessage();
                    onError(g, error.isRetriable() || idempotentRetry(g, error), error.exception(message), now);
                }
            }
            startRetryIfDue(g.tp(), now);
        }
    }

    /**
     * A failed request: a retriable failure starts a retry of the partition (once its other
     * answers are in, see {@link #startRetryIfDue}); otherwise its batches fail for good.
     */
    private void onError(Group g, boolean retriable, RuntimeException error, long now) {
        if (retriable) {
            inFlight.retry(g.tp(), error);
            return;
        }
        g.batches().forEach(b -> {
            b.lastError(error);
            fail(b, error);
        });
        inFlight.settled(g.tp(), g.batches());
    }

    private void startRetryIfDue(TopicPartition tp, long now) {
        inFlight.takeRetry(tp).ifPresent(r -> requeue(new Group(tp, r.batches()), r.error(), now));
    }

    /** Retries what may still be retried, at the head of the partition's queue in order; fails the rest. */
    private void requeue(Group g, RuntimeException error, long now) {
        List<ProducerBatch> retry = new ArrayList<>();
        for (ProducerBatch b : g.batches()) {
            b.lastError(error);
            boolean attemptsLeft = b.attempts() < config.retries();
            if (attemptsLeft && now - b.createdMs() < config.deliveryTimeoutMs()) {
                retry.add(b);
            } else {
                fail(b, attemptsLeft ? expired(b, now) : error);
            }
        }
        if (retry.isEmpty()) {
            return;
        }
        int attempts = retry.get(0).attempts();
        log.warn(
                "Got error produce response on topic-partition {}, retrying ({} attempts left). Error: {}",
                g.tp(),
                config.retries() - attempts - 1,
                error.getMessage());
        metadata.requestUpdate();
        int epoch = metadata.current().leaderEpoch(g.tp());
        // A leadership it has not failed under before gets a fresh backoff: after a failover the
        // new leader may answer NOT_LEADER_OR_FOLLOWER for a moment (it has not applied the change
        // yet), and a backoff grown during the outage would add up to retry.backoff.max.ms.
        boolean newLeadership = epoch > retry.get(0).failedLeaderEpoch();
        retry.forEach(b -> b.failedUnderLeaderEpoch(epoch));
        accumulator.reenqueue(retry, now + backoff.backoffMs(newLeadership ? 1 : attempts + 1));
    }

    /**
     * Errors an idempotent producer retries: a sequence gap (an earlier batch is being retried; seen
     * twice for a batch, the leader lost a batch and the epoch is bumped), and a lost or fenced
     * producer state (the epoch is bumped and the sequences restart at 0, as Kafka's KIP-360).
     */
    private boolean idempotentRetry(Group g, Errors error) {
        if (idempotence == null) {
            return false;
        }
        switch (error) {
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> {
                for (ProducerBatch b : g.batches()) {
                    if (b.noteOutOfOrder() >= 2) {
                        idempotence.requestBump();
                    }
                }
                return true;
            }
            case UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH -> {
                idempotence.requestBump();
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Whether the producer id is known and no epoch bump waits; otherwise sends InitProducerId (a
     * bump only once no produce request is in flight, so no batch is sent under two epochs at once).
     */
    private boolean producerIdReady(long now) {
        if (idempotence.hasProducerId()) {
            return true;
        }
        if (idempotence.requestInFlight() || (idempotence.bumpNeeded() && !inFlight.isEmpty())) {
            return false;
        }
        if (idempotence.retryAtMs() > now) {
            scheduleTimer(now, idempotence.retryAtMs() - now);
            return false;
        }
        List<HostPort> targets = new ArrayList<>();
        metadata.current().brokers().values().forEach(n -> targets.add(ClusterSnapshot.address(n)));
        if (targets.isEmpty()) {
            targets.addAll(config.common().bootstrapServers());
        }
        HostPort target = targets.get(Math.floorMod(idempotence.initAttempts(), targets.size()));
        boolean bump = idempotence.bumpNeeded();
        InitProducerIdRequest request = InitProducerIdRequest.newBuilder()
                .setProducerId(bump ? idempotence.producerId() : -1)
                .setProducerEpoch(bump ? idempotence.epoch() : -1)
                .build();
        idempotence.requestSent();
        channels.call(
                        target,
                        BrokerGrpc.getInitProducerIdMethod(),
                        request,
                        config.common().requestTimeoutMs())
                .whenComplete((response, failure) -> {
                    try {
                        executor.execute(() -> onInitProducerId(response, failure, bump));
                    } catch (RejectedExecutionException e) {
                        log.debug("producer closed while InitProducerId was in flight", e);
                    }
                });
        return false;
    }

    private void onInitProducerId(InitProducerIdResponse response, Throwable failure, boolean bump) {
        Errors error = failure != null ? null : Errors.of(response.getError());
        if (error == Errors.NONE) {
            idempotence.initialized(response.getProducerId(), (short) response.getProducerEpoch());
            if (bump) {
                // The new epoch starts every partition at sequence 0: batches not yet written get new
                // sequences when next drained (only queued batches exist: nothing was in flight).
                accumulator.queuedBatches().forEach(ProducerBatch::resetSequence);
                log.info(
                        "Bumped the producer epoch of producer id {} to {}",
                        response.getProducerId(),
                        response.getProducerEpoch());
            }
            runOnce();
            return;
        }
        long delayMs = backoff.backoffMs(idempotence.initAttempts());
        idempotence.requestFailed(clock.millis() + delayMs);
        log.warn(
                "InitProducerId failed, retrying in {} ms: {}",
                delayMs,
                failure != null ? failure.getMessage() : error + " " + response.getErrorMessage());
        metadata.requestUpdate();
        scheduleTimer(clock.millis(), delayMs);
    }

    private RuntimeException expired(ProducerBatch b, long now) {
        if (!channels.everAnswered()) {
            return channels.unreachable(config.common().bootstrapServers());
        }
        String message = "Expiring " + b.recordCount() + " record(s) for " + b.topicPartition() + ":"
                + (now - b.createdMs()) + " ms has passed since batch creation";
        if (b.lastError() != null) {
            message += " (last error: " + b.lastError().getMessage() + ")";
        }
        return new TimeoutException(message);
    }

    private void complete(ProducerBatch b, long baseOffset, long logAppendTimeMs) {
        b.complete(baseOffset, logAppendTimeMs);
        accumulator.completed(b);
    }

    private void fail(ProducerBatch b, RuntimeException e) {
        b.fail(e instanceof ApiException || e instanceof SkiffException ? e : new SkiffException(e.getMessage(), e));
        accumulator.completed(b);
    }

    /** For tests: partitions with a request in flight. Sender thread only. */
    Set<TopicPartition> inFlightPartitions() {
        return Set.copyOf(inFlight.partitions());
    }
}
