package dev.skiff.client;

import static dev.skiff.client.Fixtures.env;
import static dev.skiff.client.Fixtures.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.testing.FakeCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin's consumer-group operations against the fake coordinators of a three-node cluster. */
@Timeout(60)
class AdminGroupsTest {
    private final FakeCluster cluster = new FakeCluster(3).startInProcess();
    private final Admin admin = new Admin(props(cluster), env(cluster));
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @AfterEach
    void tearDown() {
        admin.close();
        cluster.close();
    }

    private Consumer member(String group) {
        Consumer c = new Consumer(
                props(cluster, "group.id", group, "session.timeout.ms", "10000", "heartbeat.interval.ms", "100"),
                env(cluster));
        c.subscribe(List.of("t"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(50));
        }
        assertEquals(Set.of(T0, T1), c.assignment());
        return c;
    }

    @Test
    void offsetsOfAGroupWithoutMembersCanBeSetReadAndDeleted() {
        cluster.createTopic("t", 2, 1);
        admin.alterConsumerGroupOffsets("g", Map.of(T0, new OffsetAndMetadata(5, "m"), T1, new OffsetAndMetadata(7)))
                .get();
        SortedMap<TopicPartition, OffsetAndMetadata> read = Futures.get(admin.listConsumerGroupOffsets("g"));
        assertEquals(5, read.get(T0).offset());
        assertEquals("m", read.get(T0).metadata());
        assertEquals(7, read.get(T1).offset());
        assertEquals(
                Set.of(T1),
                Futures.get(admin.listConsumerGroupOffsets("g", List.of(T1))).keySet());

        admin.deleteConsumerGroupOffsets("g", Set.of(T0)).get();
        assertEquals(
                Set.of(T1), Futures.get(admin.listConsumerGroupOffsets("g")).keySet());

        ConsumerGroupDescription d =
                admin.describeConsumerGroups(List.of("g")).get().get("g");
        assertEquals(GroupState.EMPTY, d.state());
        assertEquals(cluster.groups().coordinatorOf("g"), d.coordinator().id());
        assertEquals(cluster.port(d.coordinator().id()), d.coordinator().port());

        admin.deleteConsumerGroups(List.of("g")).get();
        assertEquals(
                GroupState.DEAD,
                admin.describeConsumerGroups(List.of("g")).get().get("g").state());
        ApiException gone = assertThrows(ApiException.class, () -> admin.deleteConsumerGroups(List.of("g"))
                .get());
        assertEquals(Errors.GROUP_ID_NOT_FOUND, gone.error());
    }

    @Test
    void membersAreDescribedWithTheirAssignmentAndBlockCommitsAndDeletion() {
        cluster.createTopic("t", 2, 1);
        try (Consumer c = member("g")) {
            ConsumerGroupDescription d =
                    admin.describeConsumerGroups(List.of("g")).get().get("g");
            assertEquals(GroupState.STABLE, d.state());
            assertEquals("consumer", d.protocolType());
            assertTrue(!d.partitionAssignor().isEmpty(), d.toString());
            assertEquals(1, d.members().size());
            assertEquals(Set.of(T0, T1), d.members().get(0).assignment());

            List<ConsumerGroupListing> listed = Futures.get(admin.listConsumerGroups());
            assertEquals(List.of(new ConsumerGroupListing("g", GroupState.STABLE, "consumer")), listed);
            assertEquals(List.of(), Futures.get(admin.listConsumerGroups(Set.of(GroupState.EMPTY))));

            ApiException busy = assertThrows(
                    ApiException.class, () -> admin.alterConsumerGroupOffsets("g", Map.of(T0, new OffsetAndMetadata(1)))
                            .get());
            assertTrue(busy.error() != Errors.NONE);
            ApiException nonEmpty = assertThrows(ApiException.class, () -> admin.deleteConsumerGroups(List.of("g"))
                    .get());
            assertEquals(Errors.NON_EMPTY_GROUP, nonEmpty.error());
        }
    }

    @Test
    void coordinatorErrorsAreRetriedAtTheCoordinatorFoundAgain() {
        cluster.hooks().groupError = (method, n) -> switch (method) {
            case "FindCoordinator" -> n == 1 ? Errors.COORDINATOR_NOT_AVAILABLE : null;
            case "DescribeGroups" -> n == 1 ? Errors.COORDINATOR_LOAD_IN_PROGRESS : null;
            case "OffsetCommit" -> n == 1 ? Errors.NOT_COORDINATOR : null;
            default -> null;
        };
        cluster.createTopic("t", 2, 1);
        admin.alterConsumerGroupOffsets("g", Map.of(T0, new OffsetAndMetadata(3)))
                .get();
        assertEquals(3, Futures.get(admin.listConsumerGroupOffsets("g")).get(T0).offset());
        assertEquals(
                GroupState.EMPTY,
                admin.describeConsumerGroups(List.of("g")).get().get("g").state());
        assertTrue(cluster.hooks().groupCalls("FindCoordinator") >= 3);
    }

    @Test
    void aCoordinatorThatMovedIsFoundAgain() {
        cluster.createTopic("t", 2, 1);
        cluster.groups().commit("g", T0, 4);
        int first = cluster.groups().coordinatorOf("g");
        cluster.groups().setCoordinator("g", first % 3 + 1);
        assertEquals(4, Futures.get(admin.listConsumerGroupOffsets("g")).get(T0).offset());
    }

    @Test
    void aFinalErrorFailsAtOnce() {
        cluster.hooks().groupError = (method, n) -> method.equals("DescribeGroups") ? Errors.INVALID_GROUP_ID : null;
        ApiException e = assertThrows(ApiException.class, () -> admin.describeConsumerGroups(List.of("g"))
                .get());
        assertEquals(Errors.INVALID_GROUP_ID, e.error());
    }
}
