package dev.skiff.broker.controller;

import dev.skiff.broker.config.ServerConfig;
import dev.skiff.broker.config.ServerKeys;
import dev.skiff.log.LogConfig;
import dev.skiff.metadata.ConfigOp;
import dev.skiff.metadata.ConfigResource;
import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.CreatedTopic;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.ImageViews;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.PartitionState;
import dev.skiff.metadata.PreferredLeaders;
import dev.skiff.metadata.Reassignments;
import dev.skiff.metadata.TopicImage;
import dev.skiff.metadata.quorum.QuorumReplication;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.AlterConfigsRequest;
import dev.skiff.proto.v1.AlterConfigsResource;
import dev.skiff.proto.v1.AlterConfigsResponse;
import dev.skiff.proto.v1.AlterConfigsResult;
import dev.skiff.proto.v1.AlterOp;
import dev.skiff.proto.v1.AlterPartitionReassignmentsRequest;
import dev.skiff.proto.v1.AlterPartitionReassignmentsResponse;
import dev.skiff.proto.v1.AlterableConfig;
import dev.skiff.proto.v1.ConfigEntry;
import dev.skiff.proto.v1.ConfigSource;
import dev.skiff.proto.v1.ControllerMembershipRequest;
import dev.skiff.proto.v1.ControllerMembershipResponse;
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
import dev.skiff.proto.v1.DescribeQuorumRequest;
import dev.skiff.proto.v1.DescribeQuorumResponse;
import dev.skiff.proto.v1.DescribeTopicsRequest;
import dev.skiff.proto.v1.DescribeTopicsResponse;
import dev.skiff.proto.v1.ElectLeadersRequest;
import dev.skiff.proto.v1.ElectLeadersResponse;
import dev.skiff.proto.v1.ElectionType;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ListPartitionReassignmentsRequest;
import dev.skiff.proto.v1.ListPartitionReassignmentsResponse;
import dev.skiff.proto.v1.ListTopicsRequest;
import dev.skiff.proto.v1.ListTopicsResponse;
import dev.skiff.proto.v1.OngoingReassignment;
import dev.skiff.proto.v1.PartitionCountUpdate;
import dev.skiff.proto.v1.PartitionElectionResult;
import dev.skiff.proto.v1.PartitionReassignmentResult;
import dev.skiff.proto.v1.QuorumReplica;
import dev.skiff.proto.v1.QuorumVoter;
import dev.skiff.proto.v1.ReassignablePartition;
import dev.skiff.proto.v1.ResourceType;
import dev.skiff.proto.v1.TopicDescription;
import dev.skiff.proto.v1.TopicPartitions;
import dev.skiff.proto.v1.TopicResult;
import dev.skiff.proto.v1.UnregisterBrokerRequest;
import dev.skiff.proto.v1.UnregisterBrokerResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Topic, partition, config and cluster administration over gRPC. Changes are decided by {@link
 * ControllerDecisions} on the current image and committed through the quorum; reads come from the
 * local image. Every refusal carries Kafka's error code and a message naming the problem.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
    static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    static final String UNCLEAN_REFUSED = "unclean leader election on request is not supported yet; set"
            + " unclean.leader.election.enable=true on the topic (skiff configs --alter) or the broker, and the"
            + " controller elects an out-of-sync replica when no in-sync replica is alive (it may lose acknowledged"
            + " writes)";

    private final ControllerClient controller;
    private final ControllerDecisions decisions;
    private final LogConfig logDefaults;
    private final Map<String, String> staticBrokerConfigs;
    private final int nodeId;
    private final Supplier<List<QuorumVoter>> voters;
    private final Supplier<OptionalInt> controllerId;

    public AdminService(
            ControllerClient controller,
            ControllerDecisions decisions,
            LogConfig logDefaults,
            Map<String, String> staticBrokerConfigs,
            int nodeId,
            Supplier<List<QuorumVoter>> voters,
            Supplier<OptionalInt> controllerId) {
        this.controller = controller;
        this.decisions = decisions;
        this.logDefaults = logDefaults;
        this.staticBrokerConfigs = Map.copyOf(staticBrokerConfigs);
        this.nodeId = nodeId;
        this.voters = voters;
        this.controllerId = controllerId;
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> out) {
        CreateTopicsResponse.Builder response = CreateTopicsResponse.newBuilder();
        Duration timeout = timeout(request.getTimeoutMs());
        for (CreatableTopic t : request.getTopicsList()) {
            NewTopic nt;
            try {
                nt = new NewTopic(t.getName(), t.getNumPartitions(), t.getReplicationFactor(), t.getConfigsMap());
            } catch (IllegalArgumentException e) {
                response.addTopics(CreatableTopicResult.newBuilder()
                        .setName(t.getName())
                        .setError(ErrorCode.INVALID_REQUEST)
                        .setErrorMessage(e.getMessage()));
                continue;
            }
            Function<MetadataImage, Decision<CreatedTopic>> decide = image -> decisions.createTopic(image, nt);
            Decision<CreatedTopic> d =
                    request.getValidateOnly() ? decide.apply(controller.image()) : controller.run(decide, timeout);
            CreatableTopicResult.Builder r = CreatableTopicResult.newBuilder().setName(t.getName());
            if (d instanceof Decision.Accepted<CreatedTopic> a) {
                r.setTopicId(
                                request.getValidateOnly()
                                        ? ""
                                        : a.value().topicId().toString())
                        .setNumPartitions(a.value().partitions())
                        .setReplicationFactor(a.value().replicationFactor());
            } else {
                Decision.Refused<CreatedTopic> no = (Decision.Refused<CreatedTopic>) d;
                r.setError(no.error()).setErrorMessage(no.message());
            }
            response.addTopics(r);
        }
        answer(out, response.build());
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> out) {
        DeleteTopicsResponse.Builder response = DeleteTopicsResponse.newBuilder();
        for (String name : request.getNamesList()) {
            Decision<?> d =
                    controller.run(image -> decisions.deleteTopic(image, name), timeout(request.getTimeoutMs()));
            response.addTopics(result(name, d));
        }
        answer(out, response.build());
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> out) {
        ListTopicsResponse.Builder response = ListTopicsResponse.newBuilder();
        for (TopicImage t : controller.image().topicsByName().values()) {
            if (request.getIncludeInternal() || !t.isInternal()) {
                response.addNames(t.name());
            }
        }
        answer(out, response.build());
    }

    @Override
    public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> out) {
        MetadataImage image = controller.image();
        DescribeTopicsResponse.Builder response = ImageViews.describeTopics(image, request.getNamesList()).toBuilder();
        int brokerMinIsr =
                Integer.parseInt(staticOrDefault(ServerKeys.MIN_INSYNC_REPLICAS).trim());
        for (TopicDescription.Builder t : response.getTopicsBuilderList()) {
            if (t.getError() == ErrorCode.NONE) {
                t.setMinInsyncReplicas(TopicConfigs.minInsyncReplicas(
                        DynamicBrokerConfigs.effectiveTopicConfigs(image, nodeId, t.getConfigsMap()), brokerMinIsr));
            }
        }
        answer(out, response.build());
    }

    @Override
    public void createPartitions(CreatePartitionsRequest request, StreamObserver<CreatePartitionsResponse> out) {
        CreatePartitionsResponse.Builder response = CreatePartitionsResponse.newBuilder();
        for (PartitionCountUpdate u : request.getTopicsList()) {
            Function<MetadataImage, Decision<Integer>> decide =
                    image -> decisions.createPartitions(image, u.getName(), u.getCount());
            Decision<?> d = request.getValidateOnly()
                    ? decide.apply(controller.image())
                    : controller.run(decide, TIMEOUT_DEFAULT);
            response.addTopics(result(u.getName(), d));
        }
        answer(out, response.build());
    }

    @Override
    public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> out) {
        answer(
                out,
                ImageViews.describeCluster(
                        controller.image(), ServerConfig.CLIENT_LISTENER, controllerId.get(), votersWithLag()));
    }

    /**
     * The voters, with their lag if this node is the active controller: only the Raft leader hears
     * from every voter, so any other node leaves the lags unknown (the client asks the controller).
     */
    private List<QuorumVoter> votersWithLag() {
        List<QuorumVoter> all = voters.get();
        if (!controller.isActiveController()) {
            return all;
        }
        Map<Integer, Long> lags = controller.quorumStatus().lagByNode();
        List<QuorumVoter> out = new ArrayList<>(all.size());
        for (QuorumVoter v : all) {
            Long lag = lags.get(v.getNodeId());
            if (lag == null && v.getNodeId() == nodeId) {
                lag = 0L;
            }
            out.add(
                    lag == null
                            ? v
                            : v.toBuilder().setLagEntries(lag).setLagKnown(true).build());
        }
        return out;
    }

    @Override
    public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> out) {
        MetadataImage image = controller.image();
        DescribeConfigsResponse.Builder response = DescribeConfigsResponse.newBuilder();
        for (dev.skiff.proto.v1.ConfigResource res : request.getResourcesList()) {
            DescribeConfigsResult.Builder r = DescribeConfigsResult.newBuilder().setResource(res);
            if (res.getType() == ResourceType.TOPIC) {
                Optional<TopicImage> t = image.topic(res.getName());
                if (t.isEmpty()) {
                    r.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                            .setErrorMessage("Topic '" + res.getName() + "' does not exist.");
                } else {
                    topicEntries(image, t.get().configs(), r);
                }
            } else if (res.getType() == ResourceType.BROKER) {
                if (!res.getName().equals(Integer.toString(nodeId))
                        && !res.getName().isEmpty()) {
                    r.setError(ErrorCode.INVALID_REQUEST)
                            .setErrorMessage("broker " + res.getName()
                                    + " cannot be described through node " + nodeId + "; ask that broker, or use "
                                    + nodeId);
                } else if (res.getName().isEmpty()) {
                    brokerDefaultEntries(image, r);
                } else {
                    brokerEntries(image, r);
                }
            } else {
                r.setError(ErrorCode.INVALID_REQUEST).setErrorMessage("resource type must be TOPIC or BROKER");
            }
            response.addResults(r);
        }
        answer(out, response.build());
    }

    /**
     * Every topic config with its value and source: the topic's override, else the dynamic config
     * of this broker, else the dynamic default of every broker, else server.properties or the default.
     */
    private void topicEntries(MetadataImage image, Map<String, String> overrides, DescribeConfigsResult.Builder r) {
        Map<String, String> perBroker =
                DynamicBrokerConfigs.asTopicConfigs(image.configs(ConfigResource.broker(nodeId)));
        Map<String, String> clusterDefault =
                DynamicBrokerConfigs.asTopicConfigs(image.configs(ConfigResource.brokerDefault()));
        Map<String, String> applied = DynamicBrokerConfigs.effectiveTopicConfigs(image, nodeId, overrides);
        Map<String, String> effective = new java.util.TreeMap<>(
                TopicConfigs.logConfig(logDefaults, applied).toMap());
        effective.putIfAbsent(TopicConfigs.MIN_INSYNC_REPLICAS, staticOrDefault(ServerKeys.MIN_INSYNC_REPLICAS));
        effective.putIfAbsent(
                TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE,
                staticOrDefault(ServerKeys.UNCLEAN_LEADER_ELECTION_ENABLE));
        effective.putAll(applied);
        for (Map.Entry<String, String> e : effective.entrySet()) {
            String key = e.getKey();
            ConfigSource source;
            if (overrides.containsKey(key)) {
                source = ConfigSource.DYNAMIC_TOPIC_CONFIG;
            } else if (perBroker.containsKey(key)) {
                source = ConfigSource.DYNAMIC_BROKER_CONFIG;
            } else if (clusterDefault.containsKey(key)) {
                source = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
            } else if (staticallySet(key)) {
                source = ConfigSource.STATIC_BROKER_CONFIG;
            } else {
                source = ConfigSource.DEFAULT_CONFIG;
            }
            r.addEntries(
                    ConfigEntry.newBuilder().setName(key).setValue(e.getValue()).setSource(source));
        }
    }

    /** Whether server.properties sets the broker key behind topic key {@code topicKey}. */
    private boolean staticallySet(String topicKey) {
        for (Map.Entry<String, String> k : ServerKeys.BROKER_TO_TOPIC.entrySet()) {
            if (k.getValue().equals(topicKey) && staticBrokerConfigs.containsKey(k.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** This broker's configs: dynamic ones first by precedence, then server.properties, then defaults. */
    private void brokerEntries(MetadataImage image, DescribeConfigsResult.Builder r) {
        Map<String, String> perBroker = image.configs(ConfigResource.broker(nodeId));
        Map<String, String> clusterDefault = image.configs(ConfigResource.brokerDefault());
        for (ServerKeys.Key k : ServerKeys.all().values()) {
            String name = k.name();
            ConfigEntry.Builder entry = ConfigEntry.newBuilder().setName(name);
            if (perBroker.containsKey(name)) {
                entry.setValue(perBroker.get(name)).setSource(ConfigSource.DYNAMIC_BROKER_CONFIG);
            } else if (clusterDefault.containsKey(name)) {
                entry.setValue(clusterDefault.get(name)).setSource(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            } else {
                entry.setValue(staticOrDefault(name))
                        .setSource(
                                staticBrokerConfigs.containsKey(name)
                                        ? ConfigSource.STATIC_BROKER_CONFIG
                                        : ConfigSource.DEFAULT_CONFIG);
            }
            r.addEntries(entry.setReadOnly(!DynamicBrokerConfigs.isDynamic(name)));
        }
    }

    /** The dynamic default of every broker (Kafka's {@code --entity-default}): only what was set. */
    private static void brokerDefaultEntries(MetadataImage image, DescribeConfigsResult.Builder r) {
        image.configs(ConfigResource.brokerDefault())
                .forEach((k, v) -> r.addEntries(ConfigEntry.newBuilder()
                        .setName(k)
                        .setValue(v)
                        .setSource(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)));
    }

    private String staticOrDefault(String key) {
        return staticBrokerConfigs.getOrDefault(key, ServerKeys.all().get(key).defaultValue());
    }

    @Override
    public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> out) {
        AlterConfigsResponse.Builder response = AlterConfigsResponse.newBuilder();
        for (AlterConfigsResource res : request.getResourcesList()) {
            AlterConfigsResult.Builder r = AlterConfigsResult.newBuilder().setResource(res.getResource());
            Optional<ConfigResource> resource = resource(res.getResource());
            if (resource.isEmpty()) {
                response.addResults(
                        r.setError(ErrorCode.INVALID_REQUEST).setErrorMessage("resource type must be TOPIC or BROKER"));
                continue;
            }
            List<ConfigOp> ops = new ArrayList<>();
            for (AlterableConfig c : res.getConfigsList()) {
                ops.add(
                        c.getOp() == AlterOp.DELETE
                                ? ConfigOp.delete(c.getName())
                                : ConfigOp.set(c.getName(), c.getValue()));
            }
            Function<MetadataImage, Decision<Map<String, String>>> decide =
                    image -> decisions.alterConfigs(image, resource.get(), ops);
            Decision<?> d = request.getValidateOnly()
                    ? decide.apply(controller.image())
                    : controller.run(decide, TIMEOUT_DEFAULT);
            if (d instanceof Decision.Refused<?> no) {
                r.setError(no.error()).setErrorMessage(no.message());
            }
            response.addResults(r);
        }
        answer(out, response.build());
    }

    @Override
    public void electLeaders(ElectLeadersRequest request, StreamObserver<ElectLeadersResponse> out) {
        ElectLeadersResponse.Builder response = ElectLeadersResponse.newBuilder();
        if (request.getElectionType() != ElectionType.PREFERRED) {
            answer(
                    out,
                    response.setError(ErrorCode.INVALID_REQUEST)
                            .setErrorMessage(
                                    request.getElectionType() == ElectionType.UNCLEAN
                                            ? UNCLEAN_REFUSED
                                            : "unknown election type " + request.getElectionTypeValue()
                                                    + ": use PREFERRED")
                            .build());
            return;
        }
        Optional<List<PreferredLeaders.PartitionRef>> partitions;
        if (request.getAllTopicPartitions()) {
            partitions = Optional.empty();
        } else {
            List<PreferredLeaders.PartitionRef> named = new ArrayList<>();
            for (TopicPartitions t : request.getTopicPartitionsList()) {
                t.getPartitionsList().forEach(p -> named.add(new PreferredLeaders.PartitionRef(t.getTopic(), p)));
            }
            partitions = Optional.of(named);
        }
        Decision<List<PreferredLeaders.Result>> d = controller.run(
                image -> decisions.electPreferredLeaders(image, partitions), timeout(request.getTimeoutMs()));
        if (d instanceof Decision.Accepted<List<PreferredLeaders.Result>> accepted) {
            for (PreferredLeaders.Result r : accepted.value()) {
                response.addResults(PartitionElectionResult.newBuilder()
                        .setTopic(r.partition().topic())
                        .setPartition(r.partition().partition())
                        .setError(r.error())
                        .setErrorMessage(r.message()));
            }
        } else {
            Decision.Refused<List<PreferredLeaders.Result>> no = (Decision.Refused<List<PreferredLeaders.Result>>) d;
            response.setError(no.error()).setErrorMessage(no.message());
        }
        answer(out, response.build());
    }

    @Override
    public void alterPartitionReassignments(
            AlterPartitionReassignmentsRequest request, StreamObserver<AlterPartitionReassignmentsResponse> out) {
        AlterPartitionReassignmentsResponse.Builder response = AlterPartitionReassignmentsResponse.newBuilder();
        List<Reassignments.Request> requests = new ArrayList<>();
        for (ReassignablePartition p : request.getPartitionsList()) {
            requests.add(new Reassignments.Request(
                    new PreferredLeaders.PartitionRef(p.getTopic(), p.getPartition()),
                    p.hasReplicas() ? Optional.of(p.getReplicas().getIdsList()) : Optional.empty()));
        }
        if (requests.isEmpty()) {
            answer(
                    out,
                    response.setError(ErrorCode.INVALID_REQUEST)
                            .setErrorMessage("the request names no partition to reassign")
                            .build());
            return;
        }
        Decision<List<Reassignments.Result>> d =
                controller.run(image -> decisions.alterReassignments(image, requests), timeout(request.getTimeoutMs()));
        if (d instanceof Decision.Accepted<List<Reassignments.Result>> accepted) {
            for (Reassignments.Result r : accepted.value()) {
                response.addResults(PartitionReassignmentResult.newBuilder()
                        .setTopic(r.partition().topic())
                        .setPartition(r.partition().partition())
                        .setError(r.error())
                        .setErrorMessage(r.message()));
            }
        } else {
            Decision.Refused<List<Reassignments.Result>> no = (Decision.Refused<List<Reassignments.Result>>) d;
            response.setError(no.error()).setErrorMessage(no.message());
        }
        answer(out, response.build());
    }

    @Override
    public void listPartitionReassignments(
            ListPartitionReassignmentsRequest request, StreamObserver<ListPartitionReassignmentsResponse> out) {
        java.util.Set<PreferredLeaders.PartitionRef> wanted = new java.util.HashSet<>();
        for (TopicPartitions t : request.getTopicPartitionsList()) {
            t.getPartitionsList().forEach(p -> wanted.add(new PreferredLeaders.PartitionRef(t.getTopic(), p)));
        }
        ListPartitionReassignmentsResponse.Builder response = ListPartitionReassignmentsResponse.newBuilder();
        for (Map.Entry<PreferredLeaders.PartitionRef, PartitionState> e : Reassignments.ongoing(controller.image())) {
            if (!wanted.isEmpty() && !wanted.contains(e.getKey())) {
                continue;
            }
            PartitionState p = e.getValue();
            response.addReassignments(OngoingReassignment.newBuilder()
                    .setTopic(e.getKey().topic())
                    .setPartition(e.getKey().partition())
                    .addAllReplicas(p.replicas())
                    .addAllAddingReplicas(p.addingReplicas())
                    .addAllRemovingReplicas(p.removingReplicas())
                    .addAllIsr(p.isr()));
        }
        answer(out, response.build());
    }

    @Override
    public void unregisterBroker(UnregisterBrokerRequest request, StreamObserver<UnregisterBrokerResponse> out) {
        int id = request.getBrokerId();
        Decision<Integer> d = controller.run(
                image -> {
                    List<String> held = new ArrayList<>();
                    for (TopicImage t : image.topics()) {
                        for (PartitionState p : t.partitions()) {
                            if (p.replicas().contains(id)) {
                                held.add(t.name() + "-" + p.index());
                            }
                        }
                    }
                    if (!held.isEmpty()) {
                        return new Decision.Refused<>(
                                ErrorCode.INVALID_REQUEST,
                                "broker " + id + " still holds replicas of " + held.size() + " partition(s) ("
                                        + String.join(", ", held.subList(0, Math.min(5, held.size())))
                                        + (held.size() > 5 ? ", ..." : "") + "): move them away first; skiff cluster"
                                        + " decommission --broker " + id + " does both");
                    }
                    return decisions.unregisterBroker(image, id);
                },
                timeout(request.getTimeoutMs()));
        UnregisterBrokerResponse.Builder r = UnregisterBrokerResponse.newBuilder();
        if (d instanceof Decision.Refused<Integer> no) {
            r.setError(no.error()).setErrorMessage(no.message());
        }
        answer(out, r.build());
    }

    @Override
    public void addController(ControllerMembershipRequest request, StreamObserver<ControllerMembershipResponse> out) {
        changeVoters(request, out, true);
    }

    @Override
    public void removeController(
            ControllerMembershipRequest request, StreamObserver<ControllerMembershipResponse> out) {
        changeVoters(request, out, false);
    }

    private void changeVoters(
            ControllerMembershipRequest request, StreamObserver<ControllerMembershipResponse> out, boolean add) {
        ControllerMembershipResponse.Builder r = ControllerMembershipResponse.newBuilder();
        int id = request.getControllerId();
        if (id < 0) {
            answer(
                    out,
                    r.setError(ErrorCode.INVALID_REQUEST)
                            .setErrorMessage("controller id " + id + " is negative")
                            .build());
            return;
        }
        try {
            if (add) {
                controller.addVoter(id);
            } else {
                controller.removeVoter(id);
            }
        } catch (dev.skiff.metadata.quorum.MetadataQuorum.NotActiveControllerException e) {
            r.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(e.getMessage());
        } catch (java.io.IOException e) {
            r.setError(ErrorCode.INVALID_REQUEST).setErrorMessage(e.getMessage());
        }
        r.setLeaderId(controllerId.get().orElse(-1));
        controller.currentVoters().forEach(v -> r.addVoters(v.nodeId()));
        answer(out, r.build());
    }

    private Optional<ConfigResource> resource(dev.skiff.proto.v1.ConfigResource res) {
        if (res.getType() == ResourceType.TOPIC) {
            return Optional.of(ConfigResource.topic(res.getName()));
        }
        if (res.getType() == ResourceType.BROKER) {
            return Optional.of(
                    res.getName().isEmpty()
                            ? ConfigResource.brokerDefault()
                            : new ConfigResource(ConfigResource.Type.BROKER, res.getName()));
        }
        return Optional.empty();
    }

    private static TopicResult result(String name, Decision<?> d) {
        TopicResult.Builder r = TopicResult.newBuilder().setName(name);
        if (d instanceof Decision.Refused<?> no) {
            r.setError(no.error()).setErrorMessage(no.message());
        }
        return r.build();
    }

    private static Duration timeout(int timeoutMs) {
        return timeoutMs <= 0 ? TIMEOUT_DEFAULT : Duration.ofMillis(Math.min(timeoutMs, 300_000));
    }

    @Override
    public void describeQuorum(DescribeQuorumRequest request, StreamObserver<DescribeQuorumResponse> out) {
        Optional<QuorumReplication> replication = controller.quorumReplication();
        if (replication.isEmpty()) {
            OptionalInt active = controllerId.get();
            answer(
                    out,
                    DescribeQuorumResponse.newBuilder()
                            .setError(ErrorCode.NOT_CONTROLLER)
                            .setErrorMessage("node " + nodeId + " is not the active controller"
                                    + (active.isPresent() ? "; node " + active.getAsInt() + " is" : "; none is elected")
                                    + ": only it knows how far every replica of the metadata log is")
                            .setLeaderId(active.orElse(-1))
                            .build());
            return;
        }
        QuorumReplication q = replication.get();
        DescribeQuorumResponse.Builder b = DescribeQuorumResponse.newBuilder()
                .setClusterId(controller.image().clusterId().orElse(""))
                .setLeaderId(q.leaderId())
                .setLeaderEpoch(q.term())
                .setHighWatermark(q.highWatermark());
        q.voters().forEach(r -> b.addVoters(replica(r)));
        q.observers().forEach(r -> b.addObservers(replica(r)));
        answer(out, b.build());
    }

    private static QuorumReplica replica(QuorumReplication.Replica r) {
        return QuorumReplica.newBuilder()
                .setNodeId(r.nodeId())
                .setLogEndOffset(r.logEndOffset())
                .setLastFetchTimestampMs(r.lastFetchMs().orElse(-1))
                .setLastCaughtUpTimestampMs(r.lastCaughtUpMs().orElse(-1))
                .build();
    }

    private static <T> void answer(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
