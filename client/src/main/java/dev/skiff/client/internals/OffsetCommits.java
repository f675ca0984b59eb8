package dev.skiff.client.internals;

import dev.skiff.client.CommitFailedException;
import dev.skiff.client.Errors;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.OffsetCommitCallback;
import dev.skiff.client.SkiffException;
import dev.skiff.client.TimeoutException;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.GroupMembership.Generation;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.OffsetCommitPartition;
import dev.skiff.proto.v1.OffsetCommitPartitionResponse;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetCommitTopic;
import dev.skiff.proto.v1.OffsetCommitTopicResponse;
import dev.skiff.proto.v1.OffsetFetchPartition;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopic;
import dev.skiff.proto.v1.OffsetFetchTopicResponse;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's offsets: OffsetCommit (synchronous with retries, or asynchronous with the callback run
 * on a later call of the consumer's thread) and OffsetFetch (for {@code committed()} and for the
 * positions of newly assigned partitions). Owned by the consumer's thread; answers come back as
 * futures and callbacks wait in a queue until that thread runs them.
 */
public final class OffsetCommits {
    private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);

    private final String groupId;
    private final CoordinatorLocator coordinator;
    private final GroupMembership membership;
    private final SubscriptionState subscriptions;
    private final CommonClientConfigs common;
    private final Clock clock;
    private final Backoff backoff;
    private final Queue<Runnable> completedCallbacks = new ConcurrentLinkedQueue<>();
    private final Map<CompletableFuture<?>, Boolean> asyncInFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> positionLookup;
    private Set<TopicPartition> positionLookupPartitions = Set.of();
    private long positionLookupRetryAtMs;
    private int positionLookupFailures;

    public OffsetCommits(
            String groupId,
            CoordinatorLocator coordinator,
            GroupMembership membership,
            SubscriptionState subscriptions,
            CommonClientConfigs common,
            Clock clock,
            Backoff backoff) {
        this.groupId = groupId;
        this.coordinator = coordinator;
        this.membership = membership;
        this.subscriptions = subscriptions;
        this.common = common;
        this.clock = clock;
        this.backoff = backoff;
    }

    /** What a commit of "everything consumed" sends: the position of every assigned partition. */
    public Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        return subscriptions.consumedOffsets();
    }

    /**
     * Commits and waits, retrying retriable errors with backoff until {@code deadlineMs}.
     *
     * @throws CommitFailedException if the group is rebalancing or the member left its generation
     * @throws TimeoutException at the deadline
     */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs, BlockingWait wait) {
        invokeCompletedCallbacks();
        if (offsets.isEmpty()) {
            return;
        }
        int attempts = 0;
        while (true) {
            CompletableFuture<Void> attempt = send(offsets);
            wait.await(attempt, deadlineMs);
            if (!attempt.isDone()) {
                throw new TimeoutException(
                        "Timeout of committing offsets of group " + groupId + " expired: " + offsets);
            }
            try {
                attempt.join();
                return;
            } catch (RuntimeException e) {
                Throwable cause = Rpc.unwrap(e);
                if (!CoordinatorLocator.isRetriable(cause)) {
                    throw Rpc.toException(cause, "OffsetCommit of group " + groupId);
                }
                attempts++;
                log.debug("OffsetCommit of group {} failed, retrying: {}", groupId, Rpc.describe(cause));
                long wakeAt = Math.min(deadlineMs, clock.millis() + backoff.backoffMs(attempts));
                wait.await(new CompletableFuture<>(), wakeAt);
                if (clock.millis() >= deadlineMs) {
                    throw new TimeoutException("Timeout of committing offsets of group " + groupId
                            + " expired; last error: " + Rpc.describe(cause));
                }
            }
        }
    }

    /** Commits without waiting; {@code callback} runs on a later poll, commitSync or close. */
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        invokeCompletedCallbacks();
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        CompletableFuture<Void> attempt = copy.isEmpty() ? CompletableFuture.completedFuture(null) : send(copy);
        asyncInFlight.put(attempt, Boolean.TRUE);
        attempt.whenComplete((v, failure) -> {
            Exception error = failure == null ? null : asException(Rpc.unwrap(failure));
            completedCallbacks.add(() -> callback.onComplete(copy, error));
            asyncInFlight.remove(attempt);
        });
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception e ? e : new SkiffException("commit failed", t);
    }

    /** Runs the callbacks of asynchronous commits that have completed (the consumer's thread). */
    public void invokeCompletedCallbacks() {
        Runnable r;
        while ((r = completedCallbacks.poll()) != null) {
            r.run();
        }
    }

    /** Waits (up to the deadline) for asynchronous commits in flight, then runs their callbacks. */
    public void awaitAsyncCommits(long deadlineMs, BlockingWait wait) {
        List<CompletableFuture<?>> pending = List.copyOf(asyncInFlight.keySet());
        if (!pending.isEmpty()) {
            wait.await(CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])), deadlineMs);
        }
        invokeCompletedCallbacks();
    }

    /** The generation a commit names: a group member's (only while it may commit), or none for assign() users. */
    private Generation commitGeneration() {
        if (!subscriptions.isGroupManaged()) {
            return Generation.NONE;
        }
        Optional<Generation> g = membership.generationForCommit();
        if (g.isEmpty()) {
            throw CommitFailedException.of(Errors.REBALANCE_IN_PROGRESS, groupId);
        }
        return g.get();
    }

    /** One OffsetCommit; fails with the first partition error (coordinator errors make it unknown). */
    private CompletableFuture<Void> send(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Generation g;
        try {
            g = commitGeneration();
        } catch (CommitFailedException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<String, OffsetCommitTopic.Builder> topics = new TreeMap<>();
        offsets.forEach((tp, om) -> topics.computeIfAbsent(
                        tp.topic(), t -> OffsetCommitTopic.newBuilder().setName(t))
                .addPartitions(OffsetCommitPartition.newBuilder()
                        .setIndex(tp.partition())
                        .setCommittedOffset(om.offset())
                        .setCommittedLeaderEpoch(om.leaderEpoch().orElse(-1))
                        .setMetadata(om.metadata())));
        OffsetCommitRequest.Builder request = OffsetCommitRequest.newBuilder()
                .setGroupId(groupId)
                .setGenerationId(g.generationId())
                .setMemberId(g.memberId())
                .setGroupInstanceId(
                        subscriptions.isGroupManaged() ? membership.instanceId().orElse("") : "");
        topics.values().forEach(request::addTopics);
        return coordinator
                .call(GroupGrpc.getOffsetCommitMethod(), request.build(), common.requestTimeoutMs())
                .thenApply(response -> {
                    checkCommit(response, g);
                    return null;
                });
    }

    private void checkCommit(OffsetCommitResponse response, Generation g) {
        Errors top = Errors.of(response.getError());
        if (top != Errors.NONE) {
            throw commitError(top, response.getErrorMessage(), g);
        }
        for (OffsetCommitTopicResponse t : response.getTopicsList()) {
            for (OffsetCommitPartitionResponse p : t.getPartitionsList()) {
                Errors e = Errors.of(p.getError());
                if (e != Errors.NONE) {
                    throw commitError(e, t.getName() + "-" + p.getIndex() + ": " + p.getErrorMessage(), g);
                }
            }
        }
    }

    private SkiffException commitError(Errors error, String message, Generation g) {
        switch (error) {
            case REBALANCE_IN_PROGRESS:
                membership.requestRejoin("a commit found the group rebalancing");
                return CommitFailedException.of(error, groupId);
            case ILLEGAL_GENERATION:
            case UNKNOWN_MEMBER_ID:
            case FENCED_INSTANCE_ID:
                membership.lose(error, g);
                return CommitFailedException.of(error, groupId);
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
                coordinator.markUnknown(error.name());
                return error.exception(message);
            case UNKNOWN_TOPIC_OR_PARTITION:
                // Retrying cannot create the topic; Kafka fails such a commit too.
                return new SkiffException("Cannot commit offsets of a partition that does not exist: " + message);
            default:
                return error.exception(message);
        }
    }

    /**
     * The group's committed offsets of these partitions (absent where none is committed), retrying
     * until the deadline.
     */
    public Map<TopicPartition, OffsetAndMetadata> committed(
            Collection<TopicPartition> partitions, long deadlineMs, BlockingWait wait) {
        invokeCompletedCallbacks();
        int attempts = 0;
        while (true) {
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> attempt = fetch(partitions);
            wait.await(attempt, deadlineMs);
            if (!attempt.isDone()) {
                throw new TimeoutException(
                        "Timeout of fetching the committed offsets of group " + groupId + " expired: " + partitions);
            }
            try {
                return attempt.join();
            } catch (RuntimeException e) {
                Throwable cause = Rpc.unwrap(e);
                if (!CoordinatorLocator.isRetriable(cause)) {
                    throw Rpc.toException(cause, "OffsetFetch of group " + groupId);
                }
                attempts++;
                wait.await(
                        new CompletableFuture<>(), Math.min(deadlineMs, clock.millis() + backoff.backoffMs(attempts)));
                if (clock.millis() >= deadlineMs) {
                    throw new TimeoutException("Timeout of fetching the committed offsets of group " + groupId
                            + " expired; last error: " + Rpc.describe(cause));
                }
            }
        }
    }

    private CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetch(Collection<TopicPartition> partitions) {
        Map<String, OffsetFetchTopic.Builder> topics = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            topics.computeIfAbsent(
                            tp.topic(), t -> OffsetFetchTopic.newBuilder().setName(t))
                    .addPartitions(tp.partition());
        }
        OffsetFetchRequest.Builder request = OffsetFetchRequest.newBuilder().setGroupId(groupId);
        topics.values().forEach(request::addTopics);
        Set<TopicPartition> wanted = Set.copyOf(partitions);
        return coordinator
                .call(GroupGrpc.getOffsetFetchMethod(), request.build(), common.requestTimeoutMs())
                .thenApply(response -> readFetch(response, wanted));
    }

    private Map<TopicPartition, OffsetAndMetadata> readFetch(OffsetFetchResponse response, Set<TopicPartition> wanted) {
        Errors top = Errors.of(response.getError());
        if (top != Errors.NONE) {
            if (CoordinatorLocator.isCoordinatorError(top)) {
                coordinator.markUnknown(top.name());
            }
            throw top.exception(response.getErrorMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        for (OffsetFetchTopicResponse t : response.getTopicsList()) {
            for (OffsetFetchPartition p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                Errors e = Errors.of(p.getError());
                if (e != Errors.NONE && e != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                    throw e.exception("OffsetFetch of " + tp + ": " + e.defaultMessage());
                }
                if (wanted.contains(tp) && e == Errors.NONE && p.getCommittedOffset() >= 0) {
                    Optional<Integer> epoch = p.getCommittedLeaderEpoch() < 0
                            ? Optional.empty()
                            : Optional.of(p.getCommittedLeaderEpoch());
                    out.put(tp, new OffsetAndMetadata(p.getCommittedOffset(), epoch, p.getMetadata()));
                }
            }
        }
        return out;
    }

    /**
     * Looks up the committed offsets of partitions that wait for one (newly assigned), and applies
     * the answers: a committed offset becomes the position, else the reset policy will apply.
     */
    public void refreshPositions(long nowMs) {
        if (positionLookup != null && positionLookup.isDone()) {
            applyPositionLookup(nowMs);
        }
        Set<TopicPartition> waiting = subscriptions.awaitingCommitted();
        if (positionLookup != null || waiting.isEmpty() || nowMs < positionLookupRetryAtMs) {
            return;
        }
        positionLookupPartitions = waiting;
        positionLookup = fetch(waiting);
    }

    private void applyPositionLookup(long nowMs) {
        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> done = positionLookup;
        positionLookup = null;
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = done.join();
        } catch (RuntimeException e) {
            Throwable cause = Rpc.unwrap(e);
            if (!CoordinatorLocator.isRetriable(cause)) {
                throw Rpc.toException(cause, "OffsetFetch of group " + groupId);
            }
            positionLookupFailures++;
            positionLookupRetryAtMs = nowMs + backoff.backoffMs(positionLookupFailures);
            return;
        }
        positionLookupFailures = 0;
        for (TopicPartition tp : positionLookupPartitions) {
            OffsetAndMetadata om = committed.get(tp);
            if (subscriptions.isAssigned(tp)) {
                log.debug("Group {}: {} starts at {}", groupId, tp, om == null ? "the reset policy" : om.offset());
                subscriptions.completeCommittedLookup(tp, Optional.ofNullable(om));
            }
        }
    }

    /** Calls in flight that the consumer's wait should wake up for. */
    public Optional<CompletableFuture<?>> inFlight() {
        return Optional.ofNullable(positionLookup);
    }

    public long positionRetryAtMs() {
        return positionLookup == null && !subscriptions.awaitingCommitted().isEmpty()
                ? positionLookupRetryAtMs
                : Long.MAX_VALUE;
    }
}
