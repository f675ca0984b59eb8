package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.metadata.v1.PartitionChangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The partition changes that follow a broker's fencing or unfencing (DESIGN §4), as pure functions
 * of the image.
 *
 * <p>Fencing a broker removes it from every ISR it is in, except that the last member of an ISR is
 * never removed, and moves leadership away from it to the first live ISR member in replica order
 * (leader epoch +1). A partition with no live ISR member has no leader (-1) until that replica
 * returns; with unclean election allowed, a live replica outside the ISR leads instead, with an ISR
 * of itself (and may have lost acknowledged writes). Unfencing a broker lets it lead the leaderless
 * partitions whose ISR holds it (or, unclean, whose replicas hold it).
 *
 * <p>A broker that comes back with new (empty) storage is removed from every ISR, the last member
 * included: its old membership vouches for data it no longer has. A partition left so has an empty
 * ISR and no leader, and no clean election can give it one; with unclean election allowed a live
 * replica leads, as above.
 */
final class LeaderElection {
    private final MetadataImage image;
    private final ControllerSettings settings;

    LeaderElection(MetadataImage image, ControllerSettings settings) {
        this.image = image;
        this.settings = settings;
    }

    /** The changes that take {@code nodeId} out of every ISR and leadership, as if it were fenced. */
    List<MetadataRecord> changesForFencing(int nodeId) {
        return changesWithout(nodeId, true);
    }

    /**
     * The changes that take {@code nodeId}, which lost its storage, out of every ISR, including the
     * ones it is the last member of, and out of every leadership.
     */
    List<MetadataRecord> changesForLostStorage(int nodeId) {
        return changesWithout(nodeId, false);
    }

    private List<MetadataRecord> changesWithout(int nodeId, boolean keepLastMember) {
        IntPredicate live = b -> b != nodeId && isUnfenced(b);
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                if (!p.isr().contains(nodeId)) {
                    continue;
                }
                List<Integer> isr = p.isr().stream().filter(b -> b != nodeId).toList();
                if (isr.isEmpty() && keepLastMember) {
                    isr = p.isr();
                }
                int leader = p.leader();
                if (leader == nodeId || (leader != PartitionState.NO_LEADER && !isr.contains(leader))) {
                    leader = firstLive(p.replicas(), isr, live);
                }
                if (leader == PartitionState.NO_LEADER && settings.uncleanLeaderElection(image, topic)) {
                    int unclean = firstLive(p.replicas(), p.replicas(), live);
                    if (unclean != PartitionState.NO_LEADER) {
                        leader = unclean;
                        isr = List.of(unclean);
                    }
                }
                change(topic, p, isr, leader).ifPresent(records::add);
            }
        }
        return records;
    }

    /** The changes that let a just unfenced {@code nodeId} lead the partitions waiting for it. */
    List<MetadataRecord> changesForUnfencing(int nodeId) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                if (p.hasLeader() || !p.replicas().contains(nodeId)) {
                    continue;
                }
                if (p.isr().contains(nodeId)) {
                    change(topic, p, p.isr(), nodeId).ifPresent(records::add);
                } else if (settings.uncleanLeaderElection(image, topic)
                        && p.isr().stream().noneMatch(this::isUnfenced)) {
                    change(topic, p, List.of(nodeId), nodeId).ifPresent(records::add);
                }
            }
        }
        return records;
    }

    private boolean isUnfenced(int nodeId) {
        return image.broker(nodeId).filter(b -> !b.fenced()).isPresent();
    }

    private static int firstLive(List<Integer> replicas, List<Integer> candidates, IntPredicate live) {
        for (int replica : replicas) {
            if (candidates.contains(replica) && live.test(replica)) {
                return replica;
            }
        }
        return PartitionState.NO_LEADER;
    }

    static java.util.Optional<MetadataRecord> change(
            TopicImage topic, PartitionState p, List<Integer> isr, int leader) {
        if (isr.equals(p.isr()) && leader == p.leader()) {
            return java.util.Optional.empty();
        }
        PartitionChangeRecord.Builder change =
                MetadataRecords.partitionChangeOf(topic.id(), p.index(), p.partitionEpoch());
        if (!isr.equals(p.isr())) {
            change.setIsr(MetadataRecords.brokerIds(isr));
        }
        if (leader != p.leader()) {
            change.setLeader(leader);
        }
        return java.util.Optional.of(MetadataRecords.partitionChange(change));
    }
}
