package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.PartitionChangeRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates and applies one {@code PartitionChangeRecord}: the record that moves leadership and
 * changes ISRs, so the one that must never let a stale decision overwrite a newer one.
 *
 * <p>Rules, beyond the shape of every partition (see {@link ImageInvariants#shapeProblem}): the
 * record names the current partition epoch; a broker that joins the ISR, and a new leader, are
 * registered and unfenced; new replicas are registered brokers; the change changes something; the
 * partition epoch rises by one, the leader epoch by one when the leader changes (or to the explicit
 * leader epoch, which must be higher than the current one).
 */
final class PartitionChangeApplier {
    private final ImageDraft draft;

    PartitionChangeApplier(ImageDraft draft) {
        this.draft = draft;
    }

    void apply(PartitionChangeRecord record) throws RecordRejectedException {
        TopicImage topic = RecordApplier.requireTopic(draft, record.getTopicId());
        String where = topic.name() + "-" + record.getIndex();
        PartitionState current = topic.partition(record.getIndex())
                .orElseThrow(() -> new RecordRejectedException(
                        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic '" + topic.name() + "' has no partition " + record.getIndex() + " (it has "
                                + topic.partitionCount() + ")"));
        if (record.getExpectedPartitionEpoch() != current.partitionEpoch()) {
            throw new RecordRejectedException(
                    ErrorCode.INVALID_UPDATE_VERSION,
                    "partition " + where + " is at partition epoch " + current.partitionEpoch()
                            + " but the change was computed from epoch " + record.getExpectedPartitionEpoch()
                            + ": it is stale; read the partition again and recompute the change");
        }
        List<Integer> replicas = record.hasReplicas() ? record.getReplicas().getIdsList() : current.replicas();
        List<Integer> isr = record.hasIsr() ? record.getIsr().getIdsList() : current.isr();
        int leader = record.hasLeader() ? record.getLeader() : current.leader();
        List<Integer> adding =
                record.hasAddingReplicas() ? record.getAddingReplicas().getIdsList() : current.addingReplicas();
        List<Integer> removing =
                record.hasRemovingReplicas() ? record.getRemovingReplicas().getIdsList() : current.removingReplicas();
        Optional<String> shape = ImageInvariants.shapeProblem(replicas, isr, leader)
                .or(() -> ImageInvariants.reassignmentProblem(replicas, adding, removing));
        if (shape.isPresent()) {
            throw RecordApplier.invalid("the change would leave partition " + where + " invalid: " + shape.get());
        }
        checkBrokers(where, current, replicas, isr, leader);

        boolean leaderChanged = leader != current.leader();
        int leaderEpoch = newLeaderEpoch(record, where, current, leaderChanged);
        if (!leaderChanged
                && leaderEpoch == current.leaderEpoch()
                && replicas.equals(current.replicas())
                && isr.equals(current.isr())
                && adding.equals(current.addingReplicas())
                && removing.equals(current.removingReplicas())) {
            throw RecordApplier.invalid("the change to partition " + where + " changes nothing");
        }
        if (current.partitionEpoch() == Integer.MAX_VALUE) {
            throw RecordApplier.invalid("the partition epoch of " + where + " cannot rise past " + Integer.MAX_VALUE);
        }
        PartitionState changed = new PartitionState(
                current.index(), replicas, isr, leader, leaderEpoch, current.partitionEpoch() + 1, adding, removing);
        List<PartitionState> partitions = new ArrayList<>(topic.partitions());
        partitions.set(current.index(), changed);
        draft.putTopic(new TopicImage(topic.name(), topic.id(), topic.configs(), partitions));
    }

    private void checkBrokers(
            String where, PartitionState current, List<Integer> replicas, List<Integer> isr, int leader)
            throws RecordRejectedException {
        List<Integer> newReplicas =
                replicas.stream().filter(r -> !current.replicas().contains(r)).toList();
        RecordApplier.requireRegistered(draft, newReplicas, "new replica", "partition " + where);
        for (int member : isr) {
            if (!current.isr().contains(member)) {
                requireUnfenced(where, member, "cannot join the ISR");
            }
        }
        if (leader != current.leader() && leader != PartitionState.NO_LEADER) {
            requireUnfenced(where, leader, "cannot become the leader");
        }
    }

    private void requireUnfenced(String where, int nodeId, String what) throws RecordRejectedException {
        Optional<BrokerRegistration> broker = draft.broker(nodeId);
        if (broker.isEmpty()) {
            throw new RecordRejectedException(
                    ErrorCode.BROKER_NOT_AVAILABLE,
                    "partition " + where + ": broker " + nodeId + " " + what + ": it is not registered");
        }
        if (broker.get().fenced()) {
            throw new RecordRejectedException(
                    ErrorCode.BROKER_NOT_AVAILABLE,
                    "partition " + where + ": broker " + nodeId + " " + what + ": it is fenced");
        }
    }

    private static int newLeaderEpoch(
            PartitionChangeRecord record, String where, PartitionState current, boolean leaderChanged)
            throws RecordRejectedException {
        if (record.hasLeaderEpoch()) {
            if (record.getLeaderEpoch() <= current.leaderEpoch()) {
                throw new RecordRejectedException(
                        ErrorCode.FENCED_LEADER_EPOCH,
                        "the change would move the leader epoch of " + where + " from " + current.leaderEpoch() + " to "
                                + record.getLeaderEpoch() + ", but leader epochs only rise");
            }
            return record.getLeaderEpoch();
        }
        if (!leaderChanged) {
            return current.leaderEpoch();
        }
        if (current.leaderEpoch() == Integer.MAX_VALUE) {
            throw RecordApplier.invalid("the leader epoch of " + where + " cannot rise past " + Integer.MAX_VALUE);
        }
        return current.leaderEpoch() + 1;
    }
}
