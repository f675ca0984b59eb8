package dev.skiff.client;

import dev.skiff.client.ConsumerConfig.OffsetResetStrategy;
import dev.skiff.client.internals.Backoff;
import dev.skiff.client.internals.Channels;
import dev.skiff.client.internals.ClientExecutors;
import dev.skiff.client.internals.ClusterSnapshot;
import dev.skiff.client.internals.ConfigValues;
import dev.skiff.client.internals.ConsumerCoordinator;
import dev.skiff.client.internals.Fetcher;
import dev.skiff.client.internals.MetadataManager;
import dev.skiff.client.internals.OffsetLookup;
import dev.skiff.client.internals.SubscriptionState;
import dev.skiff.client.internals.Waits;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

/**
 * Reads records from assigned partitions. {@link #poll} long-polls each partition's leader with
 * Fetch ({@code fetch.min.bytes}, {@code fetch.max.wait.ms}, {@code max.partition.fetch.bytes},
 * {@code fetch.max.bytes}), returns records from each partition's position onward, and applies
 * {@code auto.offset.reset} when a position is missing or out of range. Partitions are either
 * assigned by hand ({@link #assign}) or by the consumer group {@code group.id} ({@link #subscribe}),
 * whose rebalances run inside {@code poll} on the caller's thread; with a group, positions start at
 * the group's committed offsets and {@code auto.offset.reset} applies only where none is committed.
 * Not thread-safe: one thread uses it, except {@link #wakeup()}.
 */
public final class Consumer implements AutoCloseable {
    private final ConsumerConfig config;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Channels channels;
    private final MetadataManager metadata;
    private final SubscriptionState subscriptions;
    private final Fetcher fetcher;
    private final OffsetLookup offsets;
    private final Optional<ConsumerCoordinator> coordinator;
    private final Backoff backoff;
    private final Map<TopicPartition, OffsetResetStrategy> resetsInFlight = new HashMap<>();
    private CompletableFuture<Map<TopicPartition, OffsetLookup.Result>> resetAnswer;
    private long resetBackoffUntilMs;
    private int resetFailures;
    private volatile CompletableFuture<Void> wakeupSignal = new CompletableFuture<>();
    private boolean closed;

    public Consumer(Map<String, ?> configs) {
        this(configs, ClientEnvironment.system());
    }

    public Consumer(Properties props) {
        this(ConfigValues.toMap(props), ClientEnvironment.system());
    }

    public Consumer(Map<String, ?> configs, ClientEnvironment env) {
        this.config = ConsumerConfig.parse(configs);
        this.clock = env.clock();
        this.timers = ClientExecutors.singleThread(
                env.threadFactory("skiff-consumer-timer | " + config.common().clientId()));
        this.channels = new Channels(
                env.channelFactory(Math.max(config.fetchMaxBytes(), config.maxPartitionFetchBytes()) + (8 << 20)),
                clock);
        this.backoff =
                new Backoff(config.common().retryBackoffMs(), config.common().retryBackoffMaxMs(), env.random());
        this.metadata = new MetadataManager(channels, config.common(), clock, timers, backoff, false);
        this.subscriptions = new SubscriptionState(config.autoOffsetReset());
        this.fetcher = new Fetcher(config, channels, metadata, subscriptions, backoff);
        this.offsets = new OffsetLookup(channels, metadata, config.common(), clock, timers, backoff);
        this.coordinator = config.group().groupId().isEmpty()
                ? Optional.empty()
                : Optional.of(new ConsumerCoordinator(
                        config,
                        channels,
                        metadata,
                        subscriptions,
                        fetcher,
                        clock,
                        timers,
                        backoff,
                        env.threadFactory("skiff-heartbeat | " + config.common().clientId() + " | "
                                + config.group().groupId().get())));
    }

