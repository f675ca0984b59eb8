package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kafka's reassignment JSON, both ways, and the plans of --generate and of decommissioning. */
class ReassignmentPlanTest {
    private static String error(Runnable r) {
        return assertThrows(UserException.class, r::run).getMessage();
    }

    @Test
    void aKafkaPlanIsReadWithItsLogDirsAndWrittenBackTheSameWay() {
        String json = "{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":1,\"replicas\":[4,5],"
                + "\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"a\",\"partition\":0,\"replicas\":[1]}]}";
        Map<TopicPartition, List<Integer>> plan = ReassignmentPlan.parsePlan(json, "p.json");
        assertEquals(List.of(new TopicPartition("t", 1), new TopicPartition("a", 0)), List.copyOf(plan.keySet()));
        assertEquals(List.of(4, 5), plan.get(new TopicPartition("t", 1)));
        String written = ReassignmentPlan.toJson(plan);
        assertEquals(
                "{\"version\":1,\"partitions\":[{\"topic\":\"a\",\"partition\":0,\"replicas\":[1],\"log_dirs\":[\"any\"]},"
                        + "{\"topic\":\"t\",\"partition\":1,\"replicas\":[4,5],\"log_dirs\":[\"any\",\"any\"]}]}",
                written);
        assertEquals(
                plan.get(new TopicPartition("t", 1)),
                ReassignmentPlan.parsePlan(written, "w").get(new TopicPartition("t", 1)));
    }

    @Test
    void badPlansNameTheirProblem() {
        assertTrue(error(() -> ReassignmentPlan.parsePlan("{", "p.json")).startsWith("p.json is not valid JSON"));
        assertEquals(
                "p.json: version 2 is not supported: the format has version 1",
                error(() -> ReassignmentPlan.parsePlan("{\"version\":2,\"partitions\":[]}", "p.json")));
        assertEquals(
                "p.json has no \"partitions\" list",
                error(() -> ReassignmentPlan.parsePlan("{\"version\":1}", "p.json")));
        assertEquals(
                "p.json: partitions[0].replicas [1, 1] names a broker twice",
                error(() -> ReassignmentPlan.parsePlan(
                        "{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,1]}]}", "p.json")));
        assertTrue(error(() -> ReassignmentPlan.parsePlan(
                        "{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[]}]}", "p.json"))
                .contains("is empty"));
        assertEquals(
                "p.json: partitions[0].partition must be a whole number, not 1.5",
                error(() -> ReassignmentPlan.parsePlan(
                        "{\"partitions\":[{\"topic\":\"t\",\"partition\":1.5,\"replicas\":[1]}]}", "p.json")));
        assertEquals(
                "p.json lists partition t-0 twice",
                error(() -> ReassignmentPlan.parsePlan(
                        "{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1]},"
                                + "{\"topic\":\"t\",\"partition\":0,\"replicas\":[2]}]}",
                        "p.json")));
        assertTrue(error(() -> ReassignmentPlan.parsePlan(
                        "{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1],"
                                + "\"log_dirs\":[\"/data\"]}]}",
                        "p.json"))
                .contains("may only say \"any\""));
        assertEquals(
                "Invalid --broker-list '1,x': 'x' is not a broker id (use e.g. 1,2,3)",
                error(() -> ReassignmentPlan.brokerList("1,x")));
    }

    @Test
    void generateKeepsEachReplicationFactorAndSpreadsLeaders() {
        Map<TopicPartition, List<Integer>> current = new LinkedHashMap<>();
        for (int p = 0; p < 3; p++) {
            current.put(new TopicPartition("t", p), List.of(1, 2));
        }
        Map<TopicPartition, List<Integer>> proposed = ReassignmentPlan.generate(current, Set.of(6, 4, 5));
        assertEquals(List.of(4, 5), proposed.get(new TopicPartition("t", 0)));
        assertEquals(List.of(5, 6), proposed.get(new TopicPartition("t", 1)));
        assertEquals(List.of(6, 4), proposed.get(new TopicPartition("t", 2)));
        assertEquals(
                "Replication factor: 2 of t-0 larger than available brokers: 1 in --broker-list [4]; list more brokers",
                error(() -> ReassignmentPlan.generate(current, Set.of(4))));
    }

    private static TopicDescription topic(String name, int minIsr, List<Integer>... replicas) {
        List<PartitionInfo> partitions = new java.util.ArrayList<>();
        for (int i = 0; i < replicas.length; i++) {
            partitions.add(new PartitionInfo(name, i, replicas[i].get(0), 0, replicas[i], replicas[i], List.of()));
        }
        return new TopicDescription(name, "id-" + name, false, partitions, Map.of(), minIsr);
    }

    @Test
    void decommissioningReplacesTheBrokerWithTheLeastLoadedOneOrRefusesBelowMinIsr() {
        TopicDescription t = topic("t", 2, List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 1));
        Map<TopicPartition, List<Integer>> plan = Decommissioning.plan(List.of(t), 3, List.of(1, 2, 4, 5));
        assertEquals(List.of(1, 2, 5), plan.get(new TopicPartition("t", 0)));
        assertEquals(List.of(2, 5, 4), plan.get(new TopicPartition("t", 1)), "5 holds the fewest still");
        assertEquals(List.of(2, 4, 1), plan.get(new TopicPartition("t", 2)), "5 has 2 now, 2 has 2: the lower id");

        TopicDescription tight = topic("tight", 2, List.of(1, 2));
        String refused = error(() -> Decommissioning.plan(List.of(tight), 2, List.of(1)));
        assertTrue(refused.startsWith("Cannot decommission broker 2: with 1 other live broker(s) [1]"), refused);
        assertTrue(refused.contains("tight-0 (replicas [1, 2], min.insync.replicas 2)"), refused);
        assertEquals(
                List.of(1),
                Decommissioning.plan(List.of(topic("loose", 1, List.of(1, 2))), 2, List.of(1))
                        .get(new TopicPartition("loose", 0)));
    }
}
