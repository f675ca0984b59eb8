package dev.skiff.client.internals;

import com.google.protobuf.ByteString;
import dev.skiff.client.ConsumerConfig;
import dev.skiff.client.ConsumerConfig.GroupConfig;
import dev.skiff.client.ConsumerRebalanceListener;
import dev.skiff.client.OffsetAndMetadata;
import dev.skiff.client.OffsetCommitCallback;
import dev.skiff.client.SkiffException;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.GroupMembership.Joined;
import dev.skiff.client.internals.GroupMembership.State;
import dev.skiff.client.internals.assignor.PartitionAssignor;
import dev.skiff.client.internals.assignor.RebalanceProtocol;
import dev.skiff.client.internals.assignor.Subscription;
import dev.skiff.proto.v1.JoinGroupMember;
import dev.skiff.proto.v1.JoinGroupProtocol;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of its group, driven from {@code poll} on the consumer's thread: rebalances
 * (eager: commit and revoke everything, then join; cooperative: keep the owned partitions, revoke
 * only those the new assignment takes away and rejoin at once if any were), the leader's
 * assignment, partitions lost when the member falls out of its generation, auto-commit, pattern
 * subscriptions re-checked against metadata, and the committed offsets that newly assigned
 * partitions start from. The rebalance listener runs on the consumer's thread only.
 */
