package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.metadata.v1.PartitionChangeRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Partition reassignment (Kafka's KIP-455), as pure functions of the image.
 *
 * <p>A reassignment to target replicas T of a partition whose replicas are O first adds the
 * missing ones: the replicas become T followed by O − T, the adding replicas T − O (they join as
 * followers and catch up from the leader) and the removing replicas O − T. It completes in the
 * same change that makes every target replica a member of the ISR (the leader's ISR expansion, or
 * the controller's sweep): the replicas become T, the ISR keeps only its target members, and if
 * the leader is leaving, the first live target replica in the ISR leads with the leader epoch one
 * higher. The brokers left out then delete their copies. So the ISR never holds fewer target
 * replicas than before, and no acknowledged write is lost: every target replica has it before any
 * old replica goes.
 *
 * <p>A cancel puts the replicas back to O (the adding ones leave, with their partial copies) as
 * long as one of O is in the ISR. A new target for a partition being moved replaces the old one,
 * computed from O as if the first had never started.
 */
public final class Reassignments {
    /** A limit on one decision (STYLE 6): more partitions in one request are refused. */
    public static final int PARTITIONS_MAX = 10_000;

    /**
     * One partition's request: move it to {@code targetReplicas} (the first is the preferred
     * leader), or, if empty, cancel its reassignment.
     */
    public record Request(PreferredLeaders.PartitionRef partition, Optional<List<Integer>> targetReplicas) {
        public Request {
            Objects.requireNonNull(partition, "partition");
            targetReplicas = targetReplicas.map(List::copyOf);
        }
    }

    /** One partition's outcome: {@code NONE}, or the error and a message for the operator. */
    public record Result(PreferredLeaders.PartitionRef partition, ErrorCode error, String message) {
        public Result {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }

        public boolean accepted() {
            return error == ErrorCode.NONE;
        }
    }

    /** The change that completes a reassignment, and the partition as it will be after it. */
    record Completion(PartitionState after, MetadataRecord record) {}

    private Reassignments() {}

    /**
     * The decision for a set of requests (each partition once; a later request for one replaces an
     * earlier). Each partition gets its own result; the accepted ones commit together.
     */
    static Decision<List<Result>> alter(MetadataImage image, List<Request> requests) {
        Map<PreferredLeaders.PartitionRef, Request> byPartition = new LinkedHashMap<>();
        requests.forEach(r -> byPartition.put(r.partition(), r));
        if (byPartition.size() > PARTITIONS_MAX) {
            return ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    byPartition.size() + " partitions named in one reassignment, over the limit of " + PARTITIONS_MAX
                            + ": reassign them in several requests");
        }
        List<Result> results = new ArrayList<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (Request r : byPartition.values()) {
            results.add(decide(image, r, records));
        }
        return ControllerDecisions.checked(image, results, records);
    }

    private static Result decide(MetadataImage image, Request r, List<MetadataRecord> records) {
        PreferredLeaders.PartitionRef ref = r.partition();
        Optional<TopicImage> topic = image.topic(ref.topic());
        Optional<PartitionState> found = topic.flatMap(t -> t.partition(ref.partition()));
        if (found.isEmpty()) {
            return new Result(
                    ref,
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    topic.isEmpty()
                            ? "Topic '" + ref.topic() + "' does not exist."
                            : "Topic '" + ref.topic() + "' has no partition " + ref.partition() + " (it has "
                                    + topic.get().partitionCount() + ").");
        }
        PartitionState p = found.get();
        Result ok = new Result(ref, ErrorCode.NONE, "");
        if (r.targetReplicas().isEmpty()) {
            return cancel(image, topic.get(), p, ref, records).orElse(ok);
        }
        List<Integer> target = r.targetReplicas().get();
        Optional<String> problem = targetProblem(image, target);
        if (problem.isPresent()) {
            return new Result(
                    ref,
                    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "Invalid target replicas for " + ref + ": " + problem.get());
        }
        List<Integer> original = p.originalReplicas();
        if (target.equals(original)) {
            return p.isReassigning()
                    ? cancel(image, topic.get(), p, ref, records).orElse(ok)
                    : ok;
        }
        List<Integer> replicas = new ArrayList<>(target);
        original.stream().filter(o -> !target.contains(o)).forEach(replicas::add);
        List<Integer> adding =
                target.stream().filter(t -> !original.contains(t)).toList();
        List<Integer> removing =
                original.stream().filter(o -> !target.contains(o)).toList();
        List<Integer> isr = p.isr().stream().filter(replicas::contains).toList();
        if (isr.isEmpty() && !p.isr().isEmpty()) {
            return new Result(
                    ref,
                    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "moving " + ref + " to " + target + " would leave it no in-sync replica (its ISR is " + p.isr()
                            + "): include one of them");
        }
        int leader = p.leader();
        if (leader != PartitionState.NO_LEADER && !isr.contains(leader)) {
            leader = firstLive(image, replicas, isr);
        }
        PartitionState moving = new PartitionState(
                p.index(), replicas, isr, leader, p.leaderEpoch(), p.partitionEpoch(), adding, removing);
        Optional<Completion> done = completionWith(image, topic.get(), p, moving);
        records.add(done.map(Completion::record).orElseGet(() -> change(topic.get(), p, moving)));
        return ok;
    }

    private static Optional<Result> cancel(
            MetadataImage image,
            TopicImage topic,
            PartitionState p,
            PreferredLeaders.PartitionRef ref,
            List<MetadataRecord> records) {
        if (!p.isReassigning()) {
            return Optional.of(new Result(
                    ref,
                    ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
                    "There is no ongoing reassignment for partition " + ref + "."));
        }
        List<Integer> original = p.originalReplicas();
        List<Integer> isr = p.isr().stream().filter(original::contains).toList();
        if (isr.isEmpty() && !p.isr().isEmpty()) {
            return Optional.of(new Result(
                    ref,
                    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "cancelling the reassignment of " + ref + " would leave it no in-sync replica: its ISR " + p.isr()
                            + " holds none of its original replicas " + original
                            + "; let the reassignment complete, or reassign it again"));
        }
        int leader = p.leader();
        if (leader != PartitionState.NO_LEADER && !isr.contains(leader)) {
            leader = firstLive(image, original, isr);
        }
        records.add(change(
                topic, p, new PartitionState(p.index(), original, isr, leader, p.leaderEpoch(), p.partitionEpoch())));
        return Optional.empty();
    }

    private static Optional<String> targetProblem(MetadataImage image, List<Integer> target) {
        if (target.isEmpty()) {
            return Optional.of("the replica list is empty (an empty list cancels: use --cancel)");
        }
        if (new HashSet<>(target).size() != target.size()) {
            return Optional.of("the replica list " + target + " names a broker twice");
        }
        List<Integer> unknown =
                target.stream().filter(b -> image.broker(b).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            return Optional.of("broker(s) " + unknown + " are not registered; the registered brokers are "
                    + image.brokers().keySet());
        }
        return Optional.empty();
    }

    /**
     * The change that completes the reassignment of {@code p} if, with the ISR of {@code
     * moving} (p's state about to be written), every target replica is in sync and, if the leader
     * is leaving, a live target replica can lead.
     */
    static Optional<Completion> completionWith(
            MetadataImage image, TopicImage topic, PartitionState p, PartitionState moving) {
        if (!moving.isReassigning()) {
            return Optional.empty();
        }
        List<Integer> target = moving.targetReplicas();
        if (!moving.isr().containsAll(target)) {
            return Optional.empty();
        }
        List<Integer> isr = moving.isr().stream().filter(target::contains).toList();
        int leader = moving.leader();
        if (leader != PartitionState.NO_LEADER && !target.contains(leader)) {
            leader = firstLive(image, target, isr);
            if (leader == PartitionState.NO_LEADER) {
                return Optional.empty();
            }
        }
        boolean leaderChanged = leader != p.leader();
        PartitionState after = new PartitionState(
                p.index(),
                target,
                isr,
                leader,
                leaderChanged ? p.leaderEpoch() + 1 : p.leaderEpoch(),
                p.partitionEpoch() + 1);
        return Optional.of(new Completion(after, change(topic, p, after)));
    }

    /** {@link #completionWith} for a leader's ISR change to {@code newIsr}. */
    static Optional<Completion> completionWith(
            MetadataImage image, TopicImage topic, PartitionState p, List<Integer> newIsr) {
        return completionWith(
                image,
                topic,
                p,
                new PartitionState(
                        p.index(),
                        p.replicas(),
                        newIsr,
                        p.leader(),
                        p.leaderEpoch(),
                        p.partitionEpoch(),
                        p.addingReplicas(),
                        p.removingReplicas()));
    }

    /**
     * The changes that complete every reassignment that can complete now (the controller's sweep,
     * for the ones whose ISR was already complete, or whose leader could not move before).
     */
    static Decision<Integer> completeAll(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                completionWith(image, topic, p, p).ifPresent(c -> records.add(c.record()));
            }
        }
        return ControllerDecisions.checked(image, records.size(), records);
    }

    /** The partitions being reassigned, in topic and index order. */
    public static List<Map.Entry<PreferredLeaders.PartitionRef, PartitionState>> ongoing(MetadataImage image) {
        List<Map.Entry<PreferredLeaders.PartitionRef, PartitionState>> out = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                if (p.isReassigning()) {
                    out.add(Map.entry(new PreferredLeaders.PartitionRef(topic.name(), p.index()), p));
                }
            }
        }
        return out;
    }

    private static int firstLive(MetadataImage image, List<Integer> order, List<Integer> isr) {
        for (int b : order) {
            if (isr.contains(b) && image.broker(b).filter(x -> !x.fenced()).isPresent()) {
                return b;
            }
        }
        return PartitionState.NO_LEADER;
    }

    /** The record that takes {@code p} to {@code next}: every field that differs. */
    private static MetadataRecord change(TopicImage topic, PartitionState p, PartitionState next) {
        PartitionChangeRecord.Builder c = MetadataRecords.partitionChangeOf(topic.id(), p.index(), p.partitionEpoch());
        if (!next.replicas().equals(p.replicas())) {
            c.setReplicas(MetadataRecords.brokerIds(next.replicas()));
        }
        if (!next.isr().equals(p.isr())) {
            c.setIsr(MetadataRecords.brokerIds(next.isr()));
        }
        if (next.leader() != p.leader()) {
            c.setLeader(next.leader());
        }
        if (!next.addingReplicas().equals(p.addingReplicas())) {
            c.setAddingReplicas(MetadataRecords.brokerIds(next.addingReplicas()));
        }
        if (!next.removingReplicas().equals(p.removingReplicas())) {
            c.setRemovingReplicas(MetadataRecords.brokerIds(next.removingReplicas()));
        }
        return MetadataRecords.partitionChange(c);
    }
}
