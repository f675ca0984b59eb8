package dev.skiff.broker.group;

import dev.skiff.broker.replica.Partition;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.log.BatchHeader;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.Log;
import dev.skiff.log.LogReadInfo;
import dev.skiff.log.LogRecord;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.v1.DeleteGroupsResponse;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ListGroupsResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around the group shards: one {@link GroupShard} per __consumer_offsets partition this
 * broker leads, loaded from the partition when leadership arrives, dropped when it goes. Executes
 * the core's effects: answers, and writes through {@link OffsetsWriter}.
 *
 * <p>Threads: every shard that is loaded, and the map of shards, are owned by the single thread
 * of the injected {@code coordinatorThread} executor ("group-coordinator"): requests, timers
 * (session expiry and join deadlines every {@link #TICK_MS} ms, offset expiry every
 * offsets.retention.check.interval.ms) and write completions all run there, one at a time. A shard
 * being loaded belongs to the {@code loader} thread until it is handed over through that executor.
 */
public final class GroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    public static final String TOPIC = "__consumer_offsets";
    static final long TICK_MS = 100;
    static final int LOAD_READ_BYTES = 1 << 20;

    private final int nodeId;
    private final CoordinatorConfig config;
    private final ReplicaManager replicas;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Executor loader;
    private final OffsetsWriter writer;
    /** Owned by the coordinator thread. */
    private final Map<Integer, Slot> slots = new HashMap<>();
    /** Owned by the coordinator thread: partitions of __consumer_offsets (0: it does not exist). */
    private int partitionCount;

    private Predicate<TopicPartition> partitionExists = tp -> false;

    /** One led partition of __consumer_offsets: loading, loaded, or failed to load. */
    private static final class Slot {
        final int partition;
        final int leaderEpoch;
        Optional<GroupShard> shard = Optional.empty();
        Optional<String> failure = Optional.empty();

        Slot(int partition, int leaderEpoch) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    public GroupCoordinator(
            int nodeId,
            CoordinatorConfig config,
            ReplicaManager replicas,
            Clock clock,
            ScheduledExecutorService coordinatorThread,
            Executor loader) {
        this.nodeId = nodeId;
        this.config = config;
        this.replicas = replicas;
        this.clock = clock;
        this.thread = coordinatorThread;
        this.loader = loader;
        this.writer = new OffsetsWriter(replicas, coordinatorThread, clock, config.commitTimeoutMs());
    }

    /** Runs {@code task} on the coordinator thread; a failure is logged, never lost with its future. */
    private void submit(Runnable task) {
        thread.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("group coordinator task failed", e);
            }
        });
    }

    /** Starts the timers on the coordinator thread. */
    public void start() {
        thread.scheduleWithFixedDelay(() -> submit(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        long everyMs = config.retentionCheckIntervalMs();
        thread.scheduleWithFixedDelay(() -> submit(this::expireOffsets), everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The metadata changed: {@code ledEpochs} maps each partition of __consumer_offsets this broker
     * leads to its leader epoch. New leaderships load, lost ones unload; a new epoch reloads.
     * Called on the metadata publisher thread after the replicas took their roles.
     */
    public void onLeadership(int partitions, Map<Integer, Integer> ledEpochs, Predicate<TopicPartition> exists) {
        Map<Integer, Integer> led = Map.copyOf(ledEpochs);
        submit(() -> {
            partitionCount = partitions;
            partitionExists = exists;
            for (Slot s : List.copyOf(slots.values())) {
                Integer epoch = led.get(s.partition);
                if (epoch == null || epoch != s.leaderEpoch) {
                    unload(s);
                }
            }
            led.forEach((partition, epoch) -> {
                if (!slots.containsKey(partition)) {
                    Slot s = new Slot(partition, epoch);
                    slots.put(partition, s);
                    LOG.info("loading the groups of {}-{} (leader epoch {})", TOPIC, partition, epoch);
                    loader.execute(() -> load(s));
                }
            });
        });
    }

    private void unload(Slot s) {
        slots.remove(s.partition);
        Effects fx = new Effects();
        s.shard.ifPresent(shard -> shard.unload(fx));
        fx.replies().forEach(Effects.Reply::send);
        LOG.info("no longer coordinating the groups of {}-{}", TOPIC, s.partition);
    }

    /** On the loader thread: replays the partition from its log start to its log end. */
    private void load(Slot s) {
        TopicPartition tp = new TopicPartition(TOPIC, s.partition);
        Optional<Partition> p = replicas.partition(tp);
        if (p.isEmpty() || !p.get().isLeader() || p.get().leaderEpoch() != s.leaderEpoch) {
            // The replica has not taken the role yet (or lost it): look again shortly.
            thread.schedule(
                    () -> {
                        if (slots.get(s.partition) == s) {
                            loader.execute(() -> load(s));
                        }
                    },
                    TICK_MS,
                    TimeUnit.MILLISECONDS);
            return;
        }
        GroupShard shard =
                new GroupShard(config.limits(), () -> UUID.randomUUID().toString());
        long started = clock.millis();
        try {
            long records = replay(p.get().log(), shard);
            submit(() -> {
                if (slots.get(s.partition) == s) {
                    shard.finishLoad(clock.millis());
                    s.shard = Optional.of(shard);
                    LOG.info(
                            "loaded {} records of {} in {} ms: coordinating its groups",
                            records,
                            tp,
                            clock.millis() - started);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("could not load the groups of {}", tp, e);
            submit(() -> s.failure = Optional.of("the groups of " + tp + " could not be loaded: " + e.getMessage()));
        }
    }

    private static long replay(Log log, GroupShard shard) throws IOException {
        long end = log.logEndOffset();
        long next = log.logStartOffset();
        long count = 0;
        while (next < end) {
            LogReadInfo read = log.read(next, LOAD_READ_BYTES, end, true);
            if (read.slice().isEmpty()) {
                break;
            }
            ByteBuffer bytes = read.slice().get().readAll();
            long after = nextOffset(bytes);
            if (after <= next) {
                break;
            }
            for (LogRecord r : KafkaRecordFormat.decode(bytes)) {
                if (r.offset() >= next && r.offset() < end && r.key() != null) {
                    shard.replay(GroupRecords.decode(r.key(), r.value()));
                    count++;
                }
            }
            next = after;
        }
        return count;
    }

    /** The offset after the last batch in {@code bytes} (whole batches, compacted or not). */
    private static long nextOffset(ByteBuffer bytes) {
        long after = -1;
        int pos = bytes.position();
        while (pos + BatchHeader.HEADER_BYTES <= bytes.limit()) {
            long base = BatchHeader.baseOffset(bytes, pos);
            after = base + bytes.getInt(pos + BatchHeader.LAST_OFFSET_DELTA_OFFSET) + 1;
            pos += BatchHeader.sizeBytes(bytes, pos);
        }
        return after;
    }

    private void tick() {
        long now = clock.millis();
        for (Slot s : List.copyOf(slots.values())) {
            s.shard.ifPresent(shard -> {
                Effects fx = new Effects();
                shard.tick(now, fx);
                execute(s, fx);
            });
        }
    }

    private void expireOffsets() {
        long now = clock.millis();
        for (Slot s : List.copyOf(slots.values())) {
            s.shard.ifPresent(shard -> {
                Effects fx = new Effects();
                shard.offsets().expire(now, fx);
                execute(s, fx);
            });
        }
    }

    /** Why this broker cannot serve {@code groupId} now. */
    public record Refusal(ErrorCode error, String message) {}

    /**
     * Runs {@code action} on the coordinator thread against the shard of {@code groupId}, or hands
     * {@code refuse} the reason this broker cannot (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * COORDINATOR_NOT_AVAILABLE).
     */
    public void onGroup(String groupId, java.util.function.Consumer<Refusal> refuse, ShardAction action) {
        submit(() -> {
            Object found = slotFor(groupId);
            if (found instanceof Refusal no) {
                refuse.accept(no);
                return;
            }
            Slot s = (Slot) found;
            Effects fx = new Effects();
            action.run(s.shard.orElseThrow(), partitionExists, clock.millis(), fx);
            execute(s, fx);
        });
    }

    /** Work against one loaded shard, on the coordinator thread. */
    @FunctionalInterface
    public interface ShardAction {
        void run(GroupShard shard, Predicate<TopicPartition> partitionExists, long nowMs, Effects fx);
    }

    private Object slotFor(String groupId) {
        if (partitionCount == 0) {
            return new Refusal(ErrorCode.NOT_COORDINATOR, TOPIC + " does not exist yet: call FindCoordinator");
        }
        int partition = GroupRecords.partitionFor(groupId, partitionCount);
        Slot s = slots.get(partition);
        if (s == null) {
            return new Refusal(
                    ErrorCode.NOT_COORDINATOR,
                    "broker " + nodeId + " does not coordinate group " + groupId + " (partition " + partition + " of "
                            + TOPIC + "): find its coordinator again");
        }
        if (s.failure.isPresent()) {
            return new Refusal(ErrorCode.COORDINATOR_NOT_AVAILABLE, s.failure.get());
        }
        if (s.shard.isEmpty()) {
            return new Refusal(
                    ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
                    "broker " + nodeId + " is still loading partition " + partition + " of " + TOPIC
                            + ": retry shortly");
        }
        return s;
    }

    /** Sends the answers and starts the writes; a write's outcome goes back to its shard. */
    private void execute(Slot s, Effects fx) {
        fx.replies().forEach(Effects.Reply::send);
        for (Effects.Write w : fx.writes()) {
            writer.append(new TopicPartition(TOPIC, s.partition), w.records())
                    .whenComplete((error, failure) -> submit(() -> afterWrite(s, w, error, failure)));
        }
    }

    private void afterWrite(Slot s, Effects.Write w, ErrorCode error, Throwable failure) {
        ErrorCode outcome = failure != null ? ErrorCode.UNKNOWN_SERVER_ERROR : error;
        if (failure != null) {
            LOG.error("a write to {}-{} failed", TOPIC, s.partition, failure);
        }
        if (slots.get(s.partition) != s || s.shard.isEmpty()) {
            Effects fx = new Effects();
            GroupOffsets.answerLost(w, fx);
            fx.replies().forEach(Effects.Reply::send);
            return;
        }
        Effects fx = new Effects();
        s.shard.get().afterWrite(w.groupId(), w.after(), outcome, clock.millis(), fx);
        execute(s, fx);
    }

    /** The groups of every loaded shard, in {@code states} (all if empty). */
    public void listGroups(Set<GroupState> states, Responder<ListGroupsResponse> out) {
        submit(() -> {
            ListGroupsResponse.Builder b = ListGroupsResponse.newBuilder();
            for (Slot s : slots.values()) {
                s.shard.ifPresent(shard -> b.addAllGroups(GroupViews.list(shard, states)));
            }
            out.complete(b.build());
        });
    }

    public void describeGroups(List<String> groupIds, Responder<DescribeGroupsResponse> out) {
        submit(() -> {
            DescribeGroupsResponse.Builder b = DescribeGroupsResponse.newBuilder();
            for (String id : groupIds) {
                Object found = slotFor(id);
                if (found instanceof Refusal no) {
                    b.addGroups(DescribedGroup.newBuilder()
                            .setGroupId(id)
                            .setError(no.error())
                            .setErrorMessage(no.message()));
                } else {
                    b.addGroups(GroupViews.describe(((Slot) found).shard.orElseThrow(), id, nodeId));
                }
            }
            out.complete(b.build());
        });
    }

    /** Answered once every group's outcome is known (its tombstones replicated, or refused). */
    public void deleteGroups(List<String> groupIds, Responder<DeleteGroupsResponse> out) {
        submit(() -> {
            DeletedGroupResult[] results = new DeletedGroupResult[groupIds.size()];
            int[] left = {groupIds.size()};
            if (groupIds.isEmpty()) {
                out.complete(DeleteGroupsResponse.getDefaultInstance());
                return;
            }
            for (int i = 0; i < groupIds.size(); i++) {
                int at = i;
                String id = groupIds.get(i);
                // Completed on this thread only: by execute, or by afterWrite through submit.
                Responder<DeletedGroupResult> one = result -> {
                    results[at] = result;
                    if (--left[0] == 0) {
                        out.complete(DeleteGroupsResponse.newBuilder()
                                .addAllResults(List.of(results))
                                .build());
                    }
                };
                Object found = slotFor(id);
                if (found instanceof Refusal no) {
                    one.complete(DeletedGroupResult.newBuilder()
                            .setGroupId(id)
                            .setError(no.error())
                            .setErrorMessage(no.message())
                            .build());
                    continue;
                }
                Slot s = (Slot) found;
                Effects fx = new Effects();
                s.shard.orElseThrow().offsets().deleteGroup(id, one, clock.millis(), fx);
                execute(s, fx);
            }
        });
    }
}
