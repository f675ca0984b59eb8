package dev.skiff.client.internals;

import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable view of one Metadata answer (merged with earlier ones for topics it did not cover). */
public final class ClusterSnapshot {
    /** A topic as the cluster described it; {@code error} NONE means it exists. */
    public record TopicInfo(
            String name, String topicId, Errors error, boolean internal, List<PartitionInfo> partitions) {
        public TopicInfo {
            partitions = List.copyOf(partitions);
        }
    }

    public static final ClusterSnapshot EMPTY = new ClusterSnapshot("", -1, Map.of(), Map.of());

    private final String clusterId;
    private final int controllerId;
    private final Map<Integer, Node> brokers;
    private final Map<String, TopicInfo> topics;

    private ClusterSnapshot(
            String clusterId, int controllerId, Map<Integer, Node> brokers, Map<String, TopicInfo> topics) {
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.brokers = Map.copyOf(brokers);
        this.topics = Map.copyOf(topics);
    }

    /** This snapshot updated by {@code response}; topics it does not mention are kept unless {@code dropOthers}. */
    public ClusterSnapshot merge(MetadataResponse response, boolean dropOthers) {
        Map<Integer, Node> newBrokers = new HashMap<>();
        for (BrokerEndpoint b : response.getBrokersList()) {
            newBrokers.put(b.getNodeId(), new Node(b.getNodeId(), b.getHost(), b.getPort(), b.getRack()));
        }
        Map<String, TopicInfo> newTopics = dropOthers ? new HashMap<>() : new HashMap<>(topics);
        for (TopicMetadata t : response.getTopicsList()) {
            newTopics.put(t.getName(), topic(t));
        }
        return new ClusterSnapshot(response.getClusterId(), response.getControllerId(), newBrokers, newTopics);
    }

    /** This snapshot without {@code names}, for topics no longer of interest. */
    public ClusterSnapshot retainTopics(Collection<String> names) {
        Map<String, TopicInfo> kept = new HashMap<>(topics);
        kept.keySet().retainAll(names);
        return new ClusterSnapshot(clusterId, controllerId, brokers, kept);
    }

    private static TopicInfo topic(TopicMetadata t) {
        List<PartitionInfo> partitions = new ArrayList<>();
        for (PartitionMetadata p : t.getPartitionsList()) {
            partitions.add(new PartitionInfo(
                    t.getName(), p.getIndex(), p.getLeader(), p.getLeaderEpoch(), p.getReplicasList(), p.getIsrList()));
        }
        partitions.sort(Comparator.comparingInt(PartitionInfo::partition));
        return new TopicInfo(t.getName(), t.getTopicId(), Errors.of(t.getError()), t.getIsInternal(), partitions);
    }

    public String clusterId() {
        return clusterId;
    }

    public int controllerId() {
        return controllerId;
    }

    public Map<Integer, Node> brokers() {
        return brokers;
    }

    /** The names of the topics known to exist, internal ones left out unless {@code withInternal}. */
    public List<String> topicNames(boolean withInternal) {
        List<String> out = new ArrayList<>();
        topics.values().forEach(t -> {
            if (t.error() == Errors.NONE && (withInternal || !t.internal())) {
                out.add(t.name());
            }
        });
        out.sort(String::compareTo);
        return out;
    }

    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** The topic's partitions if it exists here with at least one; empty otherwise. */
    public List<PartitionInfo> partitions(String topic) {
        TopicInfo t = topics.get(topic);
        return t == null || t.error() != Errors.NONE ? List.of() : t.partitions();
    }

    public Optional<PartitionInfo> partition(TopicPartition tp) {
        for (PartitionInfo p : partitions(tp.topic())) {
            if (p.partition() == tp.partition()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The leader's endpoint, if the partition has a leader whose endpoint is known. */
    public Optional<Node> leader(TopicPartition tp) {
        return partition(tp).filter(PartitionInfo::hasLeader).map(p -> brokers.get(p.leader()));
    }

    public int leaderEpoch(TopicPartition tp) {
        return partition(tp).map(PartitionInfo::leaderEpoch).orElse(-1);
    }

    public static HostPort address(Node node) {
        return new HostPort(node.host(), node.port());
    }
}
