package dev.skiff.client.testing;

import dev.skiff.client.Errors;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.AlterConfigsRequest;
import dev.skiff.proto.v1.AlterConfigsResource;
import dev.skiff.proto.v1.AlterConfigsResponse;
import dev.skiff.proto.v1.AlterConfigsResult;
import dev.skiff.proto.v1.AlterOp;
import dev.skiff.proto.v1.AlterableConfig;
import dev.skiff.proto.v1.BrokerEndpoint;
import dev.skiff.proto.v1.ConfigEntry;
import dev.skiff.proto.v1.ConfigResource;
import dev.skiff.proto.v1.ConfigSource;
import dev.skiff.proto.v1.CreatableTopic;
import dev.skiff.proto.v1.CreatableTopicResult;
import dev.skiff.proto.v1.CreatePartitionsRequest;
import dev.skiff.proto.v1.CreatePartitionsResponse;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.CreateTopicsResponse;
import dev.skiff.proto.v1.DeleteTopicsRequest;
import dev.skiff.proto.v1.DeleteTopicsResponse;
import dev.skiff.proto.v1.DescribeClusterRequest;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeConfigsRequest;
import dev.skiff.proto.v1.DescribeConfigsResponse;
import dev.skiff.proto.v1.DescribeConfigsResult;
import dev.skiff.proto.v1.DescribeTopicsRequest;
import dev.skiff.proto.v1.DescribeTopicsResponse;
import dev.skiff.proto.v1.ElectLeadersRequest;
import dev.skiff.proto.v1.ElectLeadersResponse;
import dev.skiff.proto.v1.ElectionType;
import dev.skiff.proto.v1.ListTopicsRequest;
import dev.skiff.proto.v1.ListTopicsResponse;
import dev.skiff.proto.v1.PartitionCountUpdate;
import dev.skiff.proto.v1.PartitionDescription;
import dev.skiff.proto.v1.PartitionElectionResult;
import dev.skiff.proto.v1.QuorumVoter;
import dev.skiff.proto.v1.RegisteredBroker;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.TopicDescription;
import dev.skiff.proto.v1.TopicPartitions;
import dev.skiff.proto.v1.TopicResult;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One fake node's Admin service over the shared {@link FakeCluster} state. */
final class FakeAdminService extends AdminGrpc.AdminImplBase {
    /** Topic configs the fake knows, with their defaults. */
    static final Map<String, String> TOPIC_DEFAULTS = new LinkedHashMap<>();

    static {
        TOPIC_DEFAULTS.put("cleanup.policy", "delete");
        TOPIC_DEFAULTS.put("compression.type", "producer");
        TOPIC_DEFAULTS.put("max.message.bytes", "1048588");
        TOPIC_DEFAULTS.put("min.insync.replicas", "1");
        TOPIC_DEFAULTS.put("retention.bytes", "-1");
        TOPIC_DEFAULTS.put("retention.ms", "604800000");
        TOPIC_DEFAULTS.put("segment.bytes", "1073741824");
    }

    private final FakeCluster cluster;
    private final int nodeId;

    FakeAdminService(FakeCluster cluster, int nodeId) {
        this.cluster = cluster;
        this.nodeId = nodeId;
    }

