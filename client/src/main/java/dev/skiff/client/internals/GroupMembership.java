package dev.skiff.client.internals;

import com.google.protobuf.ByteString;
import dev.skiff.client.ConsumerConfig.GroupConfig;
import dev.skiff.client.Errors;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.HeartbeatResponse;
import dev.skiff.proto.v1.JoinGroupMember;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.LeavingMember;
import dev.skiff.proto.v1.SyncGroupAssignment;
import dev.skiff.proto.v1.SyncGroupRequest;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's side of Kafka's classic group protocol: JoinGroup (with the MEMBER_ID_REQUIRED
 * round trip), SyncGroup, Heartbeat and LeaveGroup, and what their answers mean for the member's
 * state. Join and sync run as calls in flight that the consumer's thread advances from {@code
 * poll}; heartbeats come from {@link HeartbeatRunner}'s thread. The fields marked "guarded" are
 * shared by both and read under this object's monitor; the rest belong to the consumer's thread.
 */
public final class GroupMembership {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

    public enum State {
        /** Not in the group: the next poll joins. */
        UNJOINED,
        /** JoinGroup sent (or about to be resent). */
        JOINING,
        /** JoinGroup answered, SyncGroup in flight. */
        SYNCING,
        /** In the group with an assignment; heartbeating. */
        STABLE
    }

    /** The member's identity in one generation of the group. */
    public record Generation(int generationId, String memberId, String protocol) {
        public static final Generation NONE = new Generation(-1, "", "");
    }

    /** The leader's part of a rebalance: turns every member's metadata into every member's assignment. */
    @FunctionalInterface
    public interface Leader {
        Map<String, ByteString> assign(String protocol, List<JoinGroupMember> members);
    }

    /** A completed rebalance: the generation and this member's assignment bytes. */
    public record Joined(Generation generation, ByteString assignment) {}

    private final String groupId;
    private final Optional<String> instanceId;
    private final GroupConfig config;
    private final CommonClientConfigs common;
    private final CoordinatorLocator coordinator;
    private final Clock clock;
    private final Backoff backoff;

    // Guarded by this.
    private State state = State.UNJOINED;
    private Generation generation = Generation.NONE;
    private String rejoinReason;
    private String lostReason;
    private long lastPollMs;
    private long lastHeartbeatSentMs;
    private boolean heartbeatInFlight;
    private CompletableFuture<Void> changed = new CompletableFuture<>();

    // The consumer's thread only.
    private List<JoinGroupProtocol> protocols = List.of();
    private CompletableFuture<JoinGroupResponse> joinCall;
    private CompletableFuture<SyncGroupResponse> syncCall;
    private long retryAtMs = Long.MAX_VALUE;
    private int failures;

    /** Set once another instance took this member's group.instance.id; every later poll throws. */
    private boolean fencedInstance;

