package dev.skiff.client.internals;

import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.client.TimeoutException;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The client's cache of cluster metadata for the topics it uses. One Metadata request is in flight
 * at a time (callers share it); it goes to a known broker, then to the bootstrap addresses, moving
 * to the next address whenever one does not answer. Thread-safe.
 */
public final class MetadataManager {
    private final Channels channels;
    private final List<HostPort> bootstrap;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final CommonClientConfigs config;
    private final Backoff backoff;
    private final boolean allowAutoTopicCreation;

    private volatile ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Set<String> topics = new TreeSet<>();
    private boolean allTopics;
    private CompletableFuture<ClusterSnapshot> inFlight;
    private boolean updateRequested;
    private long lastSuccessMs = Long.MIN_VALUE / 2;
    private long lastFailureMs;
    private long lastStartMs = Long.MIN_VALUE / 2;
    private int failures;
    private int rotation;

    public MetadataManager(
            Channels channels,
            CommonClientConfigs config,
            Clock clock,
            ScheduledExecutorService scheduler,
            Backoff backoff,
            boolean allowAutoTopicCreation) {
        this.channels = channels;
        this.bootstrap = config.bootstrapServers();
        this.clock = clock;
        this.scheduler = scheduler;
        this.config = config;
        this.backoff = backoff;
        this.allowAutoTopicCreation = allowAutoTopicCreation;
    }

    public ClusterSnapshot current() {
        return snapshot;
    }

    /** Adds topics of interest; a topic not yet known makes an update due. */
    public void addTopics(Collection<String> names) {
        synchronized (lock) {
            for (String n : names) {
                if (topics.add(n) && snapshot.topic(n).isEmpty()) {
                    updateRequested = true;
                }
            }
        }
    }

    /** Replaces the topics of interest (a consumer's assignment changed). */
    public void setTopics(Collection<String> names) {
        synchronized (lock) {
            topics.clear();
            topics.addAll(names);
            snapshot = snapshot.retainTopics(names);
            updateRequested = true;
        }
    }

    /**
     * Asks for every topic of the cluster (a pattern subscription) instead of a list; answers then
     * replace the cached topics, so that deleted topics disappear.
     */
    public void setAllTopics(boolean enabled) {
        synchronized (lock) {
            if (enabled && !allTopics) {
                updateRequested = true;
            }
            allTopics = enabled;
        }
    }

    /** Marks the cache stale: a leader moved or a topic is missing. */
    public void requestUpdate() {
        synchronized (lock) {
            updateRequested = true;
        }
    }

    /**
     * Starts a refresh if one is due (requested, or older than metadata.max.age.ms) and the backoff
     * after a failed one has passed.
     *
     * @return the refresh in flight, or empty if none is due yet
     */
    public Optional<CompletableFuture<ClusterSnapshot>> maybeRefresh(long nowMs) {
        synchronized (lock) {
            if (inFlight != null) {
                return Optional.of(inFlight);
            }
            if ((topics.isEmpty() && !allTopics) || nextRefreshDelayMs(nowMs) > 0) {
                return Optional.empty();
            }
        }
        return Optional.of(refresh());
    }

    /** How long until {@link #maybeRefresh} would start a refresh; Long.MAX_VALUE if never. */
    public long nextRefreshDelayMs(long nowMs) {
        synchronized (lock) {
            if (topics.isEmpty() && !allTopics) {
                return Long.MAX_VALUE;
            }
            long due = updateRequested ? nowMs : lastSuccessMs + config.metadataMaxAgeMs();
            // Never more often than retry.backoff.ms, even when every answer leaves a leader unknown.
            due = Math.max(due, lastStartMs + backoff.initialMs());
            if (failures > 0) {
                due = Math.max(due, lastFailureMs + backoff.backoffMs(failures));
            }
            return Math.max(0, due - nowMs);
        }
    }

