package dev.skiff.client;

import static dev.skiff.client.Fixtures.env;
import static dev.skiff.client.Fixtures.props;
import static dev.skiff.client.Fixtures.str;
import static dev.skiff.client.Fixtures.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.testing.FakeCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Consumer groups against the fake coordinator: membership, rebalances, commits, pause, wakeup. */
class ConsumerGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration TICK = Duration.ofMillis(20);

    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final List<Consumer> consumers = new ArrayList<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        for (Consumer c : consumers) {
            c.close(Duration.ofSeconds(5));
        }
        background.shutdownNow();
        cluster.close();
    }

    private Consumer consumer(String... kv) {
        List<String> all = new ArrayList<>(List.of(
                "group.id",
                "g",
                "heartbeat.interval.ms",
                "50",
                "session.timeout.ms",
                "10000",
                "auto.offset.reset",
                "earliest"));
        all.addAll(List.of(kv));
        Consumer c = new Consumer(props(cluster, all.toArray(new String[0])), env(cluster));
        consumers.add(c);
        return c;
    }

    private void batch(TopicPartition tp, int first, int count) {
        List<RecordBatchCodec.RecordData> rs = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            rs.add(new RecordBatchCodec.RecordData(1_000 + i, utf8("k" + i), utf8(tp + ":" + i), List.of()));
        }
        cluster.append(tp, CompressionType.NONE, rs);
    }

    private static Set<TopicPartition> partitions(String topic, int... indexes) {
        Set<TopicPartition> out = new TreeSet<>();
        for (int i : indexes) {
            out.add(new TopicPartition(topic, i));
        }
        return out;
    }

    /** The position of {@code tp}, or -1 while it is not assigned. */
    private static long pos(Consumer c, TopicPartition tp) {
        return c.assignment().contains(tp) ? c.position(tp) : -1;
    }

    /** Polls every consumer in turn (one thread, short polls) until {@code done} holds; returns the values read. */
    private static List<String> pollUntil(java.util.function.BooleanSupplier done, Consumer... cs) {
        List<String> values = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
            for (Consumer c : cs) {
                c.poll(TICK).forEach(r -> values.add(str(r.value())));
            }
            return done.getAsBoolean();
        });
        return values;
    }

    /** Records what a rebalance listener hears. */
    private static final class Recorder implements ConsumerRebalanceListener {
        final List<Set<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
        final List<Set<TopicPartition>> assigned = new CopyOnWriteArrayList<>();
        final List<Set<TopicPartition>> lost = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.add(new TreeSet<>(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.add(new TreeSet<>(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lost.add(new TreeSet<>(partitions));
        }
    }

    @Test
    void twoMembersShareFourPartitionsAndTheSurvivorTakesAll() {
        cluster.createTopic("t", 4, 1);
        Consumer a = consumer("client.id", "a");
        Consumer b = consumer("client.id", "b");
        a.subscribe(List.of("t"));
        b.subscribe(List.of("t"));
        pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2, a, b);
        Set<TopicPartition> union = new HashSet<>(a.assignment());
        union.addAll(b.assignment());
        assertEquals(partitions("t", 0, 1, 2, 3), union);
        assertEquals(Set.of("t"), a.subscription());

        a.close();
        pollUntil(() -> b.assignment().size() == 4, b);
        assertEquals(1, cluster.groups().memberIds("g").size());
    }

    @Test
    void aNewMemberResumesAtTheCommittedOffsets() {
        cluster.createTopic("t", 2, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        batch(p0, 0, 10);
        batch(p1, 0, 10);
        Consumer first = consumer("enable.auto.commit", "false");
        first.subscribe(List.of("t"));
        List<String> read = new ArrayList<>();
        read.addAll(pollUntil(() -> first.assignment().size() == 2 && pos(first, p0) == 10, first));
        first.commitSync(Map.of(p0, new OffsetAndMetadata(7, "seven"), p1, new OffsetAndMetadata(3)));
        assertEquals(OptionalLong.of(7), cluster.groups().committed("g", p0));
        assertEquals(7, first.committed(Set.of(p0, p1)).get(p0).offset());
        assertEquals("seven", first.committed(Set.of(p0)).get(p0).metadata());
        first.close();

        Consumer second = consumer("enable.auto.commit", "false");
        second.subscribe(List.of("t"));
        List<String> again = pollUntil(
                () -> second.assignment().size() == 2 && pos(second, p0) == 10 && pos(second, p1) == 10, second);
        again.sort(String::compareTo);
        List<String> expected = new ArrayList<>();
        for (int i = 7; i < 10; i++) {
            expected.add("t-0:" + i);
        }
        for (int i = 3; i < 10; i++) {
            expected.add("t-1:" + i);
        }
        expected.sort(String::compareTo);
        assertEquals(expected, again);
    }

    @Test
    void commitSyncCommitsThePositions() {
        cluster.createTopic("t", 1, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        batch(p0, 0, 4);
        Consumer c = consumer("enable.auto.commit", "false");
        c.subscribe(List.of("t"));
        pollUntil(() -> !c.assignment().isEmpty() && pos(c, p0) == 4, c);
        c.commitSync();
        assertEquals(OptionalLong.of(4), cluster.groups().committed("g", p0));
    }

    @Test
    void aCommitOfThePositionsCarriesTheLeaderEpochOfTheLastRecordConsumed() {
        cluster.createTopic("t", 1, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        batch(p0, 0, 2);
        cluster.setLeader(p0, cluster.partition(p0).leader); // a new leadership: epoch + 1
        int epoch = cluster.partition(p0).leaderEpoch;
        batch(p0, 2, 2);
        Consumer c = consumer("enable.auto.commit", "false");
        c.subscribe(List.of("t"));
        pollUntil(() -> !c.assignment().isEmpty() && pos(c, p0) == 4, c);
        c.commitSync();
        assertEquals(epoch, cluster.groups().offsets("g").get(p0).leaderEpoch());
        assertEquals(Optional.of(epoch), c.committed(Set.of(p0)).get(p0).leaderEpoch());

        c.seek(p0, 1); // a seek to a bare offset knows no epoch, as in Kafka
        c.commitSync();
        assertEquals(-1, cluster.groups().offsets("g").get(p0).leaderEpoch());
    }

    @Test
    void autoCommitCommitsWhatPollReturned() {
        cluster.createTopic("t", 1, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        batch(p0, 0, 5);
        Consumer c = consumer("auto.commit.interval.ms", "50", "max.poll.records", "3");
        c.subscribe(List.of("t"));
        List<String> got = pollUntil(() -> pos(c, p0) >= 3, c);
        long returned = got.size();
        pollUntil(() -> cluster.groups().committed("g", p0).orElse(-1) == pos(c, p0), c);
        assertTrue(returned >= 3);
        assertEquals(pos(c, p0), cluster.groups().committed("g", p0).getAsLong());
    }

    @Test
    void autoCommitOnCloseHandsTheNextMemberAnExactPosition() {
        cluster.createTopic("t", 1, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        batch(p0, 0, 6);
        Consumer c = consumer("auto.commit.interval.ms", "600000");
        c.subscribe(List.of("t"));
        pollUntil(() -> !c.assignment().isEmpty() && pos(c, p0) == 6, c);
        c.close();
        assertEquals(OptionalLong.of(6), cluster.groups().committed("g", p0));
    }

    @Test
    void cooperativeStickyRevokesOnlyTheMovedPartitions() {
        cluster.createTopic("t", 4, 1);
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Consumer a = consumer("partition.assignment.strategy", "cooperative-sticky");
        a.subscribe(List.of("t"), first);
        pollUntil(() -> a.assignment().size() == 4, a);
        assertEquals(List.of(partitions("t", 0, 1, 2, 3)), first.assigned);

        Consumer b = consumer("partition.assignment.strategy", "cooperative-sticky");
        b.subscribe(List.of("t"), second);
        pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2, a, b);
        assertEquals(1, first.revoked.size(), "one revocation, of the moved partitions only: " + first.revoked);
        assertEquals(b.assignment(), first.revoked.get(0));
        Set<TopicPartition> kept = new TreeSet<>(partitions("t", 0, 1, 2, 3));
        kept.removeAll(first.revoked.get(0));
        assertEquals(kept, a.assignment());
        for (Set<TopicPartition> added : first.assigned.subList(1, first.assigned.size())) {
            assertTrue(added.isEmpty(), "the member that kept its partitions was given nothing new: " + added);
        }
        Set<TopicPartition> givenToB = new TreeSet<>();
        second.assigned.forEach(givenToB::addAll);
        assertEquals(b.assignment(), givenToB);
        assertTrue(second.revoked.isEmpty());
        assertTrue(first.lost.isEmpty());
    }

    @Test
    void eagerRebalancesRevokeEverythingFirst() {
        cluster.createTopic("t", 2, 1);
        Recorder first = new Recorder();
        Consumer a = consumer("partition.assignment.strategy", "range");
        a.subscribe(List.of("t"), first);
        pollUntil(() -> a.assignment().size() == 2, a);
        Consumer b = consumer("partition.assignment.strategy", "range");
        b.subscribe(List.of("t"));
        pollUntil(() -> a.assignment().size() == 1 && b.assignment().size() == 1, a, b);
        assertEquals(partitions("t", 0, 1), first.revoked.get(0));
    }

    @Test
    void pausedPartitionsAreNotReturnedUntilResumed() {
        cluster.createTopic("t", 2, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        batch(p0, 0, 3);
        batch(p1, 0, 3);
        Consumer c = consumer();
        c.subscribe(List.of("t"));
        pollUntil(() -> c.assignment().size() == 2, c);
        c.pause(List.of(p0));
        assertEquals(Set.of(p0), c.paused());
        List<String> got = pollUntil(() -> pos(c, p1) == 3, c);
        assertTrue(got.stream().noneMatch(v -> v.startsWith("t-0:")), "paused records: " + got);
        for (int i = 0; i < 5; i++) {
            c.poll(TICK).forEach(r -> assertEquals(1, r.partition()));
        }
        c.resume(List.of(p0));
        assertTrue(c.paused().isEmpty());
        List<String> later = pollUntil(() -> pos(c, p0) == 3, c);
        assertTrue(later.containsAll(List.of("t-0:0", "t-0:1", "t-0:2")), later.toString());
    }

    @Test
    void wakeupInterruptsAPollThatIsJoining() {
        cluster.createTopic("t", 1, 1);
        Consumer c = consumer();
        c.subscribe(List.of("t"));
        background.schedule(c::wakeup, 100, TimeUnit.MILLISECONDS);
        assertThrows(WakeupException.class, () -> c.poll(Duration.ofSeconds(20)));
        pollUntil(() -> c.assignment().size() == 1, c);
        background.schedule(c::wakeup, 100, TimeUnit.MILLISECONDS);
        assertThrows(WakeupException.class, () -> c.poll(Duration.ofSeconds(20)));
    }

    @Test
    void wakeupInterruptsACommitSyncThatKeepsRetrying() {
        cluster.createTopic("t", 1, 1);
        Consumer c = consumer("enable.auto.commit", "false");
        c.subscribe(List.of("t"));
        pollUntil(() -> c.assignment().size() == 1, c);
        cluster.hooks().groupError =
                (method, n) -> method.equals("OffsetCommit") ? Errors.COORDINATOR_LOAD_IN_PROGRESS : null;
        background.schedule(c::wakeup, 200, TimeUnit.MILLISECONDS);
        assertThrows(
                WakeupException.class,
                () -> c.commitSync(Map.of(new TopicPartition("t", 0), new OffsetAndMetadata(1))));
        assertTrue(cluster.hooks().groupCalls("OffsetCommit") > 1, "retried before the wakeup");
        cluster.hooks().groupError = (method, n) -> null;
        c.commitSync(Map.of(new TopicPartition("t", 0), new OffsetAndMetadata(1)));
        assertEquals(OptionalLong.of(1), cluster.groups().committed("g", new TopicPartition("t", 0)));
    }

    @Test
    void groupOperationsWithoutGroupIdSayWhatIsMissing() {
        Consumer c = new Consumer(props(cluster), env(cluster));
        consumers.add(c);
        InvalidGroupIdException e = assertThrows(InvalidGroupIdException.class, () -> c.subscribe(List.of("t")));
        assertTrue(e.getMessage().contains("group.id"), e.getMessage());
        assertEquals(Errors.INVALID_GROUP_ID, e.error());
        assertThrows(InvalidGroupIdException.class, c::commitSync);
        assertThrows(InvalidGroupIdException.class, () -> c.committed(Set.of(new TopicPartition("t", 0))));
        assertThrows(
                InvalidGroupIdException.class,
                () -> c.subscribe(Pattern.compile("t.*"), ConsumerRebalanceListener.noOp()));
    }

    @Test
    void aPatternSubscriptionPicksUpANewMatchingTopic() {
        cluster.createTopic("orders-eu", 1, 1);
        cluster.createTopic("payments", 1, 1);
        Consumer c = consumer("metadata.max.age.ms", "100");
        c.subscribe(Pattern.compile("orders-.*"), ConsumerRebalanceListener.noOp());
        pollUntil(() -> c.assignment().equals(partitions("orders-eu", 0)), c);
        assertEquals(Set.of("orders-eu"), c.subscription());
        cluster.createTopic("orders-us", 2, 1);
        batch(new TopicPartition("orders-us", 1), 0, 1);
        List<String> got =
                pollUntil(() -> c.assignment().size() == 3 && pos(c, new TopicPartition("orders-us", 1)) == 1, c);
        assertEquals(Set.of("orders-eu", "orders-us"), c.subscription());
        assertTrue(got.contains("orders-us-1:0"), got.toString());
    }

    @Test
    void aFencedMemberLosesItsPartitionsAndRejoins() {
        cluster.createTopic("t", 2, 1);
        Recorder listener = new Recorder();
        // The coordinator still counts the old member id until its session expires.
        Consumer c = consumer("session.timeout.ms", "500");
        c.subscribe(List.of("t"), listener);
        pollUntil(() -> c.assignment().size() == 2, c);
        int generation = cluster.groups().generation("g");
        cluster.hooks().groupError = (method, n) -> method.equals("Heartbeat") ? Errors.UNKNOWN_MEMBER_ID : null;
        pollUntil(() -> !listener.lost.isEmpty(), c);
        cluster.hooks().groupError = (method, n) -> null;
        assertEquals(partitions("t", 0, 1), listener.lost.get(0));
        pollUntil(() -> c.assignment().size() == 2 && cluster.groups().generation("g") > generation, c);
        assertTrue(listener.revoked.isEmpty(), "lost, not revoked: " + listener.revoked);
    }

    @Test
    void aStaticMemberFencedByAnotherInstanceLosesItsPartitionsAndStops() {
        cluster.createTopic("t", 2, 1);
        Recorder listener = new Recorder();
        Consumer c = consumer("group.instance.id", "billing-1");
        c.subscribe(List.of("t"), listener);
        pollUntil(() -> c.assignment().size() == 2, c);
        cluster.hooks().groupError = (method, n) -> method.equals("Heartbeat") ? Errors.FENCED_INSTANCE_ID : null;
        ApiException e = assertThrows(ApiException.class, () -> {
            for (long until = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < until; ) {
                c.poll(Duration.ofMillis(50));
            }
        });
        cluster.hooks().groupError = (method, n) -> null;
        assertEquals(Errors.FENCED_INSTANCE_ID, e.error());
        assertTrue(e.getMessage().contains("group.instance.id billing-1"), e.getMessage());
        assertEquals(partitions("t", 0, 1), listener.lost.get(0));
        assertThrows(ApiException.class, () -> c.poll(Duration.ofMillis(10)), "every later poll fails too");
    }

    @Test
    void aMemberThatStopsPollingLeavesAndLosesItsPartitions() {
        cluster.createTopic("t", 1, 1);
        Recorder listener = new Recorder();
        Consumer c = consumer("max.poll.interval.ms", "300");
        c.subscribe(List.of("t"), listener);
        pollUntil(() -> c.assignment().size() == 1, c);
        await().atMost(WAIT).until(() -> cluster.groups().memberIds("g").isEmpty());
        assertEquals("Empty", cluster.groups().state("g"));
        pollUntil(() -> !listener.lost.isEmpty() && c.assignment().size() == 1, c);
        assertEquals(List.of(partitions("t", 0)), listener.lost);
    }

    @Test
    void aCoordinatorThatMovesIsFoundAgain() {
        cluster.createTopic("t", 1, 1);
        TopicPartition p0 = new TopicPartition("t", 0);
        batch(p0, 0, 2);
        Consumer c = consumer("enable.auto.commit", "false");
        c.subscribe(List.of("t"));
        pollUntil(() -> !c.assignment().isEmpty() && pos(c, p0) == 2, c);
        int old = cluster.groups().coordinatorOf("g");
        cluster.groups().setCoordinator("g", old % 3 + 1);
        // The old coordinator answers NOT_COORDINATOR; the member finds the new one, which has the
        // group's state (as __consumer_offsets would have replicated it), and commits there.
        await().atMost(WAIT).until(() -> {
            c.poll(TICK);
            try {
                c.commitSync(Map.of(p0, new OffsetAndMetadata(2)));
                return true;
            } catch (CommitFailedException e) {
                return false;
            }
        });
        assertEquals(OptionalLong.of(2), cluster.groups().committed("g", p0));
        assertTrue(cluster.hooks().groupCalls("FindCoordinator") >= 2);
    }

    @Test
    void aStaticMemberDoesNotLeaveOnClose() {
        cluster.createTopic("t", 1, 1);
        Consumer c = consumer("group.instance.id", "instance-1");
        c.subscribe(List.of("t"));
        pollUntil(() -> !c.assignment().isEmpty(), c);
        c.close();
        assertEquals(1, cluster.groups().memberIds("g").size());
        assertFalse(cluster.groups().state("g").equals("Empty"));
    }

    @Test
    void aRestartedStaticMemberTakesItsPlaceWithoutARebalance() {
        cluster.createTopic("t", 2, 1);
        Consumer dynamic = consumer();
        dynamic.subscribe(List.of("t"));
        pollUntil(() -> dynamic.assignment().size() == 2, dynamic);
        Consumer first = consumer("group.instance.id", "instance-1");
        first.subscribe(List.of("t"));
        pollUntil(() -> dynamic.assignment().size() == 1 && first.assignment().size() == 1, dynamic, first);
        Set<TopicPartition> itsShare = first.assignment();
        int generation = cluster.groups().generation("g");
        first.close();

        Consumer restarted = consumer("group.instance.id", "instance-1");
        restarted.subscribe(List.of("t"));
        pollUntil(() -> restarted.assignment().equals(itsShare), dynamic, restarted);
        assertEquals(generation, cluster.groups().generation("g"));
        assertEquals(2, cluster.groups().memberIds("g").size());
    }

    @Test
    void groupSettingsAreValidated() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConsumerConfig.parse(props(cluster, "group.id", "g", "heartbeat.interval.ms", "50000")));
        assertTrue(e.getMessage().contains("heartbeat.interval.ms"), e.getMessage());
        e = assertThrows(
                ConfigException.class,
                () -> ConsumerConfig.parse(props(cluster, "group.id", "g", "partition.assignment.strategy", "sticky")));
        assertTrue(e.getMessage().contains("partition.assignment.strategy"), e.getMessage());
        e = assertThrows(
                ConfigException.class, () -> ConsumerConfig.parse(props(cluster, "enable.auto.commit", "true")));
        assertTrue(e.getMessage().contains("group.id"), e.getMessage());
        ConsumerConfig defaults = ConsumerConfig.parse(props(cluster, "group.id", "g"));
        assertTrue(defaults.group().enableAutoCommit());
        assertEquals(45_000, defaults.group().sessionTimeoutMs());
        assertEquals(List.of("range", "cooperative-sticky"), defaults.group().partitionAssignmentStrategy());
        assertFalse(ConsumerConfig.parse(props(cluster)).group().enableAutoCommit());
    }
}