    private <T> void answer(String method, StreamObserver<T> observer, Supplier<T> body) {
        if (cluster.hooks().unavailable) {
            observer.onError(Status.UNAVAILABLE
                    .withDescription("fake node " + nodeId + " is down")
                    .asRuntimeException());
            return;
        }
        cluster.hooks().nextAdminCall(method);
        T response;
        synchronized (cluster) {
            response = body.get();
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private Errors injected(String method) {
        Errors e = cluster.hooks().adminError.apply(method, cluster.hooks().adminCalls(method));
        return e == null ? Errors.NONE : e;
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> observer) {
        answer("CreateTopics", observer, () -> {
            CreateTopicsResponse.Builder b = CreateTopicsResponse.newBuilder();
            Errors injected = injected("CreateTopics");
            for (CreatableTopic t : request.getTopicsList()) {
                CreatableTopicResult.Builder r =
                        CreatableTopicResult.newBuilder().setName(t.getName());
                String problem = problem(t);
                if (injected != Errors.NONE) {
                    r.setError(FakeCluster.code(injected));
                } else if (problem != null) {
                    r.setError(FakeCluster.code(Errors.valueOf(problem.substring(0, problem.indexOf(':')))))
                            .setErrorMessage(problem.substring(problem.indexOf(':') + 2));
                } else {
                    int partitions = t.getNumPartitions() == -1 ? cluster.defaultPartitions : t.getNumPartitions();
                    int rf = t.getReplicationFactor() == -1 ? 1 : t.getReplicationFactor();
                    if (!request.getValidateOnly()) {
                        FakeCluster.FakeTopic created = cluster.createTopic(t.getName(), partitions, rf);
                        created.configs.putAll(t.getConfigsMap());
                        r.setTopicId(created.id);
                    }
                    r.setNumPartitions(partitions).setReplicationFactor(rf);
                }
                b.addTopics(r);
            }
            return b.build();
        });
    }

    private String problem(CreatableTopic t) {
        if (!t.getName().matches("[a-zA-Z0-9._-]{1,249}")
                || t.getName().equals(".")
                || t.getName().equals("..")) {
            return "INVALID_TOPIC_EXCEPTION: Topic name \"" + t.getName()
                    + "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
        }
        if (cluster.topics.containsKey(t.getName())) {
            return "TOPIC_ALREADY_EXISTS: Topic '" + t.getName() + "' already exists.";
        }
        if (t.getNumPartitions() == 0 || t.getNumPartitions() < -1) {
            return "INVALID_PARTITIONS: Number of partitions must be larger than 0.";
        }
        if (t.getReplicationFactor() == 0 || t.getReplicationFactor() < -1) {
            return "INVALID_REPLICATION_FACTOR: Replication factor must be larger than 0.";
        }
        if (t.getReplicationFactor() > cluster.brokerCount()) {
            return "INVALID_REPLICATION_FACTOR: Replication factor: " + t.getReplicationFactor()
                    + " larger than available brokers: " + cluster.brokerCount() + ".";
        }
        for (Map.Entry<String, String> c : t.getConfigsMap().entrySet()) {
            String bad = configProblem(c.getKey(), c.getValue());
            if (bad != null) {
                return "INVALID_CONFIG: " + bad;
            }
        }
        return null;
    }

    static String configProblem(String key, String value) {
        if (!TOPIC_DEFAULTS.containsKey(key)) {
            return "Unknown topic config name: " + key;
        }
        if (key.equals("cleanup.policy")) {
            return value.matches("(delete|compact)(,(delete|compact))?")
                    ? null
                    : "Invalid value " + value + " for configuration cleanup.policy";
        }
        if (key.equals("compression.type")) {
            return null;
        }
        try {
            Long.parseLong(value);
            return null;
        } catch (NumberFormatException e) {
            return "Invalid value " + value + " for configuration " + key + ": Not a number of type LONG";
        }
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> observer) {
        answer("DeleteTopics", observer, () -> {
            DeleteTopicsResponse.Builder b = DeleteTopicsResponse.newBuilder();
            for (String name : request.getNamesList()) {
                TopicResult.Builder r = TopicResult.newBuilder().setName(name);
                if (cluster.topics.remove(name) == null) {
                    r.setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION))
                            .setErrorMessage("This server does not host this topic-partition.");
                }
                b.addTopics(r);
            }
            return b.build();
        });
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> observer) {
        answer("ListTopics", observer, () -> {
            ListTopicsResponse.Builder b = ListTopicsResponse.newBuilder();
            cluster.topics.forEach((name, t) -> {
                if (request.getIncludeInternal() || !t.internal) {
                    b.addNames(name);
                }
            });
            return b.build();
        });
    }