    /** Refreshes now, or joins the refresh in flight. */
    public CompletableFuture<ClusterSnapshot> refresh() {
        List<String> requested;
        boolean everyTopic;
        List<HostPort> order;
        CompletableFuture<ClusterSnapshot> result;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            everyTopic = allTopics;
            requested = everyTopic ? List.of() : List.copyOf(topics);
            order = candidates();
            result = new CompletableFuture<>();
            inFlight = result;
            updateRequested = false;
            lastStartMs = clock.millis();
        }
        MetadataRequest request = MetadataRequest.newBuilder()
                .addAllTopics(requested)
                .setAllowAutoTopicCreation(allowAutoTopicCreation)
                .build();
        tryNode(order, 0, request, everyTopic, result);
        return result;
    }

    private void tryNode(
            List<HostPort> order,
            int index,
            MetadataRequest request,
            boolean everyTopic,
            CompletableFuture<ClusterSnapshot> result) {
        channels.call(order.get(index), BrokerGrpc.getMetadataMethod(), request, config.requestTimeoutMs())
                .whenComplete((response, failure) -> {
                    if (failure == null) {
                        succeeded(response, everyTopic, result);
                    } else if (Rpc.isNoAnswer(failure) && index + 1 < order.size()) {
                        tryNode(order, index + 1, request, everyTopic, result);
                    } else {
                        failed(failure, result);
                    }
                });
    }

    private void succeeded(MetadataResponse response, boolean everyTopic, CompletableFuture<ClusterSnapshot> result) {
        ClusterSnapshot updated;
        synchronized (lock) {
            updated = snapshot.merge(response, everyTopic);
            snapshot = updated;
            lastSuccessMs = clock.millis();
            failures = 0;
            inFlight = null;
        }
        result.complete(updated);
    }

    private void failed(Throwable failure, CompletableFuture<ClusterSnapshot> result) {
        synchronized (lock) {
            lastFailureMs = clock.millis();
            failures++;
            updateRequested = true;
            inFlight = null;
        }
        result.completeExceptionally(Rpc.unwrap(failure));
    }

    /** Known brokers first (rotating, to spread the load), then the bootstrap addresses. */
    private List<HostPort> candidates() {
        List<Node> known = new ArrayList<>(snapshot.brokers().values());
        known.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Set<HostPort> order = new LinkedHashSet<>();
        int start = known.isEmpty() ? 0 : Math.floorMod(rotation++, known.size());
        for (int i = 0; i < known.size(); i++) {
            order.add(ClusterSnapshot.address(known.get((start + i) % known.size())));
        }
        order.addAll(bootstrap);
        return new ArrayList<>(order);
    }

    /**
     * Refreshes until some broker answers, backing off between failures.
     *
     * @throws dev.skiff.client.ClusterUnreachableException if no broker ever answered
     * @throws TimeoutException at the deadline
     */
    public ClusterSnapshot refreshUntilAnswered(long deadlineMs, String what) {
        int attempts = 0;
        while (true) {
            CompletableFuture<ClusterSnapshot> next = attempts == 0
                    ? refresh()
                    : Waits.delay(scheduler, backoff.backoffMs(attempts)).thenCompose(v -> refresh());
            attempts++;
            if (Waits.await(next, deadlineMs - clock.millis()) && !next.isCompletedExceptionally()) {
                return next.join();
            }
            rethrowIfFatal(next);
            checkDeadline(deadlineMs, what);
        }
    }

    /**
     * Blocks until {@code topic} is known with its partitions, refreshing with backoff while it is
     * missing or has no partitions yet (being created, or metadata still propagating).
     *
     * @throws dev.skiff.client.ApiException if the broker calls the topic invalid
     * @throws TimeoutException {@code Topic t not present in metadata after N ms.}
     */
    public ClusterSnapshot awaitTopic(String topic, long deadlineMs, long budgetMs) {
        addTopics(List.of(topic));
        String what = "Topic " + topic + " not present in metadata after " + budgetMs + " ms.";
        int attempts = 0;
        while (true) {
            ClusterSnapshot snap = snapshot;
            Optional<ClusterSnapshot.TopicInfo> info = snap.topic(topic);
            if (info.isPresent()) {
                ClusterSnapshot.TopicInfo t = info.get();
                if (t.error() == Errors.NONE && !t.partitions().isEmpty()) {
                    return snap;
                }
                if (t.error() != Errors.NONE && !t.error().isRetriable()) {
                    throw t.error()
                            .exception("Topic " + topic + ": " + t.error().defaultMessage());
                }
            }
            checkDeadline(deadlineMs, what);
            CompletableFuture<ClusterSnapshot> next = attempts == 0 && info.isEmpty()
                    ? refresh()
                    : Waits.delay(scheduler, backoff.backoffMs(Math.max(1, attempts)))
                            .thenCompose(v -> refresh());
            attempts++;
            Waits.await(next, deadlineMs - clock.millis());
            rethrowIfFatal(next);
        }
    }

    /** A refresh that failed in a way no retry can cure (the broker rejected the request) ends the wait. */
    private static void rethrowIfFatal(CompletableFuture<ClusterSnapshot> attempt) {
        if (attempt.isCompletedExceptionally()) {
            try {
                attempt.join();
            } catch (RuntimeException e) {
                if (!Rpc.isRetriable(e)) {
                    throw Rpc.toException(e, "Metadata");
                }
            }
        }
    }

    private void checkDeadline(long deadlineMs, String what) {
        if (channels.neverAnsweredFor(config.connectionSetupTimeoutMs())) {
            throw channels.unreachable(allAddresses());
        }
        if (clock.millis() >= deadlineMs) {
            if (!channels.everAnswered()) {
                throw channels.unreachable(allAddresses());
            }
            throw new TimeoutException(what);
        }
    }

    private List<HostPort> allAddresses() {
        synchronized (lock) {
            return candidates();
        }
    }
}
