package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.metadata.BrokerHistory.Event;
import dev.skiff.metadata.BrokerHistory.Step;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;

/**
 * The controller's pure decisions over random broker histories ({@link BrokerHistory}: registrations
 * with and without new storage, fencing, unfencing, topic creations, ISR requests from the current
 * leader and stale ones), checked after every step. Tries come from {@code jqwik.tries.default}; a
 * failure prints the seed, and {@code @Property(seed = "...")} replays it.
 */
class ControllerDecisionsPropertiesTest {
    @Provide
    Arbitrary<List<Step>> histories() {
        return BrokerHistory.steps()
                .list()
                .ofMinSize(1)
                .ofMaxSize(80)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    private static List<Event> run(List<Step> steps, long seed, int initialBrokers) {
        return new BrokerHistory(seed, initialBrokers).run(steps);
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void leaderIsInTheIsrWhichIsInTheReplicasAndEpochsOnlyRise(
            @ForAll("histories") List<Step> steps,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = BrokerHistory.BROKERS) int initialBrokers) {
        for (Event event : run(steps, seed, initialBrokers)) {
            assertEquals(List.of(), ImageInvariants.violations(event.after()), () -> event.step()
                    .toString());
            for (TopicImage topic : event.after().topics()) {
                for (PartitionState p : topic.partitions()) {
                    String where = event.step() + ": " + topic.name() + " " + p;
                    assertTrue(p.replicas().containsAll(p.isr()), where);
                    if (p.hasLeader()) {
                        assertTrue(p.isr().contains(p.leader()), where);
                        assertFalse(
                                event.after().broker(p.leader()).orElseThrow().fenced(), where);
                    }
                    Optional<PartitionState> was = event.before().partition(topic.id(), p.index());
                    if (was.isPresent()) {
                        checkEpochs(event, was.get(), p, where);
                    }
                }
            }
        }
    }

    private static void checkEpochs(Event event, PartitionState was, PartitionState p, String where) {
        assertTrue(p.leaderEpoch() >= was.leaderEpoch(), () -> where + " was " + was);
        assertTrue(p.partitionEpoch() >= was.partitionEpoch(), () -> where + " was " + was);
        if (p.leader() != was.leader()) {
            assertTrue(p.leaderEpoch() > was.leaderEpoch(), () -> where + " was " + was);
        }
        if (!p.equals(was)) {
            assertTrue(p.partitionEpoch() > was.partitionEpoch(), () -> where + " was " + was);
        }
        for (int member : p.isr()) {
            if (!was.isr().contains(member)) {
                assertFalse(event.after().broker(member).orElseThrow().fenced(), () -> where + " was " + was);
            }
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void isrRequestsFromTheCurrentLeaderAreDecidedAndStaleOnesRefused(
            @ForAll("histories") List<Step> steps,
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = BrokerHistory.BROKERS) int initialBrokers) {
        // BrokerHistory checks the stale requests as it runs them: refused when the partition has
        // moved on, and the batch decided on the old image rejected by the current one.
        for (Event event : run(steps, seed, initialBrokers)) {
            if (event.step() instanceof BrokerHistory.Shrink && event.decision() != BrokerHistory.NOTHING) {
                assertTrue(event.decision().isAccepted(), () -> event.step() + " -> " + event.decision());
            }
            if (event.step() instanceof BrokerHistory.Expand expand && event.decision() != BrokerHistory.NOTHING) {
                IsrChange request = BrokerHistory.isrRequest(event.before(), expand.pick(), expand.member(), true)
                        .orElseThrow();
                int joining = request.newIsr().get(request.newIsr().size() - 1);
                boolean unfenced = !event.before().broker(joining).orElseThrow().fenced();
                assertEquals(unfenced, event.decision().isAccepted(), () -> event.step() + " -> " + event.decision());
                if (!unfenced) {
                    assertEquals(
                            ErrorCode.BROKER_NOT_AVAILABLE,
                            assertInstanceOf(Decision.Refused.class, event.decision())
                                    .error());
                }
            }
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aBrokerBackWithNewStorageLeadsNoPartitionItWasInSyncForUnlessUnclean(
            @ForAll("histories") List<Step> steps,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = BrokerHistory.BROKERS) int initialBrokers) {
        // (topic id, partition, broker): the broker came back with new storage and has not been
        // added to that partition's ISR by its leader since.
        Set<List<Object>> barred = new HashSet<>();
        for (Event event : run(steps, seed, initialBrokers)) {
            MetadataImage after = event.after();
            if (event.step() instanceof BrokerHistory.Register r && r.storageIsNew()) {
                for (TopicImage topic : after.topics()) {
                    for (PartitionState p : topic.partitions()) {
                        assertFalse(p.isr().contains(r.node()), () -> event.step() + ": " + p);
                        if (p.replicas().contains(r.node())) {
                            barred.add(List.of(topic.id(), p.index(), r.node()));
                        }
                    }
                }
            }
            boolean isrRequest = event.decision().isAccepted()
                    && (event.step() instanceof BrokerHistory.Expand || event.step() instanceof BrokerHistory.Stale);
            for (TopicImage topic : after.topics()) {
                if ("true".equals(topic.configs().get(ControllerSettings.UNCLEAN_LEADER_ELECTION))) {
                    continue;
                }
                for (PartitionState p : topic.partitions()) {
                    Optional<PartitionState> was = event.before().partition(topic.id(), p.index());
                    if (was.isPresent() && was.get().isr().isEmpty()) {
                        assertFalse(
                                p.hasLeader(),
                                () -> event.step() + ": a partition without ISR got a clean leader " + p);
                    }
                    for (int member : p.isr()) {
                        List<Object> key = List.of(topic.id(), p.index(), member);
                        assertTrue(
                                !barred.contains(key) || isrRequest,
                                () -> event.step() + ": " + member + " rejoined " + p);
                        barred.remove(key);
                    }
                    assertFalse(
                            barred.contains(List.of(topic.id(), p.index(), p.leader())), () -> event.step() + ": " + p);
                }
            }
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aFreshTopicIsSpreadEvenlyOverTheUnfencedBrokers(
            @ForAll("histories") List<Step> steps,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = BrokerHistory.BROKERS) int initialBrokers) {
        for (Event event : run(steps, seed, initialBrokers)) {
            if (!(event.step() instanceof BrokerHistory.CreateTopic create)) {
                continue;
            }
            List<Integer> unfenced = event.before().unfencedBrokers().stream()
                    .map(BrokerRegistration::nodeId)
                    .toList();
            if (create.replicationFactor() > unfenced.size()) {
                assertEquals(
                        ErrorCode.INVALID_REPLICATION_FACTOR,
                        Fixtures.refused(event.decision()).error());
                continue;
            }
            Uuid id = ((CreatedTopic) Fixtures.accepted(event.decision()).value()).topicId();
            Map<Integer, Integer> replicas = new HashMap<>();
            Map<Integer, Integer> leaders = new HashMap<>();
            unfenced.forEach(b -> {
                replicas.put(b, 0);
                leaders.put(b, 0);
            });
            for (PartitionState p : event.after().topic(id).orElseThrow().partitions()) {
                assertEquals(create.replicationFactor(), new HashSet<>(p.replicas()).size(), p::toString);
                assertEquals(p.replicas(), p.isr());
                assertEquals(p.preferredLeader(), p.leader());
                p.replicas().forEach(r -> replicas.merge(r, 1, Integer::sum));
                leaders.merge(p.leader(), 1, Integer::sum);
            }
            assertEquals(unfenced.size(), replicas.size(), () -> "replicas on fenced brokers: " + replicas);
            assertTrue(spread(replicas) <= 1, () -> event.step() + " replicas per broker: " + replicas);
            assertTrue(spread(leaders) <= 1, () -> event.step() + " leaders per broker: " + leaders);
        }
    }

    private static int spread(Map<Integer, Integer> perBroker) {
        List<Integer> counts = new ArrayList<>(perBroker.values());
        return counts.stream().mapToInt(i -> i).max().orElse(0)
                - counts.stream().mapToInt(i -> i).min().orElse(0);
    }
}