    @Override
    public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> observer) {
        answer("DescribeTopics", observer, () -> {
            DescribeTopicsResponse.Builder b = DescribeTopicsResponse.newBuilder();
            List<String> names =
                    request.getNamesCount() == 0 ? new ArrayList<>(cluster.topics.keySet()) : request.getNamesList();
            for (String name : names) {
                FakeCluster.FakeTopic t = cluster.topics.get(name);
                if (t == null) {
                    b.addTopics(TopicDescription.newBuilder()
                            .setName(name)
                            .setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION)));
                    continue;
                }
                TopicDescription.Builder d = TopicDescription.newBuilder()
                        .setName(name)
                        .setTopicId(t.id)
                        .setIsInternal(t.internal)
                        .putAllConfigs(t.configs)
                        .setMinInsyncReplicas(Integer.parseInt(t.configs.getOrDefault(
                                "min.insync.replicas", TOPIC_DEFAULTS.get("min.insync.replicas"))));
                for (int i = 0; i < t.partitions.size(); i++) {
                    FakeCluster.FakePartition p = t.partitions.get(i);
                    d.addPartitions(PartitionDescription.newBuilder()
                            .setIndex(i)
                            .setLeader(p.leader)
                            .setLeaderEpoch(p.leaderEpoch)
                            .addAllReplicas(p.replicas)
                            .addAllIsr(p.isr)
                            .addAllOfflineReplicas(p.replicas.stream()
                                    .filter(cluster.fenced::contains)
                                    .toList()));
                }
                b.addTopics(d);
            }
            return b.build();
        });
    }

    @Override
    public void createPartitions(CreatePartitionsRequest request, StreamObserver<CreatePartitionsResponse> observer) {
        answer("CreatePartitions", observer, () -> {
            CreatePartitionsResponse.Builder b = CreatePartitionsResponse.newBuilder();
            for (PartitionCountUpdate u : request.getTopicsList()) {
                TopicResult.Builder r = TopicResult.newBuilder().setName(u.getName());
                FakeCluster.FakeTopic t = cluster.topics.get(u.getName());
                if (t == null) {
                    r.setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION));
                } else if (u.getCount() <= t.partitions.size()) {
                    r.setError(FakeCluster.code(Errors.INVALID_PARTITIONS))
                            .setErrorMessage("Topic currently has " + t.partitions.size()
                                    + " partitions, which is higher than the requested " + u.getCount() + ".");
                } else if (!request.getValidateOnly()) {
                    cluster.addPartitions(
                            t, u.getCount(), t.partitions.get(0).replicas.size());
                }
                b.addTopics(r);
            }
            return b.build();
        });
    }

    @Override
    public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> observer) {
        int call = cluster.hooks().adminCalls("DescribeCluster") + 1;
        if (cluster.hooks().adminError.apply("DescribeCluster", call) != null) {
            cluster.hooks().nextAdminCall("DescribeCluster");
            observer.onError(Status.UNAVAILABLE
                    .withDescription("fake node " + nodeId + " fails DescribeCluster call " + call)
                    .asRuntimeException());
            return;
        }
        answer("DescribeCluster", observer, () -> {
            DescribeClusterResponse.Builder b = DescribeClusterResponse.newBuilder()
                    .setClusterId(cluster.clusterId)
                    .setControllerId(1);
            for (int id = 1; id <= cluster.brokerCount(); id++) {
                if (!cluster.fenced.contains(id)) {
                    b.addBrokers(BrokerEndpoint.newBuilder()
                            .setNodeId(id)
                            .setHost(cluster.host(id))
                            .setPort(cluster.port(id)));
                }
                b.addRegisteredBrokers(RegisteredBroker.newBuilder()
                        .setNodeId(id)
                        .setHost(cluster.host(id))
                        .setPort(cluster.port(id))
                        .setFenced(cluster.fenced.contains(id))
                        .setIncarnationId("incarnation-" + id));
                QuorumVoter.Builder voter = QuorumVoter.newBuilder()
                        .setNodeId(id)
                        .setHost(cluster.host(id))
                        .setPort(9093)
                        .setIsLeader(id == 1);
                if (nodeId == 1) {
                    voter.setLagKnown(true).setLagEntries(cluster.voterLags.getOrDefault(id, 0L));
                }
                b.addVoters(voter);
            }
            return b.build();
        });
    }

    @Override
    public void electLeaders(ElectLeadersRequest request, StreamObserver<ElectLeadersResponse> observer) {
        answer("ElectLeaders", observer, () -> {
            ElectLeadersResponse.Builder b = ElectLeadersResponse.newBuilder();
            if (request.getElectionType() != ElectionType.PREFERRED) {
                return b.setError(FakeCluster.code(Errors.INVALID_REQUEST))
                        .setErrorMessage("unclean leader election on request is not supported")
                        .build();
            }
            if (request.getAllTopicPartitions()) {
                cluster.topics.forEach((name, t) -> {
                    for (int i = 0; i < t.partitions.size(); i++) {
                        PartitionElectionResult r = elect(name, i);
                        if (r.getError() != FakeCluster.code(Errors.ELECTION_NOT_NEEDED)) {
                            b.addResults(r);
                        }
                    }
                });
            } else {
                for (TopicPartitions t : request.getTopicPartitionsList()) {
                    t.getPartitionsList().forEach(p -> b.addResults(elect(t.getTopic(), p)));
                }
            }
            return b.build();
        });
    }

    /** Preferred election of one partition, as skiff's controller decides it. */
    private PartitionElectionResult elect(String topic, int partition) {
        PartitionElectionResult.Builder r =
                PartitionElectionResult.newBuilder().setTopic(topic).setPartition(partition);
        FakeCluster.FakeTopic t = cluster.topics.get(topic);
        if (t == null || partition < 0 || partition >= t.partitions.size()) {
            return r.setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION))
                    .setErrorMessage("Partition " + topic + "-" + partition + " does not exist.")
                    .build();
        }
        FakeCluster.FakePartition p = t.partitions.get(partition);
        int preferred = p.replicas.get(0);
        if (p.leader == preferred) {
            return r.setError(FakeCluster.code(Errors.ELECTION_NOT_NEEDED))
                    .setErrorMessage("Leader election not needed for " + topic + "-" + partition + ".")
                    .build();
        }
        if (cluster.fenced.contains(preferred) || !p.isr.contains(preferred)) {
            return r.setError(FakeCluster.code(Errors.PREFERRED_LEADER_NOT_AVAILABLE))
                    .setErrorMessage(
                            "The preferred replica " + preferred + " of " + topic + "-" + partition + " cannot lead.")
                    .build();
        }
        p.leader = preferred;
        p.leaderEpoch++;
        return r.build();
    }

    @Override
    public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> observer) {
        answer("DescribeConfigs", observer, () -> {
            DescribeConfigsResponse.Builder b = DescribeConfigsResponse.newBuilder();
            for (ConfigResource r : request.getResourcesList()) {
                b.addResults(describe(r));
            }
            return b.build();
        });
    }

    private DescribeConfigsResult describe(ConfigResource r) {
        DescribeConfigsResult.Builder out = DescribeConfigsResult.newBuilder().setResource(r);
        if (r.getType() == ResourceType.TOPIC) {
            FakeCluster.FakeTopic t = cluster.topics.get(r.getName());
            if (t == null) {
                return out.setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION))
                        .setErrorMessage("Topic '" + r.getName() + "' does not exist.")
                        .build();
            }
            TOPIC_DEFAULTS.forEach((k, v) -> {
                boolean set = t.configs.containsKey(k);
                out.addEntries(ConfigEntry.newBuilder()
                        .setName(k)
                        .setValue(set ? t.configs.get(k) : v)
                        .setSource(set ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG));
            });
            return out.build();
        }
        Map<String, String> configs = brokerConfigs(r.getName());
        if (configs == null) {
            return out.setError(FakeCluster.code(Errors.INVALID_REQUEST))
                    .setErrorMessage("Broker " + r.getName() + " does not exist")
                    .build();
        }
        configs.forEach((k, v) -> out.addEntries(
                ConfigEntry.newBuilder().setName(k).setValue(v).setSource(ConfigSource.DYNAMIC_BROKER_CONFIG)));
        out.addEntries(ConfigEntry.newBuilder()
                .setName("log.retention.hours")
                .setValue("168")
                .setSource(ConfigSource.STATIC_BROKER_CONFIG)
                .setReadOnly(true));
        return out.build();
    }

    private Map<String, String> brokerConfigs(String name) {
        try {
            return cluster.brokerConfigs.get(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> observer) {
        answer("AlterConfigs", observer, () -> {
            AlterConfigsResponse.Builder b = AlterConfigsResponse.newBuilder();
            for (AlterConfigsResource r : request.getResourcesList()) {
                b.addResults(alter(r, request.getValidateOnly()));
            }
            return b.build();
        });
    }

    private AlterConfigsResult alter(AlterConfigsResource r, boolean validateOnly) {
        AlterConfigsResult.Builder out = AlterConfigsResult.newBuilder().setResource(r.getResource());
        Map<String, String> target;
        if (r.getResource().getType() == ResourceType.TOPIC) {
            FakeCluster.FakeTopic t = cluster.topics.get(r.getResource().getName());
            if (t == null) {
                return out.setError(FakeCluster.code(Errors.UNKNOWN_TOPIC_OR_PARTITION))
                        .setErrorMessage("Topic '" + r.getResource().getName() + "' does not exist.")
                        .build();
            }
            for (AlterableConfig c : r.getConfigsList()) {
                String bad = c.getOp() == AlterOp.SET
                        ? configProblem(c.getName(), c.getValue())
                        : (TOPIC_DEFAULTS.containsKey(c.getName())
                                ? null
                                : "Unknown topic config name: " + c.getName());
                if (bad != null) {
                    return out.setError(FakeCluster.code(Errors.INVALID_CONFIG))
                            .setErrorMessage(bad)
                            .build();
                }
            }
            target = t.configs;
        } else {
            target = brokerConfigs(r.getResource().getName());
            if (target == null) {
                return out.setError(FakeCluster.code(Errors.INVALID_REQUEST))
                        .setErrorMessage("Broker " + r.getResource().getName() + " does not exist")
                        .build();
            }
        }
        if (!validateOnly) {
            for (AlterableConfig c : r.getConfigsList()) {
                if (c.getOp() == AlterOp.DELETE) {
                    target.remove(c.getName());
                } else {
                    target.put(c.getName(), c.getValue());
                }
            }
        }
        return out.build();
    }
}
