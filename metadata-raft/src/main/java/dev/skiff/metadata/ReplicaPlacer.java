package dev.skiff.metadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Places the replicas of new partitions of one topic on the unfenced brokers, spreading the
 * topic's replicas and preferred leaders (first replicas) evenly: without racks, a new topic's
 * replica counts per broker differ by at most one, and so do its leader counts, for any number of
 * partitions. A pure function of the image, the topic's existing partitions and the rotation.
 *
 * <p>Per partition, greedily, counting the topic's own partitions first: the preferred leader is a
 * broker that leads the fewest of them (then holds the fewest of their replicas); each follower is,
 * among the brokers not yet chosen, one on a rack the partition does not use yet (when brokers have
 * racks), then one holding the fewest of the topic's replicas, then one already leading the most of
 * them. Those two second keys keep both counts even together (without them the next leader can be
 * forced onto a broker that already holds more replicas than others left out); the bound is
 * checked by ControllerDecisionsPropertiesTest. Remaining ties go to the brokers that share the
 * fewest of the topic's partitions with the replicas chosen so far (so that followers spread over
 * many partners, as Kafka's shift per round does), then to the least loaded brokers of the whole
 * cluster, then by broker id rotated by {@code rotation} (a random start).
 */
final class ReplicaPlacer {
    private final List<BrokerRegistration> brokers;
    private final Map<Integer, Integer> topicReplicas = new HashMap<>();
    private final Map<Integer, Integer> topicLeaders = new HashMap<>();
    private final Map<Integer, Integer> clusterReplicas = new HashMap<>();
    private final Map<Integer, Integer> clusterLeaders = new HashMap<>();
    private final Map<Long, Integer> together = new HashMap<>();
    private final Map<Integer, Integer> tieBreak = new HashMap<>();

    /**
     * @param image the unfenced brokers to place on, and the cluster-wide load that breaks ties
     * @param topicPartitions the partitions the topic already has (none for a new topic)
     * @param rotation any int; chooses where ties start among the brokers
     */
    ReplicaPlacer(MetadataImage image, List<PartitionState> topicPartitions, int rotation) {
        this.brokers = image.unfencedBrokers();
        int n = brokers.size();
        for (int i = 0; i < n; i++) {
            int nodeId = brokers.get(i).nodeId();
            topicReplicas.put(nodeId, 0);
            topicLeaders.put(nodeId, 0);
            clusterReplicas.put(nodeId, 0);
            clusterLeaders.put(nodeId, 0);
            tieBreak.put(nodeId, Math.floorMod(i - rotation, Math.max(n, 1)));
        }
        for (TopicImage topic : image.topics()) {
            for (PartitionState partition : topic.partitions()) {
                count(partition.replicas(), clusterReplicas, clusterLeaders);
            }
        }
        for (PartitionState partition : topicPartitions) {
            count(partition.replicas(), topicReplicas, topicLeaders);
            countTogether(partition.replicas());
        }
    }

    int brokerCount() {
        return brokers.size();
    }

    /** The replicas of the next partition, preferred leader first; counts it in for the next call. */
    List<Integer> placeNext(int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException(
                    "replication factor " + replicationFactor + " with " + brokers.size() + " unfenced brokers");
        }
        Comparator<BrokerRegistration> byLeadership = Comparator.<BrokerRegistration>comparingInt(
                        b -> topicLeaders.get(b.nodeId()))
                .thenComparingInt(b -> topicReplicas.get(b.nodeId()))
                .thenComparingInt(b -> clusterLeaders.get(b.nodeId()))
                .thenComparingInt(b -> clusterReplicas.get(b.nodeId()))
                .thenComparingInt(b -> tieBreak.get(b.nodeId()));
        BrokerRegistration leader = brokers.stream().min(byLeadership).orElseThrow();
        List<Integer> chosen = new ArrayList<>(List.of(leader.nodeId()));
        Set<String> racks = new HashSet<>();
        leader.rack().ifPresent(racks::add);
        while (chosen.size() < replicationFactor) {
            Comparator<BrokerRegistration> byLoad = Comparator.<BrokerRegistration>comparingInt(
                            b -> rackUsed(b.rack(), racks) ? 1 : 0)
                    .thenComparingInt(b -> topicReplicas.get(b.nodeId()))
                    .thenComparingInt(b -> -topicLeaders.get(b.nodeId()))
                    .thenComparingInt(b -> togetherWith(b.nodeId(), chosen))
                    .thenComparingInt(b -> clusterReplicas.get(b.nodeId()))
                    .thenComparingInt(b -> tieBreak.get(b.nodeId()));
            BrokerRegistration follower = brokers.stream()
                    .filter(b -> !chosen.contains(b.nodeId()))
                    .min(byLoad)
                    .orElseThrow();
            chosen.add(follower.nodeId());
            follower.rack().ifPresent(racks::add);
        }
        count(chosen, topicReplicas, topicLeaders);
        count(chosen, clusterReplicas, clusterLeaders);
        countTogether(chosen);
        return List.copyOf(chosen);
    }

    /** Counts a partition's replicas and preferred leader, for the brokers being placed on only. */
    private static void count(
            List<Integer> replicas, Map<Integer, Integer> replicaCounts, Map<Integer, Integer> leaderCounts) {
        replicas.forEach(r -> replicaCounts.computeIfPresent(r, (k, c) -> c + 1));
        leaderCounts.computeIfPresent(replicas.get(0), (k, c) -> c + 1);
    }

    private void countTogether(List<Integer> replicas) {
        for (int i = 0; i < replicas.size(); i++) {
            for (int j = i + 1; j < replicas.size(); j++) {
                together.merge(pair(replicas.get(i), replicas.get(j)), 1, Integer::sum);
            }
        }
    }

    /** How many of the topic's partitions {@code nodeId} shares with the brokers in {@code chosen}. */
    private int togetherWith(int nodeId, List<Integer> chosen) {
        int shared = 0;
        for (int other : chosen) {
            shared += together.getOrDefault(pair(nodeId, other), 0);
        }
        return shared;
    }

    private static long pair(int a, int b) {
        return ((long) Math.min(a, b) << 32) | (Math.max(a, b) & 0xffff_ffffL);
    }

    private static boolean rackUsed(Optional<String> rack, Set<String> racks) {
        return rack.isPresent() && racks.contains(rack.get());
    }
}
