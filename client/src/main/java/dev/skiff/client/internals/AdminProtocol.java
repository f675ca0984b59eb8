package dev.skiff.client.internals;

import dev.skiff.client.AlterConfigOp;
import dev.skiff.client.ApiException;
import dev.skiff.client.ClusterDescription;
import dev.skiff.client.ConfigEntry;
import dev.skiff.client.ConfigResource;
import dev.skiff.client.CreatedTopic;
import dev.skiff.client.ElectionType;
import dev.skiff.client.Errors;
import dev.skiff.client.NewTopic;
import dev.skiff.client.Node;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.PartitionReassignment;
import dev.skiff.client.QuorumVoter;
import dev.skiff.client.RegisteredBroker;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.AdminCall.Outcome;
import dev.skiff.proto.v1.AlterConfigsResource;
import dev.skiff.proto.v1.AlterConfigsResponse;
import dev.skiff.proto.v1.AlterConfigsResult;
import dev.skiff.proto.v1.AlterOp;
import dev.skiff.proto.v1.AlterPartitionReassignmentsRequest;
import dev.skiff.proto.v1.AlterPartitionReassignmentsResponse;
import dev.skiff.proto.v1.AlterableConfig;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.BrokerList;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreatableTopicResult;
import dev.skiff.proto.v1.CreateTopicsResponse;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeConfigsResponse;
import dev.skiff.proto.v1.DescribeConfigsResult;
import dev.skiff.proto.v1.DescribeTopicsResponse;
import dev.skiff.proto.v1.ElectLeadersRequest;
import dev.skiff.proto.v1.ElectLeadersResponse;
import dev.skiff.proto.v1.ListPartitionReassignmentsRequest;
import dev.skiff.proto.v1.ListPartitionReassignmentsResponse;
import dev.skiff.proto.v1.ListTopicsResponse;
import dev.skiff.proto.v1.OngoingReassignment;
import dev.skiff.proto.v1.PartitionDescription;
import dev.skiff.proto.v1.PartitionElectionResult;
import dev.skiff.proto.v1.PartitionReassignmentResult;
import dev.skiff.proto.v1.ReassignablePartition;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.TopicPartitions;
import dev.skiff.proto.v1.TopicResult;
import dev.skiff.proto.v1.UnregisterBrokerResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Translations between the Admin service's messages and the client's types. Pure functions. */
public final class AdminProtocol {
    private AdminProtocol() {}

    public static CreatableTopic creatable(NewTopic t) {
        return CreatableTopic.newBuilder()
                .setName(t.name())
                .setNumPartitions(t.numPartitions())
                .setReplicationFactor(t.replicationFactor())
                .putAllConfigs(t.configs())
                .build();
    }

    public static Map<String, Outcome<CreatedTopic>> created(CreateTopicsResponse resp, boolean ifNotExists) {
        Map<String, Outcome<CreatedTopic>> out = new HashMap<>();
        for (CreatableTopicResult r : resp.getTopicsList()) {
            Errors e = Errors.of(r.getError());
            CreatedTopic topic = new CreatedTopic(
                    r.getName(), r.getTopicId(), r.getNumPartitions(), r.getReplicationFactor(), e == Errors.NONE);
            if (e == Errors.NONE || (e == Errors.TOPIC_ALREADY_EXISTS && ifNotExists)) {
                out.put(r.getName(), new Outcome.Done<>(topic));
            } else {
                out.put(r.getName(), failure(e, r.getErrorMessage(), "Topic '" + r.getName() + "'"));
            }
        }
        return out;
    }

    /** Per-topic results of delete and create-partitions. */
    public static Map<String, Outcome<Void>> topicResults(List<TopicResult> results) {
        Map<String, Outcome<Void>> out = new HashMap<>();
        for (TopicResult r : results) {
            Errors e = Errors.of(r.getError());
            out.put(
                    r.getName(),
                    e == Errors.NONE
                            ? new Outcome.Done<>(null)
                            : failure(e, r.getErrorMessage(), "Topic '" + r.getName() + "'"));
        }
        return out;
    }

    /** NOT_CONTROLLER is worth another try (the request will find the new controller); other errors are final. */
    private static <V> Outcome<V> failure(Errors e, String message, String subject) {
        if (e == Errors.NOT_CONTROLLER) {
            return new Outcome.Retry<>(e.name());
        }
        String text = message == null || message.isEmpty() ? subject + ": " + e.defaultMessage() : message;
        return new Outcome.Failed<>(e.exception(text));
    }

