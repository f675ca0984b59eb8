package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A random history of broker lifecycles, topic creations and ISR requests, driven through the real
 * {@link ControllerDecisions} and {@link MetadataImage#apply}. Every step is decided on the current
 * image and its batch applied; the images are kept so that properties can compare each with the one
 * before, and so that a step can replay a request a leader computed from an older image (stale).
 *
 * <p>Steps name brokers from a small pool and topics and partitions by numbers taken modulo what
 * exists, so that most of them hit something. Brokers have no racks: placement evenness is only
 * promised without them.
 */
final class BrokerHistory {
    static final int BROKERS = 5;

    /** One event of the history. */
    sealed interface Step {}

    /** A new incarnation of the broker registers, with its old storage or with new (empty) storage. */
    record Register(int node, boolean storageIsNew) implements Step {}

    /** The registered incarnation registers again (a retry), with either flag. */
    record RegisterAgain(int node, boolean storageIsNew) implements Step {}

    record Fence(int node) implements Step {}

    /** One of the fenced brokers (picked modulo their number) is unfenced. */
    record Unfence(int pick) implements Step {}

    record CreateTopic(int partitions, int replicationFactor, boolean unclean) implements Step {}

    record AddPartitions(int pick, int more) implements Step {}

    /** The current leader of a partition takes one follower out of its ISR. */
    record Shrink(int pick, int member) implements Step {}

    /** The current leader of a partition adds one replica to its ISR. */
    record Expand(int pick, int member) implements Step {}

    /** A leader's request computed {@code back} images ago, shrinking or expanding, arrives now. */
    record Stale(int pick, int back, int member, boolean expand) implements Step {}

    /** What one step did: the step, the image before and after, and the decision's outcome. */
    record Event(Step step, MetadataImage before, MetadataImage after, Decision<?> decision) {}

    /** A step that found nothing to act on. */
    static final Decision<Integer> NOTHING = new Decision.Accepted<>(0, MetadataBatch.getDefaultInstance());

    private final ControllerDecisions decisions;
    private final Map<Integer, Integer> incarnations = new HashMap<>();
    private final List<MetadataImage> images = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private MetadataImage image;
    private int topicCount;

    BrokerHistory(long seed, int initialBrokers) {
        this.decisions =
                new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(seed));
        image = Fixtures.applied(MetadataImage.EMPTY, MetadataRecords.clusterId("history"));
        images.add(image);
        for (int node = 1; node <= initialBrokers; node++) {
            run(new Register(node, true));
            run(new Unfence(0));
        }
    }

    static Arbitrary<Step> steps() {
        Arbitrary<Integer> node = Arbitraries.integers().between(1, BROKERS);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 1_000);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Arbitraries.frequencyOf(
                Tuple.of(2, Combinators.combine(node, flag).as(Register::new)),
                Tuple.of(1, Combinators.combine(node, flag).as(RegisterAgain::new)),
                Tuple.of(2, node.map(Fence::new)),
                Tuple.of(6, any.map(Unfence::new)),
                Tuple.of(
                        4,
                        Combinators.combine(
                                        Arbitraries.integers().between(1, 12),
                                        Arbitraries.of(1, 1, 2, 2, 3, 3, 4, 5, BROKERS + 1),
                                        Arbitraries.of(false, false, true))
                                .as(CreateTopic::new)),
                Tuple.of(
                        1,
                        Combinators.combine(any, Arbitraries.integers().between(1, 4))
                                .as(AddPartitions::new)),
                Tuple.of(5, Combinators.combine(any, any).as(Shrink::new)),
                Tuple.of(5, Combinators.combine(any, any).as(Expand::new)),
                Tuple.of(
                        4,
                        Combinators.combine(any, Arbitraries.integers().between(1, 8), any, flag)
                                .as(Stale::new)));
    }

    List<Event> run(List<Step> steps) {
        steps.forEach(this::run);
        return events;
    }

    List<Event> events() {
        return events;
    }

    MetadataImage image() {
        return image;
    }

    void run(Step step) {
        MetadataImage before = image;
        Decision<?> decision = decide(step);
        if (decision instanceof Decision.Accepted<?> accepted && !accepted.changesNothing()) {
            image = Fixtures.applied(image, accepted.batch());
        }
        images.add(image);
        events.add(new Event(step, before, image, decision));
    }

    private Decision<?> decide(Step step) {
        if (step instanceof Register r) {
            int incarnation = incarnations.merge(r.node(), 1, Integer::sum);
            return register(r.node(), incarnation, r.storageIsNew());
        } else if (step instanceof RegisterAgain r) {
            return register(r.node(), incarnations.computeIfAbsent(r.node(), n -> 1), r.storageIsNew());
        } else if (step instanceof Fence f) {
            return decisions.fenceBroker(image, f.node());
        } else if (step instanceof Unfence u) {
            List<BrokerRegistration> fenced = image.brokers().values().stream()
                    .filter(BrokerRegistration::fenced)
                    .toList();
            if (fenced.isEmpty()) {
                return NOTHING;
            }
            BrokerRegistration broker = fenced.get(Math.floorMod(u.pick(), fenced.size()));
            return decisions.unfenceBroker(image, broker.nodeId(), broker.incarnationId());
        } else if (step instanceof CreateTopic c) {
            Map<String, String> configs =
                    c.unclean() ? Map.of(ControllerSettings.UNCLEAN_LEADER_ELECTION, "true") : Map.of();
            return decisions.createTopic(
                    image, new NewTopic("t" + topicCount++, c.partitions(), c.replicationFactor(), configs));
        } else if (step instanceof AddPartitions a) {
            Optional<TopicImage> topic = pickTopic(image, a.pick());
            return topic.isEmpty()
                    ? NOTHING
                    : decisions.createPartitions(
                            image, topic.get().name(), topic.get().partitionCount() + a.more());
        } else if (step instanceof Shrink s) {
            return isrRequest(image, s.pick(), s.member(), false)
                    .<Decision<?>>map(r -> decisions.alterPartition(image, r))
                    .orElse(NOTHING);
        } else if (step instanceof Expand e) {
            return isrRequest(image, e.pick(), e.member(), true)
                    .<Decision<?>>map(r -> decisions.alterPartition(image, r))
                    .orElse(NOTHING);
        }
        return stale((Stale) step);
    }

    private Decision<?> register(int node, int incarnation, boolean storageIsNew) {
        List<Endpoint> endpoints = List.of(new Endpoint("PLAINTEXT", "10.0.0." + node, 9092));
        return decisions.registerBroker(
                image, node, new Uuid(node, incarnation), endpoints, Optional.empty(), storageIsNew);
    }

    /**
     * A request computed from an image {@code back} steps old, decided on the current image; and the
     * batch decided on the old image, applied to the current one. Both must fail unless the partition
     * is still as the old image had it.
     */
    private Decision<?> stale(Stale s) {
        MetadataImage old = images.get(Math.max(0, images.size() - 1 - s.back()));
        Optional<IsrChange> request = isrRequest(old, s.pick(), s.member(), s.expand());
        if (request.isEmpty()) {
            return NOTHING;
        }
        IsrChange r = request.get();
        PartitionState then = old.partition(r.topicId(), r.index()).orElseThrow();
        Optional<PartitionState> now = image.partition(r.topicId(), r.index());
        boolean unchanged = now.isPresent()
                && now.get().leader() == then.leader()
                && now.get().leaderEpoch() == then.leaderEpoch()
                && now.get().partitionEpoch() == then.partitionEpoch();
        Decision<PartitionState> decision = decisions.alterPartition(image, r);
        if (!unchanged) {
            Decision.Refused<PartitionState> refused = Fixtures.refused(decision);
            assertTrue(
                    List.of(
                                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                                    ErrorCode.FENCED_LEADER_EPOCH,
                                    ErrorCode.INVALID_UPDATE_VERSION,
                                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                            .contains(refused.error()),
                    refused::toString);
            if (decisions.alterPartition(old, r) instanceof Decision.Accepted<PartitionState> then2
                    && !then2.changesNothing()
                    && now.isPresent()
                    && now.get().partitionEpoch() != then.partitionEpoch()) {
                ApplyResult.Rejected late = assertInstanceOf(ApplyResult.Rejected.class, image.apply(then2.batch()));
                assertEquals(ErrorCode.INVALID_UPDATE_VERSION, late.error());
            }
        }
        return decision;
    }

    /**
     * The request the leader of the picked partition of {@code from} would send: without one follower
     * of its ISR (shrink), or with one more of its replicas (expand); empty if there is no leader or
     * nothing to change.
     */
    static Optional<IsrChange> isrRequest(MetadataImage from, int pick, int member, boolean expand) {
        Optional<Command.TopicPartition> target = Command.pickPartition(from, pick);
        if (target.isEmpty() || !target.get().partition().hasLeader()) {
            return Optional.empty();
        }
        PartitionState p = target.get().partition();
        List<Integer> isr = new ArrayList<>(p.isr());
        if (expand) {
            List<Integer> outside =
                    p.replicas().stream().filter(r -> !p.isr().contains(r)).toList();
            if (outside.isEmpty()) {
                return Optional.empty();
            }
            isr.add(outside.get(Math.floorMod(member, outside.size())));
        } else {
            List<Integer> followers =
                    p.isr().stream().filter(r -> r != p.leader()).toList();
            if (followers.isEmpty()) {
                return Optional.empty();
            }
            isr.remove(followers.get(Math.floorMod(member, followers.size())));
        }
        return Optional.of(new IsrChange(
                target.get().topic().id(),
                p.index(),
                p.leader(),
                p.leaderEpoch(),
                p.partitionEpoch(),
                isr,
                Fixtures.incarnations(from, isr)));
    }

    private static Optional<TopicImage> pickTopic(MetadataImage image, int pick) {
        List<TopicImage> topics = List.copyOf(image.topics());
        return topics.isEmpty() ? Optional.empty() : Optional.of(topics.get(Math.floorMod(pick, topics.size())));
    }
}