    public GroupMembership(
            String groupId,
            GroupConfig config,
            CommonClientConfigs common,
            CoordinatorLocator coordinator,
            Clock clock,
            Backoff backoff) {
        this.groupId = groupId;
        this.instanceId = config.groupInstanceId();
        this.config = config;
        this.common = common;
        this.coordinator = coordinator;
        this.clock = clock;
        this.backoff = backoff;
        this.lastPollMs = clock.millis();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized Generation generation() {
        return generation;
    }

    /** The generation, if the member is in the group with an assignment (what commits must name). */
    public synchronized Optional<Generation> generationIfStable() {
        return state == State.STABLE ? Optional.of(generation) : Optional.empty();
    }

    /**
     * The generation a commit names: while stable, or while rejoining with the generation that
     * still owns the partitions (the coordinator accepts it until the rebalance completes).
     */
    public synchronized Optional<Generation> generationForCommit() {
        boolean owning = state == State.STABLE || (state == State.JOINING && generation.generationId() >= 0);
        return owning ? Optional.of(generation) : Optional.empty();
    }

    public Optional<String> instanceId() {
        return instanceId;
    }

    /** Completes when the heartbeat thread asks the consumer's thread to act (rejoin, partitions lost). */
    public synchronized CompletableFuture<Void> changeSignal() {
        return changed;
    }

    private void signalChange() {
        CompletableFuture<Void> fired = changed;
        changed = new CompletableFuture<>();
        fired.complete(null);
    }

    public boolean isStatic() {
        return instanceId.isPresent();
    }

    /** Asks for a rejoin at the next poll (a heartbeat saw a rebalance, the subscription changed, ...). */
    public synchronized void requestRejoin(String reason) {
        if (rejoinReason == null) {
            rejoinReason = reason;
        }
        signalChange();
    }

    /** True if the next poll must (re)join: not in the group, or a rejoin was asked for. */
    public synchronized boolean needsJoin() {
        return state == State.UNJOINED || (state == State.STABLE && rejoinReason != null);
    }

    public synchronized boolean rejoinRequested() {
        return rejoinReason != null;
    }

    /** Why the member lost its partitions (fenced, expired, left for a poll timeout), once; empty if it did not. */
    public synchronized Optional<String> takeLost() {
        String why = lostReason;
        lostReason = null;
        return Optional.ofNullable(why);
    }

    /** The consumer's thread polled: the max.poll.interval.ms timer starts again. */
    /**
     * Throws if another instance with this member's {@code group.instance.id} fenced it: a fault
     * of the deployment (two instances share an id), not something a rejoin can cure.
     */
    public synchronized void throwIfFencedInstance() {
        if (fencedInstance) {
            throw Errors.FENCED_INSTANCE_ID.exception("another consumer of group " + groupId
                    + " joined with group.instance.id " + instanceId().orElse("")
                    + "; give every running instance its own group.instance.id, then create a new consumer");
        }
    }

    public synchronized void recordPoll(long nowMs) {
        lastPollMs = nowMs;
    }

    /** Sends JoinGroup with these protocols (in order of preference). */
    public void startJoin(List<JoinGroupProtocol> newProtocols) {
        String reason;
        synchronized (this) {
            reason = rejoinReason == null ? "joining" : rejoinReason;
            rejoinReason = null;
            state = State.JOINING;
        }
        protocols = List.copyOf(newProtocols);
        sendJoin(reason);
    }

    private void sendJoin(String reason) {
        Generation g = generation();
        JoinGroupRequest request = JoinGroupRequest.newBuilder()
                .setGroupId(groupId)
                .setSessionTimeoutMs(config.sessionTimeoutMs())
                .setRebalanceTimeoutMs(config.maxPollIntervalMs())
                .setMemberId(g.memberId())
                .setGroupInstanceId(instanceId.orElse(""))
                .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                .addAllProtocols(protocols)
                .setClientId(common.clientId())
                .setReason(reason)
                .build();
        long timeoutMs = (long) config.maxPollIntervalMs() + common.requestTimeoutMs();
        retryAtMs = Long.MAX_VALUE;
        joinCall = coordinator.call(GroupGrpc.getJoinGroupMethod(), request, timeoutMs);
    }

    /** The join or sync call in flight, for the consumer to wait on. */
    public Optional<CompletableFuture<?>> inFlight() {
        if (joinCall != null) {
            return Optional.of(joinCall);
        }
        return Optional.ofNullable(syncCall);
    }

    /** When a backed-off join should be resent, or Long.MAX_VALUE. */
    public long retryAtMs() {
        return retryAtMs;
    }

    /**
     * Advances a join in progress: handles answers that came back and resends after backoffs.
     *
     * @return the assignment once the rebalance completed
     * @throws dev.skiff.client.ApiException for an error no rejoin can cure
     */
    public Optional<Joined> progress(long nowMs, Leader leader) {
        if (joinCall != null && joinCall.isDone()) {
            CompletableFuture<JoinGroupResponse> done = joinCall;
            joinCall = null;
            onJoinAnswer(done, nowMs, leader);
        }
        if (syncCall != null && syncCall.isDone()) {
            CompletableFuture<SyncGroupResponse> done = syncCall;
            syncCall = null;
            return onSyncAnswer(done, nowMs);
        }
        if (joinCall == null && syncCall == null && state() == State.JOINING && nowMs >= retryAtMs) {
            sendJoin("retrying the join");
        }
        return Optional.empty();
    }

    private void onJoinAnswer(CompletableFuture<JoinGroupResponse> done, long nowMs, Leader leader) {
        JoinGroupResponse response;
        try {
            response = done.join();
        } catch (RuntimeException failure) {
            retryOrThrow(failure, nowMs, "JoinGroup");
            return;
        }
        Errors error = Errors.of(response.getError());
        switch (error) {
            case NONE -> onJoined(response, leader);
            case MEMBER_ID_REQUIRED -> {
                setGeneration(new Generation(-1, response.getMemberId(), ""));
                sendJoin("joining with the member id the coordinator gave");
            }
            case UNKNOWN_MEMBER_ID -> {
                setGeneration(Generation.NONE);
                sendJoin("the coordinator did not know the member id");
            }
            case ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS -> sendJoin("rejoining: " + error);
            case COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                if (CoordinatorLocator.isCoordinatorError(error)) {
                    coordinator.markUnknown(error.name());
                }
                backOff(nowMs);
            }
            default -> {
                synchronized (this) {
                    state = State.UNJOINED;
                }
                throw error.exception("JoinGroup of group " + groupId + " failed: "
                        + (response.getErrorMessage().isEmpty() ? error.defaultMessage() : response.getErrorMessage()));
            }
        }
    }

