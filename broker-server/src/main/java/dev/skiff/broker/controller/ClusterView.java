package dev.skiff.broker.controller;

import dev.skiff.broker.config.ServerConfig;
import dev.skiff.metadata.BrokerRegistration;
import dev.skiff.metadata.Endpoint;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.PartitionState;
import dev.skiff.metadata.TopicImage;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataResponse;
import dev.skiff.proto.v1.PartitionDescription;
import dev.skiff.proto.v1.PartitionMetadata;
import dev.skiff.proto.v1.TopicDescription;
import dev.skiff.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Renders the metadata image as the protocol's metadata and describe answers. */
public final class ClusterView {
    private ClusterView() {}

    /** Unfenced brokers with their client endpoint, as clients should see them. */
    public static List<BrokerEndpoint> liveBrokers(MetadataImage image) {
        List<BrokerEndpoint> out = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            if (b.fenced()) {
                continue;
            }
            b.endpoint(ServerConfig.CLIENT_LISTENER)
                    .or(() -> b.endpoints().stream().findFirst())
                    .ifPresent(e -> out.add(endpoint(b, e)));
        }
        return out;
    }

    private static BrokerEndpoint endpoint(BrokerRegistration b, Endpoint e) {
        return BrokerEndpoint.newBuilder()
                .setNodeId(b.nodeId())
                .setHost(e.host())
                .setPort(e.port())
                .setRack(b.rack().orElse(""))
                .build();
    }

    public static MetadataResponse metadata(MetadataImage image, int controllerId, Collection<String> names) {
        MetadataResponse.Builder r = MetadataResponse.newBuilder()
                .setClusterId(image.clusterId().orElse(""))
                .setControllerId(controllerId)
                .addAllBrokers(liveBrokers(image));
        Collection<String> wanted = names.isEmpty() ? image.topicsByName().keySet() : names;
        for (String name : wanted) {
            TopicImage t = image.topic(name).orElse(null);
            if (t == null) {
                r.addTopics(TopicMetadata.newBuilder().setName(name).setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                continue;
            }
            TopicMetadata.Builder tm = TopicMetadata.newBuilder()
                    .setName(t.name())
                    .setTopicId(t.id().toString())
                    .setIsInternal(t.isInternal());
            for (PartitionState p : t.partitions()) {
                tm.addPartitions(PartitionMetadata.newBuilder()
                        .setIndex(p.index())
                        .setError(p.hasLeader() ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE)
                        .setLeader(p.leader())
                        .setLeaderEpoch(p.leaderEpoch())
                        .addAllReplicas(p.replicas())
                        .addAllIsr(p.isr()));
            }
            r.addTopics(tm);
        }
        return r.build();
    }

    public static TopicDescription describe(TopicImage t) {
        TopicDescription.Builder d = TopicDescription.newBuilder()
                .setName(t.name())
                .setTopicId(t.id().toString())
                .setIsInternal(t.isInternal())
                .putAllConfigs(t.configs());
        for (PartitionState p : t.partitions()) {
            d.addPartitions(PartitionDescription.newBuilder()
                    .setIndex(p.index())
                    .setLeader(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .addAllReplicas(p.replicas())
                    .addAllIsr(p.isr()));
        }
        return d.build();
    }
}
