package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A partition leader's request to change the ISR (DESIGN §4, Kafka's AlterPartition), naming the
 * leader epoch and the partition epoch it saw. The leader shrinks the ISR when a follower lags and
 * expands it when one has caught up; the controller only checks that the request is current and
 * that the new ISR is valid, because only the leader knows the followers' offsets.
 *
 * <p>{@code joiningIncarnations} names, for every broker the request adds to the ISR, the
 * incarnation id it fetched with in the fetches the leader judged it caught up by (Kafka's broker
 * epochs of KIP-903). The controller adds a broker only if that is still its registered
 * incarnation: a broker that restarted since may have lost what the leader saw it fetch (all of it,
 * with a new disk), and must first fetch again as its new incarnation.
 */
public record IsrChange(
        Uuid topicId,
        int index,
        int leaderId,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> newIsr,
        Map<Integer, Uuid> joiningIncarnations) {
    public IsrChange {
        Objects.requireNonNull(topicId, "topicId");
        newIsr = List.copyOf(newIsr);
        joiningIncarnations = Map.copyOf(joiningIncarnations);
    }

    /** A request that adds no broker to the ISR (a shrink), so names no incarnations. */
    public IsrChange(Uuid topicId, int index, int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
        this(topicId, index, leaderId, leaderEpoch, partitionEpoch, newIsr, Map.of());
    }

    /** The decision; its answer is the partition as it will be once the batch is committed. */
    static Decision<PartitionState> decide(MetadataImage image, IsrChange request) {
        Optional<TopicImage> topic = image.topic(request.topicId());
        Optional<PartitionState> found = topic.flatMap(t -> t.partition(request.index()));
        if (found.isEmpty()) {
            return ControllerDecisions.refused(
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    "no partition " + request.index() + " of a topic with id " + request.topicId() + " exists");
        }
        PartitionState p = found.get();
        String where = topic.get().name() + "-" + p.index();
        Optional<Decision<PartitionState>> stale = checkCurrent(request, p, where);
        if (stale.isPresent()) {
            return stale.get();
        }
        if (!request.newIsr().contains(p.leader())) {
            return ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    "the new ISR " + request.newIsr() + " of " + where + " leaves out its leader " + p.leader());
        }
        if (new HashSet<>(request.newIsr()).size() != request.newIsr().size()
                || !p.replicas().containsAll(request.newIsr())) {
            return ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    "the new ISR " + request.newIsr() + " of " + where + " is not a set of its replicas "
                            + p.replicas());
        }
        for (int member : request.newIsr()) {
            if (!p.isr().contains(member)) {
                Optional<Decision<PartitionState>> problem = checkJoining(image, request, member, where);
                if (problem.isPresent()) {
                    return problem.get();
                }
            }
        }
        if (request.newIsr().equals(p.isr())) {
            return new Decision.Accepted<>(p, MetadataBatch.getDefaultInstance());
        }
        Optional<Reassignments.Completion> completion =
                Reassignments.completionWith(image, topic.get(), p, request.newIsr());
        if (completion.isPresent()) {
            return ControllerDecisions.checked(
                    image, completion.get().after(), List.of(completion.get().record()));
        }
        PartitionState next = new PartitionState(
                p.index(),
                p.replicas(),
                request.newIsr(),
                p.leader(),
                p.leaderEpoch(),
                p.partitionEpoch() + 1,
                p.addingReplicas(),
                p.removingReplicas());
        return ControllerDecisions.checked(
                image,
                next,
                List.of(LeaderElection.change(topic.get(), p, request.newIsr(), p.leader())
                        .orElseThrow()));
    }

    private static Optional<Decision<PartitionState>> checkJoining(
            MetadataImage image, IsrChange request, int member, String where) {
        Optional<BrokerRegistration> broker = image.broker(member).filter(b -> !b.fenced());
        if (broker.isEmpty()) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.BROKER_NOT_AVAILABLE,
                    "broker " + member + " cannot join the ISR of " + where + ": it is fenced or not registered;"
                            + " it may join once it is unfenced and caught up"));
        }
        Uuid fetchedAs = request.joiningIncarnations().get(member);
        if (fetchedAs == null) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.INVALID_REQUEST,
                    "the request adds broker " + member + " to the ISR of " + where + " without the incarnation it"
                            + " fetched with: name it, so that a broker that restarted since is not added"));
        }
        if (!fetchedAs.equals(broker.get().incarnationId())) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.STALE_BROKER_EPOCH,
                    "broker " + member + " cannot join the ISR of " + where + ": it was judged caught up by fetches"
                            + " of incarnation " + fetchedAs + ", but it has restarted since as "
                            + broker.get().incarnationId() + " and may have lost that data; it may join once it"
                            + " has caught up again"));
        }
        return Optional.empty();
    }

    private static Optional<Decision<PartitionState>> checkCurrent(IsrChange request, PartitionState p, String where) {
        if (!p.hasLeader()) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER, where + " has no leader: only its leader changes the ISR"));
        }
        if (request.leaderId() != p.leader()) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    "broker " + request.leaderId() + " is not the leader of " + where + " (the leader is " + p.leader()
                            + "): only the leader changes the ISR"));
        }
        if (request.leaderEpoch() != p.leaderEpoch()) {
            return Optional.of(ControllerDecisions.refused(
                    request.leaderEpoch() < p.leaderEpoch()
                            ? ErrorCode.FENCED_LEADER_EPOCH
                            : ErrorCode.UNKNOWN_LEADER_EPOCH,
                    "the request names leader epoch " + request.leaderEpoch() + " of " + where + ", which is at "
                            + p.leaderEpoch() + ": refresh metadata"));
        }
        if (request.partitionEpoch() != p.partitionEpoch()) {
            return Optional.of(ControllerDecisions.refused(
                    ErrorCode.INVALID_UPDATE_VERSION,
                    "the request names partition epoch " + request.partitionEpoch() + " of " + where + ", which is at "
                            + p.partitionEpoch() + ": it is stale; refresh metadata and ask again"));
        }
        return Optional.empty();
    }
}
