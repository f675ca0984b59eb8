package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.ReplicaModel.Entry;
import dev.skiff.metadata.ReplicaModel.EpochEndOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A pure model of one partition with three replicas (DESIGN §6), driven step by step, whose
 * controller is the real one: the metadata image, {@link ControllerDecisions#fenceBroker}, {@link
 * ControllerDecisions#unfenceBroker}, {@link ControllerDecisions#registerBroker} and {@link
 * ControllerDecisions#alterPartition} decide who leads and who is in sync, so the real election is
 * under test. The replicas are {@link ReplicaModel}s.
 *
 * <p>What the model does as DESIGN says a broker does, with {@code log.flush.policy=fsync}: a
 * leader appends in the leader epoch it knows (and starts that epoch at its log end when it learns
 * it leads); a follower's first request in a leader epoch, and after a restart, reconciles its log
 * with the leader's by leader epoch (KIP-101/279: truncate to the smaller of the leader's end
 * offset for the follower's latest epoch and its own, repeat if the leader named an older epoch;
 * never by high watermark); its later fetches report its flushed offset, which is what counts
 * towards the high watermark, and copy entries; the leader's high watermark is the smallest flushed
 * offset over the ISR as the leader knows it (its own included), and never goes back; a leader asks
 * to add a follower whose reported offset has reached the high watermark and the start of the
 * leader's epoch, naming the incarnation that reported it, and may drop any follower. Brokers learn
 * the partition state only when they sync their metadata, so leaders and followers act on stale
 * views (a fenced leader goes on as a zombie until it syncs); fetches name the leader epoch, and a
 * leader serves only followers of its own epoch. A crash keeps the flushed prefix; a lost disk
 * keeps nothing; a restarted broker registers a new incarnation (saying whether its storage is
 * new) and is unfenced later. At most RF−1 replicas are down at once; unclean election is off.
 *
 * <p>Checked after every step: every entry below a high watermark a leader ever reached
 * (acknowledged) is, with the same epoch and id, in the log of every live ISR member, the leader
 * included; every live replica's log matches the acknowledged entries below its own high watermark;
 * a reconciled follower's log is a prefix of its leader's; the image keeps its invariants.
 */
final class ReplicationModel {
    static final int REPLICAS = 3;

    sealed interface Step {}

    /** A broker that believes it leads (picked among them) appends one entry, and maybe flushes. */
    record Append(int pick, boolean flush) implements Step {}

    /**
     * A follower (picked among the live ones with a leader) fetches up to {@code entriesMax}
     * entries, and maybe flushes them (to report them with its next fetch).
     */
    record Fetch(int pick, int entriesMax, boolean flush) implements Step {}

    record Flush(int node) implements Step {}

    /** A live broker learns the partition state from the current metadata image. */
    record Sync(int node) implements Step {}

    /** A leader (picked among those that believe they lead) asks to drop one follower from its ISR. */
    record Shrink(int pick, int member) implements Step {}

    /** A leader asks to add a caught-up follower to its ISR. */
    record Expand(int pick, int member) implements Step {}

    /** A live broker dies, losing what it had not flushed, or its whole disk. */
    record Crash(int node, boolean diskLost) implements Step {}

    /** A dead broker (picked among them) starts again and registers a new incarnation. */
    record Restart(int pick) implements Step {}

    /** The controller fences the broker (its session timed out), whether it is down or not. */
    record Fence(int node) implements Step {}

    /** A fenced live broker (picked among them) asks to be unfenced. */
    record Unfence(int pick) implements Step {}

    private final ControllerDecisions decisions;
    private final Map<Integer, ReplicaModel> replicas = new TreeMap<>();
    /** The acknowledged entries: offset = position; what leaders' high watermarks ever covered. */
    private final List<Entry> acknowledged = new ArrayList<>();

    private final List<Step> done = new ArrayList<>();
    private final Uuid topicId;
    private MetadataImage image;
    private int nextEntryId;