    /**
     * Reads exactly these partitions from now on; partitions that stay keep their positions. With a
     * {@code group.id}, new partitions start at the group's committed offsets.
     */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        for (TopicPartition tp : subscriptions.assigned()) {
            if (!partitions.contains(tp)) {
                fetcher.clear(tp);
            }
        }
        subscriptions.assign(partitions, coordinator.isPresent());
        metadata.setTopics(subscriptions.topics());
    }

    public Set<TopicPartition> assignment() {
        return subscriptions.assigned();
    }

    /** The next poll reads {@code tp} from {@code offset}. */
    public void seek(TopicPartition tp, long offset) {
        ensureOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("seek offset must not be a negative number");
        }
        subscriptions.seek(tp, offset);
        fetcher.clear(tp);
    }

    /** The next poll reads from the log start of each partition (resolved lazily with ListOffsets). */
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        requestReset(partitions, OffsetResetStrategy.EARLIEST);
    }

    /** The next poll reads from the log end (high watermark) of each partition. */
    public void seekToEnd(Collection<TopicPartition> partitions) {
        requestReset(partitions, OffsetResetStrategy.LATEST);
    }

    private void requestReset(Collection<TopicPartition> partitions, OffsetResetStrategy strategy) {
        ensureOpen();
        Collection<TopicPartition> targets = partitions.isEmpty() ? subscriptions.assigned() : partitions;
        for (TopicPartition tp : targets) {
            subscriptions.requestReset(tp, strategy);
            fetcher.clear(tp);
        }
    }

    /** The offset of the next record {@code poll} returns for {@code tp}, resolving a pending reset if needed. */
    public long position(TopicPartition tp) {
        return position(tp, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    public long position(TopicPartition tp, Duration timeout) {
        ensureOpen();
        long deadline = deadline(timeout);
        while (true) {
            OptionalLong p = subscriptions.position(tp);
            if (p.isPresent()) {
                return p.getAsLong();
            }
            if (clock.millis() >= deadline) {
                throw timeout("Timeout of " + timeout.toMillis() + "ms expired before the position for partition " + tp
                        + " could be determined");
            }
            updatePositions(clock.millis());
            awaitProgress(deadline);
        }
    }

    /**
     * Returns records from the assigned partitions, waiting up to {@code timeout} for some to
     * arrive. Returns an empty set when none arrived in time.
     *
     * @throws WakeupException if {@link #wakeup()} was called
     * @throws OffsetOutOfRangeException if a position is out of range and {@code auto.offset.reset=none}
     * @throws NoOffsetForPartitionException if a partition has no position and {@code auto.offset.reset=none}
     */
    public ConsumerRecords poll(Duration timeout) {
        ensureOpen();
        if (subscriptions.mode() == SubscriptionState.Mode.NONE) {
            throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
        }
        long deadline = deadline(timeout);
        do {
            long now = clock.millis();
            coordinator.ifPresent(c -> c.poll(now, this::awaitOrWakeup));
            fetcher.processCompleted(now);
            ConsumerRecords records = fetcher.collect(config.maxPollRecords());
            if (!records.isEmpty()) {
                // Pipelining: the next fetches travel while the caller processes these records.
                fetcher.sendFetches(metadata.current(), clock.millis());
                return records;
            }
            updatePositions(now);
            maybeRefreshMetadata(now);
            fetcher.sendFetches(metadata.current(), now);
            awaitProgress(deadline);
        } while (clock.millis() < deadline);
        return ConsumerRecords.empty();
    }

    private void maybeRefreshMetadata(long now) {
        boolean missing = false;
        for (TopicPartition tp : subscriptions.assigned()) {
            if (metadata.current().leader(tp).isEmpty()) {
                missing = true;
                break;
            }
        }
        if (missing) {
            metadata.requestUpdate();
        }
        metadata.maybeRefresh(now);
    }

    /** Starts ListOffsets for partitions that need a reset, and applies answers that came back. */
    private void updatePositions(long now) {
        coordinator.ifPresent(c -> c.refreshPositions(now));
        if (resetAnswer != null && resetAnswer.isDone()) {
            applyResetAnswers(now);
        }
        if (resetAnswer != null || now < resetBackoffUntilMs) {
            return;
        }
        Map<TopicPartition, Long> specs = new LinkedHashMap<>();
        Set<TopicPartition> noPolicy = new HashSet<>();
        for (TopicPartition tp : subscriptions.assigned()) {
            OffsetResetStrategy s = subscriptions.resetStrategy(tp);
            if (s == OffsetResetStrategy.NONE) {
                noPolicy.add(tp);
            } else if (s != null) {
                specs.put(tp, s == OffsetResetStrategy.EARLIEST ? OffsetLookup.EARLIEST : OffsetLookup.LATEST);
                resetsInFlight.put(tp, s);
            }
        }
        if (!noPolicy.isEmpty()) {
            throw new NoOffsetForPartitionException(noPolicy);
        }
        if (!specs.isEmpty()) {
            resetAnswer = offsets.send(metadata.current(), specs);
        }
    }

    private void applyResetAnswers(long now) {
        CompletableFuture<Map<TopicPartition, OffsetLookup.Result>> answer = resetAnswer;
        resetAnswer = null;
        Map<TopicPartition, OffsetResetStrategy> strategies = new HashMap<>(resetsInFlight);
        resetsInFlight.clear();
        Map<TopicPartition, OffsetLookup.Result> results = Waits.get(answer, 0, "ListOffsets");
        boolean retry = false;
        for (Map.Entry<TopicPartition, OffsetLookup.Result> e : results.entrySet()) {
            OffsetLookup.Result r = e.getValue();
            if (r.error() == Errors.NONE) {
                subscriptions.completeReset(e.getKey(), strategies.get(e.getKey()), Math.max(0, r.offset()));
            } else if (r.error().isRetriable()) {
                retry = true;
            } else {
                throw r.error().exception(r.message());
            }
        }
        if (retry) {
            resetFailures++;
            resetBackoffUntilMs = now + backoff.backoffMs(resetFailures);
            metadata.requestUpdate();
        } else {
            resetFailures = 0;
        }
    }

    /** Waits until a fetch, reset or refresh completes, a backoff ends, wakeup() is called, or the deadline. */
    private void awaitProgress(long deadline) {
        checkWakeup();
        if (channels.neverAnsweredFor(config.common().connectionSetupTimeoutMs())) {
            throw channels.unreachable(config.common().bootstrapServers());
        }
        long now = clock.millis();
        List<CompletableFuture<?>> events = new ArrayList<>();
        fetcher.anyCompletion().ifPresent(events::add);
        if (resetAnswer != null) {
            events.add(resetAnswer);
        }
        metadata.maybeRefresh(now).ifPresent(events::add);
        coordinator.ifPresent(c -> events.addAll(c.events()));
        events.add(wakeupSignal);
        long wakeAt = Math.min(deadline, fetcher.nextBackoffEndMs(now));
        if (coordinator.isPresent()) {
            wakeAt = Math.min(wakeAt, Math.max(now + 1, coordinator.get().nextWakeMs()));
        }
        if (resetBackoffUntilMs > now) {
            wakeAt = Math.min(wakeAt, resetBackoffUntilMs);
        }
        long refreshIn = metadata.nextRefreshDelayMs(now);
        if (refreshIn != Long.MAX_VALUE) {
            wakeAt = Math.min(wakeAt, now + Math.max(1, refreshIn));
        }
        if (events.size() == 1) {
            // Nothing in flight: come back after a short backoff rather than spin.
            wakeAt = Math.min(wakeAt, now + Math.max(1, config.common().retryBackoffMs()));
        }
        coordinator.ifPresent(c -> events.add(c.changeSignal()));
        Waits.await(CompletableFuture.anyOf(events.toArray(new CompletableFuture<?>[0])), wakeAt - now);
        checkWakeup();
    }

    /** Makes a blocked or the next {@link #poll} throw {@link WakeupException}. Any thread. */
    public void wakeup() {
        wakeupSignal.complete(null);
    }

    private void checkWakeup() {
        if (wakeupSignal.isDone()) {
            wakeupSignal = new CompletableFuture<>();
            throw new WakeupException();
        }
    }

    /** The topic's partitions; empty if the topic does not exist. */
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsFor(topic, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        ensureOpen();
        metadata.addTopics(List.of(topic));
        long deadline = deadline(timeout);
        ClusterSnapshot snap = metadata.refreshUntilAnswered(deadline, "metadata of topic " + topic);
        Optional<ClusterSnapshot.TopicInfo> info = snap.topic(topic);
        if (info.isEmpty() || info.get().error() == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
            return List.of();
        }
        if (info.get().error() != Errors.NONE && !info.get().error().isRetriable()) {
            throw info.get()
                    .error()
                    .exception("Topic " + topic + ": " + info.get().error().defaultMessage());
        }
        if (info.get().partitions().isEmpty()) {
            return metadata.awaitTopic(topic, deadline, timeout.toMillis()).partitions(topic);
        }
        return info.get().partitions();
    }

    /** The log start offset of each partition. */
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetLookup.EARLIEST, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    /** The log end offset (high watermark) of each partition. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetLookup.LATEST, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return listOffsets(partitions, OffsetLookup.LATEST, timeout);
    }

    /** The first offset at or after each timestamp (ms), or -1 where no record is that new. */
    public Map<TopicPartition, Long> offsetsForTimes(Map<TopicPartition, Long> timestampsMs) {
        ensureOpen();
        Duration timeout = Duration.ofMillis(config.defaultApiTimeoutMs());
        Map<TopicPartition, OffsetLookup.Result> results =
                offsets.lookup(timestampsMs, deadline(timeout), timeout.toMillis());
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        timestampsMs.keySet().forEach(tp -> out.put(tp, results.get(tp).offset()));
        return out;
    }

    private Map<TopicPartition, Long> listOffsets(Collection<TopicPartition> partitions, long spec, Duration timeout) {
        ensureOpen();
        Map<TopicPartition, Long> specs = new LinkedHashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        Map<TopicPartition, OffsetLookup.Result> results = offsets.lookup(specs, deadline(timeout), timeout.toMillis());
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        partitions.forEach(tp -> out.put(tp, results.get(tp).offset()));
        return out;
    }

    // Consumer groups (DESIGN §8).

    /** Joins the group {@code group.id} and reads the partitions it assigns of these topics. */
    public void subscribe(Collection<String> topics) {
        subscribe(topics, ConsumerRebalanceListener.noOp());
    }

    /**
     * Joins the group {@code group.id} (at the next poll) and reads the partitions it assigns of
     * these topics; {@code listener} hears of partitions revoked, assigned and lost, on the thread
     * that calls poll. An empty collection is {@link #unsubscribe()}.
     *
     * @throws InvalidGroupIdException without {@code group.id}
     */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        ensureOpen();
        Objects.requireNonNull(listener, "listener");
        if (topics.isEmpty()) {
            unsubscribe();
            return;
        }
        for (String t : topics) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException(
                        "Topic collection to subscribe to cannot contain null or empty topic");
            }
        }
        group("subscribe()").subscribe(topics, listener);
    }

    /** Subscribes to every topic whose whole name matches, re-evaluated as topics come and go. */
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        ensureOpen();
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(listener, "listener");
        group("subscribe()").subscribe(pattern, listener);
    }

    /** Leaves the group's subscription (and the group) or the manual assignment; partitions are dropped. */
    public void unsubscribe() {
        ensureOpen();
        if (coordinator.isPresent()) {
            coordinator.get().unsubscribe();
        } else {
            subscriptions.assigned().forEach(fetcher::clear);
            subscriptions.unsubscribe();
            metadata.setTopics(List.of());
        }
    }

    /** The topics subscribed to (a pattern's current matches); empty when partitions were assigned by hand. */
    public Set<String> subscription() {
        ensureOpen();
        return subscriptions.subscription();
    }

    /**
     * Commits the positions of every assigned partition (what poll has returned) and waits for the
     * coordinator, retrying retriable errors until {@code default.api.timeout.ms}.
     *
     * @throws CommitFailedException if the group is rebalancing or this member left its generation
     * @throws InvalidGroupIdException without {@code group.id}
     */
    public void commitSync() {
        commitSyncOrAll(null, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    public void commitSync(Duration timeout) {
        commitSyncOrAll(null, timeout);
    }

    /** Commits these offsets (each the offset of the next record to read) and waits. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        commitSyncOrAll(Map.copyOf(offsets), Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    private void commitSyncOrAll(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        ensureOpen();
        group("commitSync()").commitSync(offsets, deadline(timeout), this::awaitOrWakeup);
    }

    /** Commits the positions of every assigned partition without waiting. */
    public void commitAsync() {
        commitAsync((offsets, e) -> {});
    }

    /** Commits the positions of every assigned partition; the callback runs in a later poll, commitSync or close. */
    public void commitAsync(OffsetCommitCallback callback) {
        ensureOpen();
        group("commitAsync()").commitAsync(null, Objects.requireNonNull(callback, "callback"));
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        ensureOpen();
        group("commitAsync()").commitAsync(Map.copyOf(offsets), Objects.requireNonNull(callback, "callback"));
    }

    /** The group's committed offsets; partitions without one are absent. */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return committed(partitions, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        ensureOpen();
        return group("committed()").committed(partitions, deadline(timeout), this::awaitOrWakeup);
    }

    /** Stops fetching these partitions (they stay assigned, and keep their positions) until {@link #resume}. */
    public void pause(Collection<TopicPartition> partitions) {
        ensureOpen();
        partitions.forEach(subscriptions::pause);
    }

    public void resume(Collection<TopicPartition> partitions) {
        ensureOpen();
        partitions.forEach(subscriptions::resume);
    }

    public Set<TopicPartition> paused() {
        ensureOpen();
        return subscriptions.paused();
    }

    public ConsumerConfig config() {
        return config;
    }

    private ConsumerCoordinator group(String operation) {
        return coordinator.orElseThrow(() -> new InvalidGroupIdException(operation));
    }

    /** Waits for {@code future} until {@code untilMs}; a wakeup() meanwhile throws {@link WakeupException}. */
    private void awaitOrWakeup(CompletableFuture<?> future, long untilMs) {
        checkWakeup();
        Waits.await(CompletableFuture.anyOf(future, wakeupSignal), untilMs - clock.millis());
        checkWakeup();
    }

    /** Closes with a 30 s budget for the final commit and LeaveGroup. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Commits the consumed positions if auto-commit is on, revokes the partitions, leaves the group
     * (a static member does not: it keeps its place until its session expires), stops the
     * heartbeat thread and closes the connections.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            long deadline = deadline(timeout);
            coordinator.ifPresent(c -> c.close(deadline, (f, until) -> Waits.await(f, until - clock.millis())));
        } finally {
            coordinator.ifPresent(ConsumerCoordinator::close);
            channels.closeNow();
            timers.shutdownNow();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }

    private SkiffException timeout(String message) {
        if (!channels.everAnswered()) {
            return channels.unreachable(config.common().bootstrapServers());
        }
        return new TimeoutException(message);
    }

    private long deadline(Duration timeout) {
        long ms = timeout.toMillis();
        long now = clock.millis();
        return ms >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, ms);
    }
}