    public static SortedSet<String> names(ListTopicsResponse resp) {
        return new TreeSet<>(resp.getNamesList());
    }

    public static Map<String, Outcome<TopicDescription>> described(DescribeTopicsResponse resp) {
        Map<String, Outcome<TopicDescription>> out = new HashMap<>();
        for (dev.skiff.proto.v1.TopicDescription t : resp.getTopicsList()) {
            Errors e = Errors.of(t.getError());
            if (e != Errors.NONE) {
                String subject = "Topic '" + t.getName() + "'";
                out.put(
                        t.getName(),
                        e == Errors.UNKNOWN_TOPIC_OR_PARTITION
                                        && t.getErrorMessage().isEmpty()
                                ? new Outcome.Failed<>(e.exception(subject + " does not exist"))
                                : failure(e, t.getErrorMessage(), subject));
                continue;
            }
            List<PartitionInfo> partitions = new ArrayList<>();
            for (PartitionDescription p : t.getPartitionsList()) {
                partitions.add(new PartitionInfo(
                        t.getName(),
                        p.getIndex(),
                        p.getLeader(),
                        p.getLeaderEpoch(),
                        p.getReplicasList(),
                        p.getIsrList(),
                        p.getOfflineReplicasList()));
            }
            partitions.sort(Comparator.comparingInt(PartitionInfo::partition));
            out.put(
                    t.getName(),
                    new Outcome.Done<>(new TopicDescription(
                            t.getName(),
                            t.getTopicId(),
                            t.getIsInternal(),
                            partitions,
                            t.getConfigsMap(),
                            t.getMinInsyncReplicas())));
        }
        return out;
    }

    public static dev.skiff.client.QuorumInfo quorum(dev.skiff.proto.v1.DescribeQuorumResponse resp) {
        return new dev.skiff.client.QuorumInfo(
                resp.getClusterId(),
                resp.getLeaderId(),
                resp.getLeaderEpoch(),
                resp.getHighWatermark(),
                resp.getVotersList().stream().map(AdminProtocol::replica).toList(),
                resp.getObserversList().stream().map(AdminProtocol::replica).toList());
    }

    private static dev.skiff.client.QuorumInfo.ReplicaState replica(dev.skiff.proto.v1.QuorumReplica r) {
        return new dev.skiff.client.QuorumInfo.ReplicaState(
                r.getNodeId(),
                r.getLogEndOffset(),
                r.getLastFetchTimestampMs() < 0
                        ? java.util.OptionalLong.empty()
                        : java.util.OptionalLong.of(r.getLastFetchTimestampMs()),
                r.getLastCaughtUpTimestampMs() < 0
                        ? java.util.OptionalLong.empty()
                        : java.util.OptionalLong.of(r.getLastCaughtUpTimestampMs()));
    }

    public static ClusterDescription cluster(DescribeClusterResponse resp) {
        List<Node> brokers = new ArrayList<>();
        for (BrokerEndpoint b : resp.getBrokersList()) {
            brokers.add(new Node(b.getNodeId(), b.getHost(), b.getPort(), b.getRack()));
        }
        brokers.sort(Comparator.comparingInt(Node::id));
        List<QuorumVoter> voters = new ArrayList<>();
        for (dev.skiff.proto.v1.QuorumVoter v : resp.getVotersList()) {
            voters.add(new QuorumVoter(
                    v.getNodeId(),
                    v.getHost(),
                    v.getPort(),
                    v.getIsLeader(),
                    v.getLagKnown() ? OptionalLong.of(v.getLagEntries()) : OptionalLong.empty()));
        }
        voters.sort(Comparator.comparingInt(QuorumVoter::nodeId));
        List<RegisteredBroker> registered = new ArrayList<>();
        for (dev.skiff.proto.v1.RegisteredBroker b : resp.getRegisteredBrokersList()) {
            registered.add(new RegisteredBroker(
                    b.getNodeId(), b.getHost(), b.getPort(), b.getRack(), b.getFenced(), b.getIncarnationId()));
        }
        registered.sort(Comparator.comparingInt(RegisteredBroker::id));
        return new ClusterDescription(resp.getClusterId(), resp.getControllerId(), brokers, voters, registered);
    }

