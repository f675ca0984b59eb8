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
 * Places the replicas of new partitions on the unfenced brokers, spreading replicas and preferred
 * leaders (first replicas) evenly, counting what the brokers already hold in the image.
 *
 * <p>Per partition, greedily: the preferred leader is the broker that leads the fewest partitions
 * (then holds the fewest replicas); each follower is, among the brokers not yet chosen, one on a
 * rack the partition does not use yet (when brokers have racks), then the one holding the fewest
 * replicas, then the one already leading the most (so that brokers still short of leaderships keep
 * room for the replicas that come with them). Remaining ties go by broker id, rotated by {@code
 * rotation} so that equal clusters do not always load the same broker first. A pure function.
 */
final class ReplicaPlacer {
    private final List<BrokerRegistration> brokers;
    private final Map<Integer, Integer> replicaCounts = new HashMap<>();
    private final Map<Integer, Integer> leaderCounts = new HashMap<>();
    private final Map<Integer, Integer> tieBreak = new HashMap<>();

    /**
     * @param image counts the replicas and preferred leaders the unfenced brokers already hold
     * @param rotation any int; chooses where ties start among the brokers
     */
    ReplicaPlacer(MetadataImage image, int rotation) {
        this.brokers = image.unfencedBrokers();
        for (BrokerRegistration broker : brokers) {
            replicaCounts.put(broker.nodeId(), 0);
            leaderCounts.put(broker.nodeId(), 0);
        }
        int n = brokers.size();
        for (int i = 0; i < n; i++) {
            tieBreak.put(brokers.get(i).nodeId(), Math.floorMod(i - rotation, Math.max(n, 1)));
        }
        for (TopicImage topic : image.topics()) {
            for (PartitionState partition : topic.partitions()) {
                partition.replicas().forEach(r -> replicaCounts.computeIfPresent(r, (k, c) -> c + 1));
                leaderCounts.computeIfPresent(partition.preferredLeader(), (k, c) -> c + 1);
            }
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
                        b -> leaderCounts.get(b.nodeId()))
                .thenComparingInt(b -> replicaCounts.get(b.nodeId()))
                .thenComparingInt(b -> tieBreak.get(b.nodeId()));
        BrokerRegistration leader = brokers.stream().min(byLeadership).orElseThrow();
        List<Integer> chosen = new ArrayList<>(List.of(leader.nodeId()));
        Set<String> racks = new HashSet<>();
        leader.rack().ifPresent(racks::add);
        while (chosen.size() < replicationFactor) {
            Comparator<BrokerRegistration> byLoad = Comparator.<BrokerRegistration>comparingInt(
                            b -> rackUsed(b.rack(), racks) ? 1 : 0)
                    .thenComparingInt(b -> replicaCounts.get(b.nodeId()))
                    .thenComparingInt(b -> -leaderCounts.get(b.nodeId()))
                    .thenComparingInt(b -> tieBreak.get(b.nodeId()));
            BrokerRegistration follower = brokers.stream()
                    .filter(b -> !chosen.contains(b.nodeId()))
                    .min(byLoad)
                    .orElseThrow();
            chosen.add(follower.nodeId());
            follower.rack().ifPresent(racks::add);
        }
        leaderCounts.merge(leader.nodeId(), 1, Integer::sum);
        chosen.forEach(r -> replicaCounts.merge(r, 1, Integer::sum));
        return List.copyOf(chosen);
    }

    private static boolean rackUsed(Optional<String> rack, Set<String> racks) {
        return rack.isPresent() && racks.contains(rack.get());
    }
}