public final class ConsumerCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerCoordinator.class);

    private final String groupId;
    private final ConsumerConfig config;
    private final GroupConfig group;
    private final SubscriptionState subscriptions;
    private final MetadataManager metadata;
    private final Fetcher fetcher;
    private final Clock clock;
    private final List<PartitionAssignor> assignors;
    private final RebalanceProtocol protocol;
    private final GroupMembership membership;
    private final OffsetCommits commits;
    private final HeartbeatRunner heartbeat;
    private ConsumerRebalanceListener listener = ConsumerRebalanceListener.noOp();
    private RuntimeException listenerFailure;
    private long nextAutoCommitMs;
    private boolean leader;
    private Set<String> groupTopics = Set.of();
    private Map<String, Integer> assignedPartitionCounts = Map.of();

    public ConsumerCoordinator(
            ConsumerConfig config,
            Channels channels,
            MetadataManager metadata,
            SubscriptionState subscriptions,
            Fetcher fetcher,
            Clock clock,
            ScheduledExecutorService timers,
            Backoff backoff,
            ThreadFactory heartbeatThreads) {
        this.config = config;
        this.group = config.group();
        this.groupId = group.groupId().orElseThrow();
        this.subscriptions = subscriptions;
        this.metadata = metadata;
        this.fetcher = fetcher;
        this.clock = clock;
        this.assignors = AssignorLoader.load(group.partitionAssignmentStrategy());
        this.protocol = assignors.stream().allMatch(a -> a.protocol() == RebalanceProtocol.COOPERATIVE)
                ? RebalanceProtocol.COOPERATIVE
                : RebalanceProtocol.EAGER;
        CoordinatorLocator locator =
                new CoordinatorLocator(groupId, channels, metadata, config.common(), timers, backoff);
        this.membership = new GroupMembership(groupId, group, config.common(), locator, clock, backoff);
        this.commits = new OffsetCommits(groupId, locator, membership, subscriptions, config.common(), clock, backoff);
        this.heartbeat = new HeartbeatRunner(membership, heartbeatThreads, group.heartbeatIntervalMs());
        this.nextAutoCommitMs = clock.millis() + group.autoCommitIntervalMs();
    }

    public RebalanceProtocol protocol() {
        return protocol;
    }

    public GroupMembership membership() {
        return membership;
    }

    /** Subscribes to topics; a member already in the group rejoins if they changed. */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener newListener) {
        Set<String> before = subscriptions.subscription();
        subscriptions.subscribe(topics);
        listener = newListener;
        metadata.setAllTopics(false);
        updateMetadataTopics();
        if (!before.equals(subscriptions.subscription())) {
            membership.requestRejoin("the subscription changed");
        }
    }

    /** Subscribes to a pattern, resolved against every topic of the cluster at each metadata refresh. */
    public void subscribe(java.util.regex.Pattern pattern, ConsumerRebalanceListener newListener) {
        subscriptions.subscribe(pattern);
        listener = newListener;
        metadata.setAllTopics(true);
        subscriptions.matchPattern(metadata.current().topicNames(false));
        membership.requestRejoin("the subscription changed");
    }

    /** Gives up the partitions (revoked), leaves the group, and drops the subscription. */
    public void unsubscribe() {
        if (subscriptions.isGroupManaged()) {
            giveUpPartitions();
            membership.leave("the consumer unsubscribed");
        }
        subscriptions.assigned().forEach(fetcher::clear);
        subscriptions.unsubscribe();
        metadata.setAllTopics(false);
        metadata.setTopics(List.of());
        rethrowListenerFailure();
    }

    /**
     * One round of group work at the start of every poll: callbacks of finished async commits,
     * lost partitions, a (re)join, the join's progress, auto-commit and committed-offset lookups.
     */
    public void poll(long nowMs, BlockingWait wait) {
        commits.invokeCompletedCallbacks();
        if (subscriptions.isGroupManaged()) {
            membership.recordPoll(nowMs);
            heartbeat.start();
            membership.takeLost().ifPresent(this::onLost);
            membership.throwIfFencedInstance();
            checkMetadata();
            if (membership.needsJoin() && membership.inFlight().isEmpty() && readyToJoin()) {
                prepareJoin(wait);
                membership.startJoin(protocols());
            }
            membership.progress(nowMs, this::assignAsLeader).ifPresent(this::onJoined);
        }
        maybeAutoCommit(nowMs);
        commits.refreshPositions(nowMs);
        rethrowListenerFailure();
    }

    /** Futures whose completion should wake a waiting poll. */
    public List<CompletableFuture<?>> events() {
        List<CompletableFuture<?>> out = new ArrayList<>();
        membership.inFlight().ifPresent(out::add);
        commits.inFlight().ifPresent(out::add);
        return out;
    }

    /** Completes when the heartbeat thread needs the consumer's thread (a rebalance, lost partitions). */
    public CompletableFuture<Void> changeSignal() {
        return membership.changeSignal();
    }

    /** Looks up the committed offsets that newly assigned partitions start from. */
    public void refreshPositions(long nowMs) {
        commits.refreshPositions(nowMs);
    }

    /** The next time poll has group work to do without an event (a retry, an auto-commit), or Long.MAX_VALUE. */
    public long nextWakeMs() {
        long at = Math.min(membership.retryAtMs(), commits.positionRetryAtMs());
        if (group.enableAutoCommit() && !subscriptions.assigned().isEmpty()) {
            at = Math.min(at, nextAutoCommitMs);
        }
        if (subscriptions.isGroupManaged()
                && membership.needsJoin()
                && membership.inFlight().isEmpty()) {
            at = Math.min(at, clock.millis() + Math.max(1, config.common().retryBackoffMs()));
        }
        return at;
    }

    private void onLost(String why) {
        Set<TopicPartition> lost = subscriptions.assigned();
        log.warn("Group {}: partitions lost ({}): {}", groupId, why, lost);
        subscriptions.assignFromGroup(List.of());
        lost.forEach(fetcher::clear);
        if (!lost.isEmpty()) {
            invoke(() -> listener.onPartitionsLost(sorted(lost)));
        }
    }

    /** A pattern's matches or the partition counts the leader assigned from changed: rejoin. */
    private void checkMetadata() {
        ClusterSnapshot snapshot = metadata.current();
        if (subscriptions.matchPattern(snapshot.topicNames(false))) {
            log.info("Group {}: the pattern now matches {}", groupId, subscriptions.subscription());
            updateMetadataTopics();
            membership.requestRejoin("the topics matching the subscribed pattern changed");
        }
        if (leader && membership.state() == State.STABLE) {
            Map<String, Integer> counts = partitionCounts(snapshot, groupTopics);
            if (!counts.equals(assignedPartitionCounts)) {
                log.info("Group {}: partition counts changed from {} to {}", groupId, assignedPartitionCounts, counts);
                assignedPartitionCounts = counts;
                membership.requestRejoin("the partition count of a subscribed topic changed");
            }
        }
    }

    /** A pattern subscription waits for the first metadata, so that it joins with its real topics. */
    private boolean readyToJoin() {
        if (subscriptions.mode() == SubscriptionState.Mode.AUTO_PATTERN
                && metadata.current().brokers().isEmpty()) {
            metadata.requestUpdate();
            return false;
        }
        return true;
    }

    private void prepareJoin(BlockingWait wait) {
        leader = false;
        if (protocol == RebalanceProtocol.EAGER) {
            Set<TopicPartition> revoked = subscriptions.assigned();
            if (!revoked.isEmpty()) {
                autoCommitSync("before revoking partitions", wait);
                subscriptions.assignFromGroup(List.of());
                revoked.forEach(fetcher::clear);
                invoke(() -> listener.onPartitionsRevoked(sorted(revoked)));
            }
        }
    }

    private List<JoinGroupProtocol> protocols() {
        Set<TopicPartition> owned = subscriptions.assigned();
        int generationId = owned.isEmpty() ? -1 : membership.generation().generationId();
        ByteString metadataBytes = ConsumerProtocol.subscription(subscriptions.subscription(), owned, generationId);
        List<JoinGroupProtocol> out = new ArrayList<>();
        for (PartitionAssignor a : assignors) {
            out.add(JoinGroupProtocol.newBuilder()
                    .setName(a.name())
                    .setMetadata(metadataBytes)
                    .build());
        }
        return out;
    }

    /** The leader's assignment: the chosen assignor over every member's subscription and the topics' partition counts. */
    private Map<String, ByteString> assignAsLeader(String protocolName, List<JoinGroupMember> members) {
        PartitionAssignor assignor = assignors.stream()
                .filter(a -> a.name().equals(protocolName))
                .findFirst()
                .orElseThrow(() -> new SkiffException(
                        "The coordinator chose assignor " + protocolName + ", which this member does not have"));
        Map<String, Subscription> byMember = new TreeMap<>();
        Set<String> topics = new TreeSet<>();
        for (JoinGroupMember m : members) {
            Optional<String> instance =
                    m.getGroupInstanceId().isEmpty() ? Optional.empty() : Optional.of(m.getGroupInstanceId());
            Subscription s = ConsumerProtocol.readSubscription(m.getMetadata(), instance);
            byMember.put(m.getMemberId(), s);
            topics.addAll(s.topics());
        }
        metadata.addTopics(topics);
        ClusterSnapshot known = metadata.current();
        ClusterSnapshot snapshot = known;
        if (topics.stream().anyMatch(t -> known.topic(t).isEmpty())) {
            snapshot = metadata.refreshUntilAnswered(
                    clock.millis() + config.common().requestTimeoutMs(), "metadata of the group's topics");
        }
        Map<String, Integer> counts = partitionCounts(snapshot, topics);
        Map<String, List<TopicPartition>> assignment = assignor.assign(counts, byMember);
        leader = true;
        groupTopics = Set.copyOf(topics);
        assignedPartitionCounts = counts;
        Map<String, ByteString> out = new LinkedHashMap<>();
        for (String member : byMember.keySet()) {
            out.put(member, ConsumerProtocol.assignment(assignment.getOrDefault(member, List.of())));
        }
        log.info("Group {}: assigned with {} over {}: {}", groupId, protocolName, counts, assignment);
        return out;
    }

    private static Map<String, Integer> partitionCounts(ClusterSnapshot snapshot, Collection<String> topics) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String t : topics) {
            int n = snapshot.partitions(t).size();
            if (n > 0) {
                counts.put(t, n);
            }
        }
        return counts;
    }

    private void onJoined(Joined joined) {
        Set<TopicPartition> assigned = new LinkedHashSet<>(ConsumerProtocol.readAssignment(joined.assignment()));
        Set<TopicPartition> owned = subscriptions.assigned();
        Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
        revoked.removeAll(assigned);
        Set<TopicPartition> added = new LinkedHashSet<>(assigned);
        added.removeAll(owned);
        log.info(
                "Group {} generation {}: assigned {}, added {}, revoked {}",
                groupId,
                joined.generation().generationId(),
                assigned,
                added,
                revoked);
        if (!revoked.isEmpty()) {
            autoCommitSync("before revoking partitions", (f, until) -> Waits.await(f, until - clock.millis()));
            invoke(() -> listener.onPartitionsRevoked(sorted(revoked)));
        }
        subscriptions.assignFromGroup(assigned);
        revoked.forEach(fetcher::clear);
        updateMetadataTopics();
        invoke(() -> listener.onPartitionsAssigned(sorted(added)));
        nextAutoCommitMs = clock.millis() + group.autoCommitIntervalMs();
        if (!revoked.isEmpty() && protocol == RebalanceProtocol.COOPERATIVE) {
            membership.requestRejoin("partitions were revoked; rejoining so that they can be reassigned");
        }
    }

    private void updateMetadataTopics() {
        Set<String> topics = new TreeSet<>(subscriptions.subscription());
        topics.addAll(subscriptions.topics());
        if (leader) {
            topics.addAll(groupTopics);
        }
        metadata.setTopics(topics);
    }

    private void maybeAutoCommit(long nowMs) {
        if (!group.enableAutoCommit() || nowMs < nextAutoCommitMs) {
            return;
        }
        nextAutoCommitMs = nowMs + group.autoCommitIntervalMs();
        if (subscriptions.isGroupManaged() && membership.generationIfStable().isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = commits.consumedOffsets();
        if (offsets.isEmpty()) {
            return;
        }
        commits.commitAsync(offsets, (o, e) -> {
            if (e != null) {
                log.warn("Group {}: auto-commit of {} failed: {}", groupId, o, e.getMessage());
            } else {
                log.debug("Group {}: auto-committed {}", groupId, o);
            }
        });
    }

    /** With auto-commit, commits the consumed positions and waits; a failure is logged, not thrown. */
    private void autoCommitSync(String when, BlockingWait wait) {
        if (!group.enableAutoCommit()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = commits.consumedOffsets();
        try {
            commits.commitSync(offsets, clock.millis() + config.common().requestTimeoutMs(), wait);
        } catch (dev.skiff.client.WakeupException e) {
            throw e;
        } catch (SkiffException e) {
            log.warn("Group {}: auto-commit {} failed: {}", groupId, when, e.getMessage());
        }
    }

    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs, BlockingWait wait) {
        commits.commitSync(offsets == null ? commits.consumedOffsets() : offsets, deadlineMs, wait);
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        commits.commitAsync(offsets == null ? commits.consumedOffsets() : offsets, callback);
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(
            Collection<TopicPartition> partitions, long deadlineMs, BlockingWait wait) {
        return commits.committed(partitions, deadlineMs, wait);
    }

    /** Revoked if the member still owns its partitions in its generation, lost otherwise. */
    private void giveUpPartitions() {
        Set<TopicPartition> owned = subscriptions.assigned();
        if (owned.isEmpty()) {
            return;
        }
        subscriptions.assignFromGroup(List.of());
        owned.forEach(fetcher::clear);
        if (membership.generationForCommit().isPresent()) {
            invoke(() -> listener.onPartitionsRevoked(sorted(owned)));
        } else {
            invoke(() -> listener.onPartitionsLost(sorted(owned)));
        }
    }

    /**
     * Closes: commits the consumed positions (auto-commit), revokes the partitions, leaves the group
     * (a static member stays until its session expires), waits for commits in flight, and stops the
     * heartbeat thread.
     */
    public void close(long deadlineMs, BlockingWait wait) {
        try {
            autoCommitSync("on close", wait);
            if (subscriptions.isGroupManaged()) {
                giveUpPartitions();
                wait.await(membership.leave("the consumer is closing"), deadlineMs);
            }
            commits.awaitAsyncCommits(deadlineMs, wait);
        } finally {
            heartbeat.close();
        }
        rethrowListenerFailure();
    }

    @Override
    public void close() {
        heartbeat.close();
    }

    private void invoke(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("Group {}: the rebalance listener failed", groupId, e);
            if (listenerFailure == null) {
                listenerFailure = e;
            }
        }
    }

    private void rethrowListenerFailure() {
        RuntimeException e = listenerFailure;
        listenerFailure = null;
        if (e != null) {
            throw e;
        }
    }

    private static Collection<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        return Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(partitions)));
    }
}
