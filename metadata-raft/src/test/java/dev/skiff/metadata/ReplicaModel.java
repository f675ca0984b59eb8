package dev.skiff.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One broker's replica of a partition in {@link ReplicationModel}: a log of entries (offset = list
 * position) of which a prefix is flushed, a leader-epoch cache (epoch to start offset), a high
 * watermark, the partition state the broker last learned from the metadata image (possibly stale),
 * and, while it believes it leads, what each follower acknowledged. A crash keeps only the flushed
 * prefix; a lost disk keeps nothing. Mutable; confined to the property's thread.
 */
final class ReplicaModel {
    /** An appended record: the leader epoch it was written in and a unique id (to tell copies apart). */
    record Entry(int epoch, int id) {}

    /** The leader-epoch answer of KIP-101/279: the largest known epoch up to the one asked for, and its end offset. */
    record EpochEndOffset(int epoch, int endOffset) {}

    final int nodeId;
    final List<Entry> log = new ArrayList<>();
    /** Epoch to the offset of its first entry (or, for a leader's current epoch, its log end at election). */
    final TreeMap<Integer, Integer> epochStarts = new TreeMap<>();
    /** Leader state: the flushed offset and the incarnation each follower fetched with in this leader epoch. */
    final Map<Integer, Integer> ackOffsets = new HashMap<>();

    final Map<Integer, Uuid> ackIncarnations = new HashMap<>();
    /** The leader epoch in which this replica last reconciled its log with its leader's; -1 after a start. */
    int reconciledEpoch = -1;

    boolean alive = true;
    boolean diskLost;
    int incarnation = 1;
    int flushed;
    int highWatermark;
    Optional<PartitionState> view = Optional.empty();

    ReplicaModel(int nodeId) {
        this.nodeId = nodeId;
    }

    Uuid incarnationId() {
        return new Uuid(nodeId, incarnation);
    }

    int logEndOffset() {
        return log.size();
    }

    /** Whether this broker, as far as it knows, leads the partition. */
    boolean believesItLeads() {
        return alive && view.filter(v -> v.leader() == nodeId).isPresent();
    }

    int latestEpoch() {
        return epochStarts.isEmpty() ? -1 : epochStarts.lastKey();
    }

    void append(Entry entry) {
        if (entry.epoch() > latestEpoch()) {
            epochStarts.put(entry.epoch(), log.size());
        }
        log.add(entry);
    }

    /** Becomes the leader of {@code leaderEpoch}: the epoch starts at the current log end. */
    void startLeading(int leaderEpoch) {
        if (leaderEpoch > latestEpoch()) {
            epochStarts.put(leaderEpoch, log.size());
        }
        ackOffsets.clear();
        ackIncarnations.clear();
    }

    void truncateTo(int offset) {
        if (offset >= log.size()) {
            return;
        }
        log.subList(offset, log.size()).clear();
        flushed = Math.min(flushed, offset);
        highWatermark = Math.min(highWatermark, offset);
        epochStarts.entrySet().removeIf(e -> e.getValue() >= offset);
    }

    /** The leader's answer to a follower asking for the end offset of {@code epoch} (Kafka's rules). */
    EpochEndOffset endOffsetFor(int epoch) {
        if (epochStarts.isEmpty()) {
            return new EpochEndOffset(-1, -1);
        }
        if (epoch == epochStarts.lastKey()) {
            return new EpochEndOffset(epoch, log.size());
        }
        Map.Entry<Integer, Integer> higher = epochStarts.higherEntry(epoch);
        if (higher == null) {
            return new EpochEndOffset(-1, -1);
        }
        Map.Entry<Integer, Integer> floor = epochStarts.floorEntry(epoch);
        return new EpochEndOffset(floor == null ? epoch : floor.getKey(), higher.getValue());
    }

    /** This replica's own end offset for {@code epoch}: where its entries of later epochs start. */
    int ownEndOffsetFor(int epoch) {
        Map.Entry<Integer, Integer> higher = epochStarts.higherEntry(epoch);
        return higher == null ? log.size() : higher.getValue();
    }

    void flush() {
        flushed = log.size();
    }

    /** The process dies: what was not flushed is gone, and so is everything it knew in memory. */
    void crash() {
        alive = false;
        truncateTo(flushed);
        epochStarts.entrySet().removeIf(e -> e.getValue() > flushed);
        highWatermark = Math.min(highWatermark, flushed);
        view = Optional.empty();
        reconciledEpoch = -1;
        ackOffsets.clear();
        ackIncarnations.clear();
    }

    /** The process dies and its disk is replaced: it comes back with nothing. */
    void loseDisk() {
        crash();
        diskLost = true;
        log.clear();
        epochStarts.clear();
        flushed = 0;
        highWatermark = 0;
    }

    @Override
    public String toString() {
        return "broker " + nodeId + (alive ? "" : " (down)") + " inc " + incarnation + " leo " + log.size()
                + " flushed "
                + flushed + " hw " + highWatermark + " epochs " + epochStarts + " view "
                + view.map(v -> "leader " + v.leader() + "@" + v.leaderEpoch() + " isr " + v.isr() + " pe "
                                + v.partitionEpoch())
                        .orElse("-")
                + " log " + log;
    }
}