    ReplicationModel(long seed) {
        decisions = new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        image = Fixtures.applied(MetadataImage.EMPTY, MetadataRecords.clusterId("model"));
        for (int node = 1; node <= REPLICAS; node++) {
            ReplicaModel replica = new ReplicaModel(node);
            replicas.put(node, replica);
            commit(decisions.registerBroker(
                    image, node, replica.incarnationId(), Fixtures.endpoints(node), Optional.empty(), true));
            commit(decisions.unfenceBroker(image, node, replica.incarnationId()));
        }
        commit(decisions.createTopic(image, new NewTopic("t", 1, REPLICAS)));
        topicId = image.topic("t").orElseThrow().id();
        replicas.keySet().forEach(this::sync);
    }

    static Arbitrary<Step> steps() {
        Arbitrary<Integer> node = Arbitraries.integers().between(1, REPLICAS);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 1_000);
        Arbitrary<Boolean> often = Arbitraries.of(true, true, false);
        return Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(any, often).as(Append::new)),
                Tuple.of(
                        10,
                        Combinators.combine(any, Arbitraries.integers().between(1, 3), often)
                                .as(Fetch::new)),
                Tuple.of(5, node.map(Flush::new)),
                Tuple.of(6, node.map(Sync::new)),
                Tuple.of(2, Combinators.combine(any, any).as(Shrink::new)),
                Tuple.of(4, Combinators.combine(any, any).as(Expand::new)),
                Tuple.of(
                        2,
                        Combinators.combine(node, Arbitraries.of(false, true)).as(Crash::new)),
                Tuple.of(3, any.map(Restart::new)),
                Tuple.of(2, node.map(Fence::new)),
                Tuple.of(3, any.map(Unfence::new)));
    }

    /** Runs one step, then checks every property. */
    void step(Step step) {
        done.add(step);
        if (step instanceof Append a) {
            pick(live().stream().filter(ReplicaModel::believesItLeads).toList(), a.pick())
                    .ifPresent(r -> append(r, a.flush()));
        } else if (step instanceof Fetch f) {
            pick(followers(), f.pick()).ifPresent(r -> fetch(r, f.entriesMax(), f.flush()));
        } else if (step instanceof Flush f) {
            ReplicaModel replica = replicas.get(f.node());
            if (replica.alive) {
                replica.flush();
                if (replica.believesItLeads()) {
                    advanceHighWatermark(replica);
                }
            }
        } else if (step instanceof Sync s) {
            sync(s.node());
        } else if (step instanceof Shrink s) {
            pick(live().stream().filter(ReplicaModel::believesItLeads).toList(), s.pick())
                    .ifPresent(r -> shrink(r, s.member()));
        } else if (step instanceof Expand e) {
            pick(live().stream().filter(ReplicaModel::believesItLeads).toList(), e.pick())
                    .ifPresent(r -> expand(r, e.member()));
        } else if (step instanceof Crash c) {
            crash(replicas.get(c.node()), c.diskLost());
        } else if (step instanceof Restart r) {
            pick(replicas.values().stream().filter(m -> !m.alive).toList(), r.pick())
                    .ifPresent(this::restart);
        } else if (step instanceof Fence f) {
            commit(decisions.fenceBroker(image, f.node()));
        } else if (step instanceof Unfence u) {
            pick(live().stream().filter(r -> registration(r).fenced()).toList(), u.pick())
                    .ifPresent(r -> commit(decisions.unfenceBroker(image, r.nodeId, r.incarnationId())));
        }
        check();
    }

    private void append(ReplicaModel leader, boolean flush) {
        leader.append(new Entry(leader.view.orElseThrow().leaderEpoch(), nextEntryId++));
        if (flush) {
            leader.flush();
            advanceHighWatermark(leader);
        }
    }

    /**
     * A follower's request to the leader it knows, if that leader is up and in the same epoch: the
     * first one in a leader epoch (and after a restart) reconciles the logs, the later ones fetch.
     */
    private void fetch(ReplicaModel follower, int entriesMax, boolean flush) {
        PartitionState known = follower.view.orElseThrow();
        ReplicaModel leader = replicas.get(known.leader());
        if (!leader.believesItLeads() || leader.view.orElseThrow().leaderEpoch() != known.leaderEpoch()) {
            return;
        }
        if (follower.reconciledEpoch != known.leaderEpoch()) {
            reconcile(follower, leader);
            follower.reconciledEpoch = known.leaderEpoch();
            return;
        }
        assertTrue(
                follower.logEndOffset() <= leader.logEndOffset()
                        && follower.log.equals(leader.log.subList(0, follower.logEndOffset())),
                () -> "the follower's log is not a prefix of its leader's after reconciling: " + describe());
        leader.ackOffsets.put(follower.nodeId, follower.flushed);
        leader.ackIncarnations.put(follower.nodeId, follower.incarnationId());
        advanceHighWatermark(leader);
        int to = Math.min(leader.logEndOffset(), follower.logEndOffset() + entriesMax);
        for (int offset = follower.logEndOffset(); offset < to; offset++) {
            follower.append(leader.log.get(offset));
        }
        follower.highWatermark = Math.min(leader.highWatermark, follower.logEndOffset());
        if (flush) {
            follower.flush();
        }
    }

    /**
     * KIP-101/279: the follower asks for the end offset of its latest epoch; the leader answers with
     * the largest epoch up to it that it knows, and that epoch's end; the follower truncates to the
     * smaller of that and its own end of that epoch, and asks again if the answer named an older one.
     */
    private static void reconcile(ReplicaModel follower, ReplicaModel leader) {
        for (int round = 0; round <= follower.epochStarts.size() && follower.logEndOffset() > 0; round++) {
            int epoch = follower.latestEpoch();
            EpochEndOffset answer = leader.endOffsetFor(epoch);
            assertTrue(answer.epoch() >= 0, () -> "a leader does not know the epochs up to " + epoch);
            if (answer.epoch() == epoch) {
                follower.truncateTo(Math.min(answer.endOffset(), follower.logEndOffset()));
                return;
            }
            follower.truncateTo(Math.min(answer.endOffset(), follower.ownEndOffsetFor(answer.epoch())));
        }
    }

    /** The smallest flushed offset over the ISR as the leader knows it; never goes back. */
    private void advanceHighWatermark(ReplicaModel leader) {
        int covered = leader.flushed;
        for (int member : leader.view.orElseThrow().isr()) {
            if (member != leader.nodeId) {
                covered = Math.min(covered, leader.ackOffsets.getOrDefault(member, 0));
            }
        }
        if (covered <= leader.highWatermark) {
            return;
        }
        for (int offset = Math.min(leader.highWatermark, acknowledged.size()); offset < covered; offset++) {
            Entry entry = leader.log.get(offset);
            if (offset < acknowledged.size()) {
                int at = offset;
                assertEquals(
                        acknowledged.get(offset),
                        entry,
                        () -> "broker " + leader.nodeId + " acknowledges another entry at offset " + at
                                + " than was acknowledged before: " + describe());
            } else {
                acknowledged.add(entry);
            }
        }
        leader.highWatermark = covered;
    }

    private void shrink(ReplicaModel leader, int member) {
        PartitionState known = leader.view.orElseThrow();
        List<Integer> followers =
                known.isr().stream().filter(m -> m != leader.nodeId).toList();
        if (followers.isEmpty()) {
            return;
        }
        List<Integer> isr = new ArrayList<>(known.isr());
        isr.remove(followers.get(Math.floorMod(member, followers.size())));
        requestIsr(leader, isr);
    }

    /** Adds a follower whose reported offset reached the high watermark and the start of the leader's epoch. */
    private void expand(ReplicaModel leader, int member) {
        PartitionState known = leader.view.orElseThrow();
        int epochStart = leader.epochStarts.get(known.leaderEpoch());
        List<Integer> caughtUp = known.replicas().stream()
                .filter(r -> !known.isr().contains(r))
                .filter(r -> leader.ackOffsets.getOrDefault(r, -1) >= Math.max(leader.highWatermark, epochStart))
                .toList();
        if (caughtUp.isEmpty()) {
            return;
        }
        List<Integer> isr = new ArrayList<>(known.isr());
        isr.add(caughtUp.get(Math.floorMod(member, caughtUp.size())));
        requestIsr(leader, isr);
    }

    /** Asks the controller; an added follower is named with the incarnation it fetched with. */
    private void requestIsr(ReplicaModel leader, List<Integer> isr) {
        PartitionState known = leader.view.orElseThrow();
        Map<Integer, Uuid> joining = new HashMap<>();
        isr.stream().filter(m -> !known.isr().contains(m)).forEach(m -> joining.put(m, leader.ackIncarnations.get(m)));
        IsrChange request =
                new IsrChange(topicId, 0, leader.nodeId, known.leaderEpoch(), known.partitionEpoch(), isr, joining);
        if (commit(decisions.alterPartition(image, request))) {
            leader.view = Optional.of(partition());
            advanceHighWatermark(leader);
        }
    }

    private void sync(int node) {
        ReplicaModel replica = replicas.get(node);
        if (!replica.alive) {
            return;
        }
        PartitionState now = partition();
        boolean ledThisEpoch = replica.view
                .filter(v -> v.leader() == node && v.leaderEpoch() == now.leaderEpoch())
                .isPresent();
        replica.view = Optional.of(now);
        if (now.leader() != node) {
            replica.ackOffsets.clear();
            replica.ackIncarnations.clear();
        } else {
            if (!ledThisEpoch) {
                replica.startLeading(now.leaderEpoch());
            }
            advanceHighWatermark(replica);
        }
    }

    private void crash(ReplicaModel replica, boolean diskLost) {
        long down = replicas.values().stream().filter(r -> !r.alive).count();
        if (!replica.alive || down >= REPLICAS - 1) {
            return;
        }
        if (diskLost) {
            replica.loseDisk();
        } else {
            replica.crash();
        }
    }

    private void restart(ReplicaModel replica) {
        replica.alive = true;
        replica.incarnation++;
        boolean storageIsNew = replica.diskLost;
        replica.diskLost = false;
        Decision<BrokerRegistration> registered = decisions.registerBroker(
                image,
                replica.nodeId,
                replica.incarnationId(),
                Fixtures.endpoints(replica.nodeId),
                Optional.empty(),
                storageIsNew);
        assertTrue(commit(registered), () -> "registration refused: " + registered);
        sync(replica.nodeId);
    }

    private void check() {
        assertEquals(List.of(), ImageInvariants.violations(image));
        PartitionState p = partition();
        for (int member : p.isr()) {
            ReplicaModel replica = replicas.get(member);
            if (!replica.alive) {
                continue;
            }
            for (int offset = 0; offset < acknowledged.size(); offset++) {
                int at = offset;
                assertTrue(
                        offset < replica.logEndOffset()
                                && replica.log.get(offset).equals(acknowledged.get(offset)),
                        () -> "acknowledged offset " + at + " is missing from ISR member " + member
                                + (member == p.leader() ? " (the leader)" : "") + ": " + describe());
            }
        }
        for (ReplicaModel replica : live()) {
            assertTrue(
                    replica.highWatermark <= acknowledged.size(),
                    () -> "broker " + replica.nodeId + " has a high watermark past the acknowledged entries: "
                            + describe());
            for (int offset = 0; offset < replica.highWatermark; offset++) {
                int at = offset;
                assertEquals(
                        acknowledged.get(offset),
                        replica.log.get(offset),
                        () -> "broker " + replica.nodeId + " disagrees below its high watermark at " + at + ": "
                                + describe());
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    List<Integer> isr() {
        return partition().isr();
    }

    private PartitionState partition() {
        return image.partition(topicId, 0).orElseThrow();
    }

    private BrokerRegistration registration(ReplicaModel replica) {
        return image.broker(replica.nodeId).orElseThrow();
    }

    private List<ReplicaModel> live() {
        return replicas.values().stream().filter(r -> r.alive).toList();
    }

    private List<ReplicaModel> followers() {
        return live().stream()
                .filter(r -> r.view.filter(v -> v.hasLeader() && v.leader() != r.nodeId)
                        .isPresent())
                .toList();
    }

    private static <T> Optional<T> pick(List<T> from, int pick) {
        return from.isEmpty() ? Optional.empty() : Optional.of(from.get(Math.floorMod(pick, from.size())));
    }

    private boolean commit(Decision<?> decision) {
        if (decision instanceof Decision.Accepted<?> accepted) {
            if (!accepted.changesNothing()) {
                image = Fixtures.applied(image, accepted.batch());
            }
            return true;
        }
        return false;
    }

    private String describe() {
        StringBuilder out = new StringBuilder("\n  partition ").append(partition());
        replicas.values().forEach(r -> out.append("\n  ").append(r));
        out.append("\n  acknowledged ").append(acknowledged);
        out.append("\n  steps ").append(done);
        return out.toString();
    }
}