    private void onJoined(JoinGroupResponse response, Leader leader) {
        Generation g = new Generation(response.getGenerationId(), response.getMemberId(), response.getProtocolName());
        synchronized (this) {
            generation = g;
            state = State.SYNCING;
        }
        failures = 0;
        SyncGroupRequest.Builder sync = SyncGroupRequest.newBuilder()
                .setGroupId(groupId)
                .setGenerationId(g.generationId())
                .setMemberId(g.memberId())
                .setGroupInstanceId(instanceId.orElse(""))
                .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                .setProtocolName(g.protocol());
        if (response.getLeader().equals(g.memberId())) {
            log.info(
                    "Group {} generation {}: this member leads; assigning with {}",
                    groupId,
                    g.generationId(),
                    g.protocol());
            leader.assign(g.protocol(), response.getMembersList())
                    .forEach((member, bytes) -> sync.addAssignments(
                            SyncGroupAssignment.newBuilder().setMemberId(member).setAssignment(bytes)));
        }
        syncCall = coordinator.call(GroupGrpc.getSyncGroupMethod(), sync.build(), common.requestTimeoutMs());
    }

    private Optional<Joined> onSyncAnswer(CompletableFuture<SyncGroupResponse> done, long nowMs) {
        SyncGroupResponse response;
        try {
            response = done.join();
        } catch (RuntimeException failure) {
            synchronized (this) {
                state = State.JOINING;
            }
            retryOrThrow(failure, nowMs, "SyncGroup");
            return Optional.empty();
        }
        Errors error = Errors.of(response.getError());
        switch (error) {
            case NONE -> {
                Generation g;
                synchronized (this) {
                    state = State.STABLE;
                    lastHeartbeatSentMs = nowMs;
                    g = generation;
                }
                return Optional.of(new Joined(g, response.getAssignment()));
            }
            case REBALANCE_IN_PROGRESS -> {
                synchronized (this) {
                    state = State.JOINING;
                }
                sendJoin("the group rebalanced again during the sync");
            }
            case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID -> lose(error, generation());
            case COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                synchronized (this) {
                    state = State.JOINING;
                }
                if (CoordinatorLocator.isCoordinatorError(error)) {
                    coordinator.markUnknown(error.name());
                }
                backOff(nowMs);
            }
            default -> {
                synchronized (this) {
                    state = State.UNJOINED;
                }
                throw error.exception("SyncGroup of group " + groupId + " failed: " + response.getErrorMessage());
            }
        }
        return Optional.empty();
    }

    private void retryOrThrow(RuntimeException failure, long nowMs, String what) {
        if (!CoordinatorLocator.isRetriable(failure)) {
            synchronized (this) {
                state = State.UNJOINED;
            }
            throw Rpc.toException(failure, what + " of group " + groupId);
        }
        log.debug("{} of group {} failed, retrying: {}", what, groupId, Rpc.describe(failure));
        backOff(nowMs);
    }

    private void backOff(long nowMs) {
        failures++;
        retryAtMs = nowMs + backoff.backoffMs(failures);
    }

    private synchronized void setGeneration(Generation g) {
        generation = g;
    }

    /**
     * The member is out of the group (its generation is stale, its id unknown, or its instance id
     * taken over): its partitions are lost and it joins again, with a fresh member id where the
     * coordinator no longer knows the old one. Only acts if {@code seen} is still the generation.
     */
    public synchronized void lose(Errors error, Generation seen) {
        if (!generation.equals(seen)) {
            return;
        }
        log.info(
                "Group {}: member {} is out of generation {} ({}); its partitions are lost",
                groupId,
                seen.memberId(),
                seen.generationId(),
                error);
        lostReason = error.name();
        if (error == Errors.FENCED_INSTANCE_ID) {
            // Another running instance took this group.instance.id: rejoining would fence it in
            // turn, and the two would take the place from each other forever. Kafka stops here too.
            fencedInstance = true;
        }
        boolean freshId = error == Errors.UNKNOWN_MEMBER_ID || error == Errors.FENCED_INSTANCE_ID;
        generation = freshId ? Generation.NONE : new Generation(-1, generation.memberId(), "");
        state = State.UNJOINED;
        rejoinReason = null;
        signalChange();
    }

    /** A heartbeat is due: in the group, none in flight, and heartbeat.interval.ms since the last one. */
    synchronized Optional<Generation> heartbeatDue(long nowMs) {
        if (state != State.STABLE || heartbeatInFlight || nowMs - lastHeartbeatSentMs < config.heartbeatIntervalMs()) {
            return Optional.empty();
        }
        heartbeatInFlight = true;
        lastHeartbeatSentMs = nowMs;
        return Optional.of(generation);
    }

    /** Sends one heartbeat if one is due (the heartbeat thread), and leaves if the consumer stopped polling. */
    void heartbeatTick(long nowMs) {
        if (pollTimedOut(nowMs)) {
            return;
        }
        Optional<Generation> due = heartbeatDue(nowMs);
        if (due.isEmpty()) {
            return;
        }
        Generation g = due.get();
        HeartbeatRequest request = HeartbeatRequest.newBuilder()
                .setGroupId(groupId)
                .setGenerationId(g.generationId())
                .setMemberId(g.memberId())
                .setGroupInstanceId(instanceId.orElse(""))
                .build();
        coordinator
                .call(GroupGrpc.getHeartbeatMethod(), request, common.requestTimeoutMs())
                .whenComplete((response, failure) -> onHeartbeat(g, response, failure));
    }

    private void onHeartbeat(Generation sent, HeartbeatResponse response, Throwable failure) {
        synchronized (this) {
            heartbeatInFlight = false;
            if (failure != null) {
                // Send again soon rather than a whole interval later.
                lastHeartbeatSentMs -= config.heartbeatIntervalMs() / 2;
            }
        }
        if (failure != null) {
            log.debug("Heartbeat of group {} failed: {}", groupId, Rpc.describe(failure));
            return;
        }
        Errors error = Errors.of(response.getError());
        switch (error) {
            case NONE -> {}
            case REBALANCE_IN_PROGRESS -> requestRejoin("the coordinator started a rebalance");
            case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID -> lose(error, sent);
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> coordinator.markUnknown(error.name());
            default -> log.warn("Heartbeat of group {} got {}: {}", groupId, error, response.getErrorMessage());
        }
    }

    /** A member that did not poll within max.poll.interval.ms leaves, so that the group can move on without it. */
    private boolean pollTimedOut(long nowMs) {
        Generation left;
        synchronized (this) {
            if (state == State.UNJOINED || nowMs - lastPollMs <= config.maxPollIntervalMs()) {
                return false;
            }
            left = generation;
            log.warn(
                    "Group {}: no poll for {} ms, more than max.poll.interval.ms ({}); leaving the group. Process"
                            + " records faster, or raise max.poll.interval.ms or lower max.poll.records",
                    groupId,
                    nowMs - lastPollMs,
                    config.maxPollIntervalMs());
            lostReason = "max.poll.interval.ms expired";
            generation = Generation.NONE;
            state = State.UNJOINED;
            rejoinReason = null;
            signalChange();
        }
        sendLeave(left, "consumer poll timeout expired");
        return true;
    }

    /**
     * Leaves the group: sends LeaveGroup (dynamic members only: a static member keeps its place
     * until its session expires, as in Kafka) and forgets the generation.
     *
     * @return the LeaveGroup in flight, or a completed future if none was sent
     */
    public CompletableFuture<?> leave(String reason) {
        Generation left;
        synchronized (this) {
            left = generation;
            generation = Generation.NONE;
            state = State.UNJOINED;
            rejoinReason = null;
        }
        joinCall = null;
        syncCall = null;
        return sendLeave(left, reason);
    }

    private CompletableFuture<?> sendLeave(Generation left, String reason) {
        if (isStatic() || left.memberId().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("Group {}: member {} leaves ({})", groupId, left.memberId(), reason);
        LeaveGroupRequest request = LeaveGroupRequest.newBuilder()
                .setGroupId(groupId)
                .addMembers(
                        LeavingMember.newBuilder().setMemberId(left.memberId()).setReason(reason))
                .build();
        CompletableFuture<LeaveGroupResponse> call =
                coordinator.call(GroupGrpc.getLeaveGroupMethod(), request, common.requestTimeoutMs());
        return call.handle((r, t) -> null);
    }

    /** The current clock, for the runner. */
    long nowMs() {
        return clock.millis();
    }
}
