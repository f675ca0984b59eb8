package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Preferred-leader election (Kafka's ElectLeaders of type PREFERRED) and the partitions the
 * automatic leader rebalance moves, as pure functions of the image.
 *
 * <p>A partition's preferred leader is its first replica; placement spreads the first replicas
 * evenly over the brokers (DESIGN §4), so leadership is balanced while every partition is led by
 * its preferred replica. Fencing moves leadership away; once the preferred replica is back (its
 * broker unfenced, and it rejoined the ISR), an election gives leadership back. The preferred
 * replica may lead when it is registered, unfenced and in the ISR; it then leads with the ISR
 * unchanged and the leader epoch one higher. The change names the partition epoch it was decided
 * on ({@link LeaderElection#change}), so a decision overtaken by another change is rejected.
 */
public final class PreferredLeaders {
    /** A limit on one decision (STYLE 6): an election of more partitions at once is refused. */
    public static final int ELECTIONS_MAX = 10_000;

    /** A partition by topic name and index, printed as Kafka prints it: {@code topic-3}. */
    public record PartitionRef(String topic, int partition) {
        public PartitionRef {
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String toString() {
            return topic + "-" + partition;
        }
    }

    /**
     * One partition's outcome: {@code NONE} (its preferred replica leads once the batch is
     * committed), {@code ELECTION_NOT_NEEDED} (it already leads), {@code
     * PREFERRED_LEADER_NOT_AVAILABLE} (fenced, not registered or not in the ISR) or {@code
     * UNKNOWN_TOPIC_OR_PARTITION}; the message says which, for the operator.
     */
    public record Result(PartitionRef partition, ErrorCode error, String message) {
        public Result {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }

        public boolean elected() {
            return error == ErrorCode.NONE;
        }
    }

    private PreferredLeaders() {}

    /**
     * The election for {@code requested} partitions (each once, in request order), or, if empty,
     * for every partition of every topic; then the results leave out the partitions whose preferred
     * replica already leads, as Kafka's controller does. Refused (INVALID_REQUEST) if more than
     * {@link #ELECTIONS_MAX} partitions are named or would change.
     */
    static Decision<List<Result>> elect(MetadataImage image, Optional<? extends List<PartitionRef>> requested) {
        List<PartitionRef> partitions =
                requested.isPresent() ? List.copyOf(new LinkedHashSet<>(requested.get())) : allPartitions(image);
        if (requested.isPresent() && partitions.size() > ELECTIONS_MAX) {
            return ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    partitions.size() + " partitions named in one election, over the limit of " + ELECTIONS_MAX
                            + ": elect them in several requests");
        }
        List<Result> results = new ArrayList<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (PartitionRef ref : partitions) {
            Result result = decide(image, ref, records);
            if (requested.isPresent() || result.error() != ErrorCode.ELECTION_NOT_NEEDED) {
                results.add(result);
            }
        }
        if (records.size() > ELECTIONS_MAX) {
            return ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    records.size() + " partitions would change leader in one election, over the limit of "
                            + ELECTIONS_MAX + ": elect topic by topic");
        }
        return ControllerDecisions.checked(image, List.copyOf(results), records);
    }

    /**
     * The partitions the automatic leader rebalance moves: those whose preferred replica can lead
     * but does not, sorted by topic name and index, at most {@code max}. Like Kafka's KRaft
     * controller, skiff moves each of them: there is no per-broker imbalance threshold ({@code
     * leader.imbalance.per.broker.percentage} of ZooKeeper-era Kafka).
     */
    public static List<PartitionRef> imbalanced(MetadataImage image, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, not " + max);
        }
        List<PartitionRef> out = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                if (out.size() == max) {
                    return out;
                }
                if (p.leader() != p.preferredLeader()
                        && unavailability(image, p).isEmpty()) {
                    out.add(new PartitionRef(topic.name(), p.index()));
                }
            }
        }
        return out;
    }

    private static Result decide(MetadataImage image, PartitionRef ref, List<MetadataRecord> records) {
        Optional<TopicImage> topic = image.topic(ref.topic());
        if (topic.isEmpty()) {
            return new Result(ref, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + ref.topic() + "' does not exist.");
        }
        Optional<PartitionState> found = topic.get().partition(ref.partition());
        if (found.isEmpty()) {
            return new Result(
                    ref,
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + ref.topic() + "' has no partition " + ref.partition() + " (it has "
                            + topic.get().partitionCount() + ").");
        }
        PartitionState p = found.get();
        int preferred = p.preferredLeader();
        if (p.leader() == preferred) {
            return new Result(
                    ref,
                    ErrorCode.ELECTION_NOT_NEEDED,
                    "Leader election not needed for " + ref + ": its preferred replica " + preferred
                            + " already leads.");
        }
        Optional<String> unavailable = unavailability(image, p);
        if (unavailable.isPresent()) {
            return new Result(
                    ref,
                    ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
                    "The preferred replica " + preferred + " of " + ref + " cannot lead: " + unavailable.get() + ".");
        }
        records.add(LeaderElection.change(topic.get(), p, p.isr(), preferred).orElseThrow());
        return new Result(ref, ErrorCode.NONE, "");
    }

    /** Why the preferred replica cannot lead now, if it cannot. */
    private static Optional<String> unavailability(MetadataImage image, PartitionState p) {
        int preferred = p.preferredLeader();
        Optional<BrokerRegistration> broker = image.broker(preferred);
        if (broker.isEmpty()) {
            return Optional.of("broker " + preferred + " is not registered");
        }
        if (broker.get().fenced()) {
            return Optional.of("broker " + preferred + " is fenced");
        }
        if (!p.isr().contains(preferred)) {
            return Optional.of("it is not in the ISR " + p.isr() + " (it may lead once it has caught up and rejoined)");
        }
        return Optional.empty();
    }

    private static List<PartitionRef> allPartitions(MetadataImage image) {
        List<PartitionRef> out = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions()) {
                out.add(new PartitionRef(topic.name(), p.index()));
            }
        }
        return out;
    }
}