    /** The request that moves each partition to its target replicas, or cancels its move (empty). */
    public static AlterPartitionReassignmentsRequest reassign(
            Map<TopicPartition, Optional<List<Integer>>> targets,
            Collection<TopicPartition> partitions,
            long timeoutMs) {
        AlterPartitionReassignmentsRequest.Builder req = AlterPartitionReassignmentsRequest.newBuilder()
                .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        for (TopicPartition tp : partitions) {
            ReassignablePartition.Builder p =
                    ReassignablePartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition());
            targets.get(tp).ifPresent(r -> p.setReplicas(BrokerList.newBuilder().addAllIds(r)));
            req.addPartitions(p);
        }
        return req.build();
    }

    /** Each partition's outcome; an error of the whole request fails (or, NOT_CONTROLLER, retries) every one. */
    public static Map<TopicPartition, Outcome<Void>> reassigned(
            AlterPartitionReassignmentsResponse resp, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Outcome<Void>> out = new HashMap<>();
        Errors whole = Errors.of(resp.getError());
        if (whole != Errors.NONE) {
            partitions.forEach(tp -> out.put(tp, failure(whole, resp.getErrorMessage(), "Partition reassignment")));
            return out;
        }
        for (PartitionReassignmentResult r : resp.getResultsList()) {
            Errors e = Errors.of(r.getError());
            out.put(
                    new TopicPartition(r.getTopic(), r.getPartition()),
                    e == Errors.NONE
                            ? new Outcome.Done<>(null)
                            : failure(
                                    e,
                                    r.getErrorMessage(),
                                    "Reassignment of " + r.getTopic() + "-" + r.getPartition()));
        }
        return out;
    }

    public static <K> Map<K, Outcome<Void>> unregistered(UnregisterBrokerResponse resp, K key, int brokerId) {
        Errors e = Errors.of(resp.getError());
        return Map.of(
                key,
                e == Errors.NONE
                        ? new Outcome.Done<>(null)
                        : failure(e, resp.getErrorMessage(), "Unregistering broker " + brokerId));
    }

    /** The request that lists the moves of {@code partitions}, or of every partition if empty. */
    public static ListPartitionReassignmentsRequest listReassignments(Optional<Set<TopicPartition>> partitions) {
        ListPartitionReassignmentsRequest.Builder req = ListPartitionReassignmentsRequest.newBuilder();
        Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
        partitions.ifPresent(ps -> ps.forEach(tp -> byTopic.computeIfAbsent(
                        tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t))
                .addPartitions(tp.partition())));
        byTopic.values().forEach(req::addTopicPartitions);
        return req.build();
    }

    public static <K> Map<K, Outcome<SortedMap<TopicPartition, PartitionReassignment>>> reassignments(
            ListPartitionReassignmentsResponse resp, K key) {
        Errors whole = Errors.of(resp.getError());
        if (whole != Errors.NONE) {
            return Map.of(key, failure(whole, resp.getErrorMessage(), "Listing partition reassignments"));
        }
        SortedMap<TopicPartition, PartitionReassignment> out = new TreeMap<>();
        for (OngoingReassignment r : resp.getReassignmentsList()) {
            out.put(
                    new TopicPartition(r.getTopic(), r.getPartition()),
                    new PartitionReassignment(
                            r.getReplicasList(),
                            r.getAddingReplicasList(),
                            r.getRemovingReplicasList(),
                            r.getIsrList()));
        }
        return Map.of(key, new Outcome.Done<>(Collections.unmodifiableSortedMap(out)));
    }

    /** The request of an election for {@code partitions}, or for every partition if empty. */
    public static ElectLeadersRequest electLeaders(
            ElectionType type, Optional<? extends Collection<TopicPartition>> partitions, long timeoutMs) {
        ElectLeadersRequest.Builder req = ElectLeadersRequest.newBuilder()
                .setElectionType(
                        type == ElectionType.PREFERRED
                                ? dev.skiff.proto.v1.ElectionType.PREFERRED
                                : dev.skiff.proto.v1.ElectionType.UNCLEAN)
                .setAllTopicPartitions(partitions.isEmpty())
                .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        if (partitions.isPresent()) {
            Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
            for (TopicPartition tp : partitions.get()) {
                byTopic.computeIfAbsent(
                                tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t))
                        .addPartitions(tp.partition());
            }
            byTopic.values().forEach(req::addTopicPartitions);
        }
        return req.build();
    }

    /**
     * Each partition's election outcome under {@code key}: empty if elected, else its error; an error
     * of the whole request fails (or, NOT_CONTROLLER, retries) the key.
     */
    public static <K> Map<K, Outcome<SortedMap<TopicPartition, Optional<ApiException>>>> elected(
            ElectLeadersResponse resp, K key) {
        Errors whole = Errors.of(resp.getError());
        if (whole != Errors.NONE) {
            return Map.of(key, failure(whole, resp.getErrorMessage(), "Leader election"));
        }
        SortedMap<TopicPartition, Optional<ApiException>> out = new TreeMap<>();
        for (PartitionElectionResult r : resp.getResultsList()) {
            Errors e = Errors.of(r.getError());
            out.put(
                    new TopicPartition(r.getTopic(), r.getPartition()),
                    e == Errors.NONE ? Optional.empty() : Optional.of(e.exception(r.getErrorMessage())));
        }
        return Map.of(key, new Outcome.Done<>(Collections.unmodifiableSortedMap(out)));
    }

    public static dev.skiff.proto.v1.ConfigResource resource(ConfigResource r) {
        return dev.skiff.proto.v1.ConfigResource.newBuilder()
                .setType(r.type() == ConfigResource.Type.TOPIC ? ResourceType.TOPIC : ResourceType.BROKER)
                .setName(r.name())
                .build();
    }

    private static ConfigResource resource(dev.skiff.proto.v1.ConfigResource r) {
        return new ConfigResource(
                r.getType() == ResourceType.BROKER ? ConfigResource.Type.BROKER : ConfigResource.Type.TOPIC,
                r.getName());
    }

    public static Map<ConfigResource, Outcome<List<ConfigEntry>>> configs(DescribeConfigsResponse resp) {
        Map<ConfigResource, Outcome<List<ConfigEntry>>> out = new HashMap<>();
        for (DescribeConfigsResult r : resp.getResultsList()) {
            ConfigResource key = resource(r.getResource());
            Errors e = Errors.of(r.getError());
            if (e != Errors.NONE) {
                out.put(key, failure(e, r.getErrorMessage(), capitalized(key)));
                continue;
            }
            List<ConfigEntry> entries = new ArrayList<>();
            for (dev.skiff.proto.v1.ConfigEntry c : r.getEntriesList()) {
                entries.add(new ConfigEntry(c.getName(), c.getValue(), source(c.getSource()), c.getReadOnly()));
            }
            entries.sort(Comparator.comparing(ConfigEntry::name));
            out.put(key, new Outcome.Done<>(entries));
        }
        return out;
    }

    private static ConfigEntry.Source source(dev.skiff.proto.v1.ConfigSource s) {
        return switch (s) {
            case DYNAMIC_TOPIC_CONFIG -> ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG;
            case DYNAMIC_BROKER_CONFIG -> ConfigEntry.Source.DYNAMIC_BROKER_CONFIG;
            case DYNAMIC_DEFAULT_BROKER_CONFIG -> ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG;
            case STATIC_BROKER_CONFIG -> ConfigEntry.Source.STATIC_BROKER_CONFIG;
            case DEFAULT_CONFIG -> ConfigEntry.Source.DEFAULT_CONFIG;
            default -> ConfigEntry.Source.UNKNOWN;
        };
    }

    public static AlterConfigsResource alter(ConfigResource r, List<AlterConfigOp> ops) {
        AlterConfigsResource.Builder b = AlterConfigsResource.newBuilder().setResource(resource(r));
        for (AlterConfigOp op : ops) {
            b.addConfigs(AlterableConfig.newBuilder()
                    .setName(op.name())
                    .setOp(op.op() == AlterConfigOp.OpType.DELETE ? AlterOp.DELETE : AlterOp.SET)
                    .setValue(op.value() == null ? "" : op.value()));
        }
        return b.build();
    }

    public static Map<ConfigResource, Outcome<Void>> altered(AlterConfigsResponse resp) {
        Map<ConfigResource, Outcome<Void>> out = new HashMap<>();
        for (AlterConfigsResult r : resp.getResultsList()) {
            ConfigResource key = resource(r.getResource());
            Errors e = Errors.of(r.getError());
            out.put(
                    key,
                    e == Errors.NONE ? new Outcome.Done<>(null) : failure(e, r.getErrorMessage(), capitalized(key)));
        }
        return out;
    }

    private static String capitalized(ConfigResource r) {
        return (r.type() == ConfigResource.Type.TOPIC ? "Topic '" : "Broker '") + r.name() + "'";
    }
}
