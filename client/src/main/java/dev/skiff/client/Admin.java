package dev.skiff.client;

import dev.skiff.client.internals.AdminCall;
import dev.skiff.client.internals.AdminCall.Outcome;
import dev.skiff.client.internals.AdminProtocol;
import dev.skiff.client.internals.Backoff;
import dev.skiff.client.internals.Channels;
import dev.skiff.client.internals.ClientExecutors;
import dev.skiff.client.internals.ConfigValues;
import dev.skiff.client.internals.CoordinatorCall;
import dev.skiff.client.internals.GroupAdminProtocol;
import dev.skiff.client.internals.HostPort;
import dev.skiff.proto.v1.AdminGrpc;
import dev.skiff.proto.v1.AlterConfigsRequest;
import dev.skiff.proto.v1.AlterConfigsResponse;
import dev.skiff.proto.v1.AlterPartitionReassignmentsResponse;
import dev.skiff.proto.v1.ControllerMembershipRequest;
import dev.skiff.proto.v1.ControllerMembershipResponse;
import dev.skiff.proto.v1.CreatePartitionsRequest;
import dev.skiff.proto.v1.CreatePartitionsResponse;
import dev.skiff.proto.v1.CreateTopicsRequest;
import dev.skiff.proto.v1.CreateTopicsResponse;
import dev.skiff.proto.v1.DeleteGroupsRequest;
import dev.skiff.proto.v1.DeleteGroupsResponse;
import dev.skiff.proto.v1.DeleteTopicsRequest;
import dev.skiff.proto.v1.DeleteTopicsResponse;
import dev.skiff.proto.v1.DescribeClusterRequest;
import dev.skiff.proto.v1.DescribeClusterResponse;
import dev.skiff.proto.v1.DescribeConfigsRequest;
import dev.skiff.proto.v1.DescribeConfigsResponse;
import dev.skiff.proto.v1.DescribeGroupsRequest;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.DescribeQuorumRequest;
import dev.skiff.proto.v1.DescribeTopicsRequest;
import dev.skiff.proto.v1.DescribeTopicsResponse;
import dev.skiff.proto.v1.ElectLeadersResponse;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.ListGroupsRequest;
import dev.skiff.proto.v1.ListGroupsResponse;
import dev.skiff.proto.v1.ListPartitionReassignmentsResponse;
import dev.skiff.proto.v1.ListTopicsRequest;
import dev.skiff.proto.v1.ListTopicsResponse;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.PartitionCountUpdate;
import dev.skiff.proto.v1.UnregisterBrokerRequest;
import dev.skiff.proto.v1.UnregisterBrokerResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Topics, partitions, configs, the cluster and consumer groups, as Kafka's Admin client offers
 * them. Every method returns at once with futures; each operation is retried (connection
 * failures, {@code NOT_CONTROLLER}; for groups, a coordinator that moved, is loading or is not
 * there yet) until {@code default.api.timeout.ms}. A cluster that never answers fails the
 * futures with {@link ClusterUnreachableException}. Thread-safe.
 */
public final class Admin implements AutoCloseable {
    private static final String ALL = "";

    private final AdminConfig config;
    private final ScheduledExecutorService timers;
    private final Channels channels;
    private final AdminCall.Context ctx;

    public static Admin create(Map<String, ?> configs) {
        return new Admin(configs, ClientEnvironment.system());
    }

    public static Admin create(Properties props) {
        return new Admin(ConfigValues.toMap(props), ClientEnvironment.system());
    }

    public Admin(Map<String, ?> configs, ClientEnvironment env) {
        this.config = AdminConfig.parse(configs);
        this.timers = ClientExecutors.singleThread(
                env.threadFactory("skiff-admin-timer | " + config.common().clientId()));
        this.channels = new Channels(env.channelFactory(64 << 20), env.clock());
        Backoff backoff =
                new Backoff(config.common().retryBackoffMs(), config.common().retryBackoffMaxMs(), env.random());
        this.ctx = new AdminCall.Context(
                channels,
                config.common().bootstrapServers(),
                env.clock(),
                timers,
                backoff,
                config.common().requestTimeoutMs(),
                config.defaultApiTimeoutMs(),
                config.common().connectionSetupTimeoutMs());
    }

    /** Creates topics; see {@link CreateTopicsOptions} for validate-only and if-not-exists. */
    public KeyedResult<String, CreatedTopic> createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
        Map<String, NewTopic> byName = new LinkedHashMap<>();
        for (NewTopic t : topics) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("Topic " + t.name() + " is listed twice");
            }
        }
        return AdminCall.run(
                "CreateTopics",
                ctx,
                byName.keySet(),
                (node, names, timeoutMs) -> {
                    CreateTopicsRequest.Builder req = CreateTopicsRequest.newBuilder()
                            .setValidateOnly(options.validateOnly())
                            .setTimeoutMs((int) timeoutMs);
                    names.forEach(n -> req.addTopics(AdminProtocol.creatable(byName.get(n))));
                    return channels.call(node, AdminGrpc.getCreateTopicsMethod(), req.build(), timeoutMs);
                },
                (CreateTopicsResponse resp, Set<String> names) -> AdminProtocol.created(resp, options.ifNotExists()),
                false);
    }

    public KeyedResult<String, CreatedTopic> createTopics(Collection<NewTopic> topics) {
        return createTopics(topics, CreateTopicsOptions.defaults());
    }

    /** Deletes topics by name; a missing one fails with {@link Errors#UNKNOWN_TOPIC_OR_PARTITION}. */
    public KeyedResult<String, Void> deleteTopics(Collection<String> names) {
        return AdminCall.run(
                "DeleteTopics",
                ctx,
                new LinkedHashSet<>(names),
                (node, keys, timeoutMs) -> channels.call(
                        node,
                        AdminGrpc.getDeleteTopicsMethod(),
                        DeleteTopicsRequest.newBuilder()
                                .addAllNames(keys)
                                .setTimeoutMs((int) timeoutMs)
                                .build(),
                        timeoutMs),
                (DeleteTopicsResponse resp, Set<String> keys) -> AdminProtocol.topicResults(resp.getTopicsList()),
                false);
    }

    /** Topic names, sorted; internal topics ({@code __consumer_offsets}) only if asked for. */
    public CompletableFuture<SortedSet<String>> listTopics(boolean includeInternal) {
        return AdminCall.run(
                        "ListTopics",
                        ctx,
                        Set.of(ALL),
                        (node, keys, timeoutMs) -> channels.call(
                                node,
                                AdminGrpc.getListTopicsMethod(),
                                ListTopicsRequest.newBuilder()
                                        .setIncludeInternal(includeInternal)
                                        .build(),
                                timeoutMs),
                        (ListTopicsResponse resp, Set<String> keys) -> Map.<String, Outcome<SortedSet<String>>>of(
                                ALL, new Outcome.Done<>(AdminProtocol.names(resp))),
                        true)
                .value(ALL);
    }

    /** Describes topics: id, partitions (leader, replicas, ISR) and config overrides. */
    public KeyedResult<String, TopicDescription> describeTopics(Collection<String> names) {
        return AdminCall.run(
                "DescribeTopics",
                ctx,
                new LinkedHashSet<>(names),
                (node, keys, timeoutMs) -> channels.call(
                        node,
                        AdminGrpc.getDescribeTopicsMethod(),
                        DescribeTopicsRequest.newBuilder().addAllNames(keys).build(),
                        timeoutMs),
                (DescribeTopicsResponse resp, Set<String> keys) -> AdminProtocol.described(resp),
                true);
    }

    /** Raises topics' partition counts to the given totals. */
    public KeyedResult<String, Void> createPartitions(Map<String, Integer> newTotalCounts) {
        return AdminCall.run(
                "CreatePartitions",
                ctx,
                new LinkedHashSet<>(newTotalCounts.keySet()),
                (node, keys, timeoutMs) -> {
                    CreatePartitionsRequest.Builder req = CreatePartitionsRequest.newBuilder();
                    keys.forEach(k -> req.addTopics(
                            PartitionCountUpdate.newBuilder().setName(k).setCount(newTotalCounts.get(k))));
                    return channels.call(node, AdminGrpc.getCreatePartitionsMethod(), req.build(), timeoutMs);
                },
                (CreatePartitionsResponse resp, Set<String> keys) -> AdminProtocol.topicResults(resp.getTopicsList()),
                false);
    }

    /**
     * The cluster id, active controller, brokers (live, and every registered one with its fenced
     * flag and incarnation) and quorum voters. Only the active controller knows how far each voter
     * lags, so if another node answered, the controller is asked too (once, if it has a client
     * endpoint); if it cannot be reached, the lags stay unknown.
     */
    public CompletableFuture<ClusterDescription> describeCluster() {
        return AdminCall.run(
                        "DescribeCluster",
                        ctx,
                        Set.of(ALL),
                        (node, keys, timeoutMs) -> channels.call(
                                node,
                                AdminGrpc.getDescribeClusterMethod(),
                                DescribeClusterRequest.getDefaultInstance(),
                                timeoutMs),
                        (DescribeClusterResponse resp, Set<String> keys) -> Map.<String, Outcome<ClusterDescription>>of(
                                ALL, new Outcome.Done<>(AdminProtocol.cluster(resp))),
                        true)
                .value(ALL)
                .thenCompose(this::withLagsFromController);
    }

    private CompletableFuture<ClusterDescription> withLagsFromController(ClusterDescription first) {
        if (first.lagsKnown() || first.controllerId() < 0) {
            return CompletableFuture.completedFuture(first);
        }
        Optional<HostPort> controller = first.registeredBrokers().stream()
                .filter(b -> b.id() == first.controllerId() && !b.host().isEmpty() && b.port() > 0)
                .map(b -> new HostPort(b.host(), b.port()))
                .findFirst();
        if (controller.isEmpty()) {
            return CompletableFuture.completedFuture(first);
        }
        return channels.call(
                        controller.get(),
                        AdminGrpc.getDescribeClusterMethod(),
                        DescribeClusterRequest.getDefaultInstance(),
                        config.common().requestTimeoutMs())
                .handle((resp, failure) -> {
                    if (failure != null) {
                        return first;
                    }
                    ClusterDescription fromController = AdminProtocol.cluster(resp);
                    return fromController.lagsKnown() ? fromController : first;
                });
    }

    /**
     * How far every voter and observer has replicated the metadata log. Only the active controller
     * knows, so this asks {@link #describeCluster} which node that is and asks it, again if the
     * role moved meanwhile, until {@code default.api.timeout.ms}.
     */
    public CompletableFuture<QuorumInfo> describeMetadataQuorum() {
        return callActiveController(
                "describe the metadata quorum",
                AdminGrpc.getDescribeQuorumMethod(),
                DescribeQuorumRequest.getDefaultInstance(),
                config.common().requestTimeoutMs(),
                ctx.clock().millis() + ctx.defaultApiTimeoutMs(),
                resp -> resp.getError() == dev.skiff.proto.v1.ErrorCode.NONE
                        ? new AdminCall.Outcome.Done<>(AdminProtocol.quorum(resp))
                        : new AdminCall.Outcome.Retry<>(resp.getErrorMessage()));
    }

    /**
     * Makes {@code controllerId}, a node that follows the metadata log as an observer (started with
     * {@code process.roles=broker}), a voter of the metadata quorum, as kafka-metadata-quorum's
     * add-controller. Asked of the active controller (found through {@link #describeCluster}, again
     * if the role moves), and answered once the new configuration is committed; the future holds
     * the voters then. A refusal fails it with {@link Errors#INVALID_REQUEST} and the reason.
     */
    public CompletableFuture<List<Integer>> addController(int controllerId) {
        return changeControllers(AdminGrpc.getAddControllerMethod(), controllerId);
    }

    /** Takes voter {@code controllerId} out of the metadata quorum, as kafka-metadata-quorum's remove-controller. */
    public CompletableFuture<List<Integer>> removeController(int controllerId) {
        return changeControllers(AdminGrpc.getRemoveControllerMethod(), controllerId);
    }

    private CompletableFuture<List<Integer>> changeControllers(
            io.grpc.MethodDescriptor<ControllerMembershipRequest, ControllerMembershipResponse> method,
            int controllerId) {
        return callActiveController(
                "change the controllers of the metadata quorum",
                method,
                ControllerMembershipRequest.newBuilder()
                        .setControllerId(controllerId)
                        .build(),
                Math.max(config.common().requestTimeoutMs(), 30_000),
                ctx.clock().millis() + ctx.defaultApiTimeoutMs(),
                resp -> {
                    Errors e = Errors.of(resp.getError());
                    if (e == Errors.NONE) {
                        return new AdminCall.Outcome.Done<>(List.copyOf(resp.getVotersList()));
                    }
                    return e == Errors.NOT_CONTROLLER
                            ? new AdminCall.Outcome.Retry<>(resp.getErrorMessage())
                            : new AdminCall.Outcome.Failed<>(e.exception(resp.getErrorMessage()));
                });
    }

    /**
     * Calls the active controller, found through {@link #describeCluster}: only it knows the quorum's
     * replication and only it changes the voters. An unknown controller, a failed call or an answer
     * that {@code parse} retries asks again (the role may have moved) after retry.backoff.ms, until
     * {@code deadlineMs}; then the future fails with a TimeoutException saying it could not {@code what}.
     */
    private <Q, R, T> CompletableFuture<T> callActiveController(
            String what,
            io.grpc.MethodDescriptor<Q, R> method,
            Q request,
            long timeoutMs,
            long deadlineMs,
            java.util.function.Function<R, AdminCall.Outcome<T>> parse) {
        return describeCluster().thenCompose(cluster -> {
            Optional<HostPort> controller = cluster.registeredBrokers().stream()
                    .filter(b -> b.id() == cluster.controllerId() && !b.host().isEmpty() && b.port() > 0)
                    .map(b -> new HostPort(b.host(), b.port()))
                    .findFirst();
            if (controller.isEmpty()) {
                return retryOnActiveController(
                        what,
                        method,
                        request,
                        timeoutMs,
                        deadlineMs,
                        parse,
                        "no active controller with a client endpoint is known");
            }
            return channels.call(controller.get(), method, request, timeoutMs)
                    .handle((resp, failure) -> {
                        if (failure != null) {
                            return retryOnActiveController(
                                    what, method, request, timeoutMs, deadlineMs, parse, failure.toString());
                        }
                        AdminCall.Outcome<T> outcome = parse.apply(resp);
                        if (outcome instanceof AdminCall.Outcome.Done<T> done) {
                            return CompletableFuture.completedFuture(done.value());
                        }
                        if (outcome instanceof AdminCall.Outcome.Retry<T> retry) {
                            return retryOnActiveController(
                                    what, method, request, timeoutMs, deadlineMs, parse, retry.reason());
                        }
                        return CompletableFuture.<T>failedFuture(((AdminCall.Outcome.Failed<T>) outcome).error());
                    })
                    .thenCompose(f -> f);
        });
    }

    private <Q, R, T> CompletableFuture<T> retryOnActiveController(
            String what,
            io.grpc.MethodDescriptor<Q, R> method,
            Q request,
            long timeoutMs,
            long deadlineMs,
            java.util.function.Function<R, AdminCall.Outcome<T>> parse,
            String why) {
        if (ctx.clock().millis() >= deadlineMs) {
            return CompletableFuture.failedFuture(new TimeoutException("could not " + what + ": " + why));
        }
        return CompletableFuture.supplyAsync(
                        () -> null,
                        CompletableFuture.delayedExecutor(
                                config.common().retryBackoffMs(), java.util.concurrent.TimeUnit.MILLISECONDS, timers))
                .thenCompose(ignored -> callActiveController(what, method, request, timeoutMs, deadlineMs, parse));
    }

    /**
     * Elects leaders for {@code partitions}, as Kafka's {@code Admin.electLeaders}: each partition's
     * outcome, empty if elected, else its error ({@link Errors#ELECTION_NOT_NEEDED}: it already has
     * that leader; {@link Errors#PREFERRED_LEADER_NOT_AVAILABLE}; {@link
     * Errors#UNKNOWN_TOPIC_OR_PARTITION}). Only {@link ElectionType#PREFERRED} is supported by skiff
     * brokers so far; an error of the whole request fails the future.
     */
    public CompletableFuture<SortedMap<TopicPartition, Optional<ApiException>>> electLeaders(
            ElectionType type, Set<TopicPartition> partitions) {
        return electLeaders(type, Optional.of(Set.copyOf(partitions)));
    }

    /**
     * Elects leaders for every partition of every topic; the answer leaves out the partitions that
     * already have the leader the election would pick.
     */
    public CompletableFuture<SortedMap<TopicPartition, Optional<ApiException>>> electLeaders(ElectionType type) {
        return electLeaders(type, Optional.empty());
    }

    private CompletableFuture<SortedMap<TopicPartition, Optional<ApiException>>> electLeaders(
            ElectionType type, Optional<Set<TopicPartition>> partitions) {
        return AdminCall.run(
                        "ElectLeaders",
                        ctx,
                        Set.of(ALL),
                        (node, keys, timeoutMs) -> channels.call(
                                node,
                                AdminGrpc.getElectLeadersMethod(),
                                AdminProtocol.electLeaders(type, partitions, timeoutMs),
                                timeoutMs),
                        (ElectLeadersResponse resp, Set<String> keys) -> AdminProtocol.elected(resp, ALL),
                        false)
                .value(ALL);
    }

    /**
     * Moves each partition to its target replicas (the first is the preferred leader), or, for an
     * empty target, cancels its move, as Kafka's {@code Admin.alterPartitionReassignments}. Each
     * future completes once the controller has committed the start (the copy goes on in the
     * background: see {@link #listPartitionReassignments}); a bad target fails with {@link
     * Errors#INVALID_REPLICA_ASSIGNMENT}, a cancel of a partition not being moved with {@link
     * Errors#NO_REASSIGNMENT_IN_PROGRESS}.
     */
    public KeyedResult<TopicPartition, Void> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets) {
        Map<TopicPartition, Optional<List<Integer>>> copy = new LinkedHashMap<>();
        targets.forEach((tp, r) -> copy.put(tp, r.map(List::copyOf)));
        return AdminCall.run(
                "AlterPartitionReassignments",
                ctx,
                copy.keySet(),
                (node, partitions, timeoutMs) -> channels.call(
                        node,
                        AdminGrpc.getAlterPartitionReassignmentsMethod(),
                        AdminProtocol.reassign(copy, partitions, timeoutMs),
                        timeoutMs),
                (AlterPartitionReassignmentsResponse resp, Set<TopicPartition> partitions) ->
                        AdminProtocol.reassigned(resp, partitions),
                false);
    }

    /**
     * Removes a broker from the cluster for good, as Kafka's {@code Admin.unregisterBroker}; fails
     * with {@link Errors#INVALID_REQUEST} while it still holds replicas (move them first) and with
     * {@link Errors#BROKER_NOT_AVAILABLE} if it is not registered.
     */
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        return AdminCall.run(
                        "UnregisterBroker",
                        ctx,
                        Set.of(ALL),
                        (node, keys, timeoutMs) -> channels.call(
                                node,
                                AdminGrpc.getUnregisterBrokerMethod(),
                                UnregisterBrokerRequest.newBuilder()
                                        .setBrokerId(brokerId)
                                        .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                                        .build(),
                                timeoutMs),
                        (UnregisterBrokerResponse resp, Set<String> keys) ->
                                AdminProtocol.unregistered(resp, ALL, brokerId),
                        false)
                .value(ALL);
    }

    /** Every partition being moved, as Kafka's {@code Admin.listPartitionReassignments}. */
    public CompletableFuture<SortedMap<TopicPartition, PartitionReassignment>> listPartitionReassignments() {
        return listPartitionReassignments(Optional.empty());
    }

    /** Those of {@code partitions} being moved; the others are left out of the answer. */
    public CompletableFuture<SortedMap<TopicPartition, PartitionReassignment>> listPartitionReassignments(
            Set<TopicPartition> partitions) {
        return listPartitionReassignments(Optional.of(Set.copyOf(partitions)));
    }

    private CompletableFuture<SortedMap<TopicPartition, PartitionReassignment>> listPartitionReassignments(
            Optional<Set<TopicPartition>> partitions) {
        return AdminCall.run(
                        "ListPartitionReassignments",
                        ctx,
                        Set.of(ALL),
                        (node, keys, timeoutMs) -> channels.call(
                                node,
                                AdminGrpc.getListPartitionReassignmentsMethod(),
                                AdminProtocol.listReassignments(partitions),
                                timeoutMs),
                        (ListPartitionReassignmentsResponse resp, Set<String> keys) ->
                                AdminProtocol.reassignments(resp, ALL),
                        true)
                .value(ALL);
    }

    /**
     * The configs of topics (asked of any broker) and of brokers (asked of that broker, the only one
     * that knows its own static configs, found through {@link #describeCluster}).
     */
    public KeyedResult<ConfigResource, List<ConfigEntry>> describeConfigs(Collection<ConfigResource> resources) {
        Set<ConfigResource> topics = new LinkedHashSet<>();
        Map<ConfigResource, CompletableFuture<List<ConfigEntry>>> futures = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            if (r.type() == ConfigResource.Type.BROKER) {
                futures.put(r, describeBrokerConfigs(r));
            } else {
                topics.add(r);
            }
        }
        if (!topics.isEmpty()) {
            futures.putAll(describeConfigsAt(Optional.empty(), topics).values());
        }
        Map<ConfigResource, CompletableFuture<List<ConfigEntry>>> ordered = new LinkedHashMap<>();
        resources.forEach(r -> ordered.put(r, futures.get(r)));
        return new KeyedResult<>(ordered);
    }

    private CompletableFuture<List<ConfigEntry>> describeBrokerConfigs(ConfigResource broker) {
        return describeCluster().thenCompose(cluster -> {
            Optional<HostPort> node = cluster.registeredBrokers().stream()
                    .filter(b -> Integer.toString(b.id()).equals(broker.name()) && b.port() > 0)
                    .map(b -> new HostPort(b.host(), b.port()))
                    .findFirst();
            // An unknown id goes to any broker, which answers with the error naming it.
            return describeConfigsAt(node, Set.of(broker)).value(broker);
        });
    }

    private KeyedResult<ConfigResource, List<ConfigEntry>> describeConfigsAt(
            Optional<HostPort> node, Set<ConfigResource> resources) {
        AdminCall.Context at = node.map(n -> new AdminCall.Context(
                        ctx.channels(),
                        List.of(n),
                        ctx.clock(),
                        ctx.timers(),
                        ctx.backoff(),
                        ctx.requestTimeoutMs(),
                        ctx.defaultApiTimeoutMs(),
                        ctx.connectionSetupTimeoutMs()))
                .orElse(ctx);
        return AdminCall.run(
                "DescribeConfigs",
                at,
                resources,
                (n, keys, timeoutMs) -> {
                    DescribeConfigsRequest.Builder req = DescribeConfigsRequest.newBuilder();
                    keys.forEach(k -> req.addResources(AdminProtocol.resource(k)));
                    return channels.call(n, AdminGrpc.getDescribeConfigsMethod(), req.build(), timeoutMs);
                },
                (DescribeConfigsResponse resp, Set<ConfigResource> keys) -> AdminProtocol.configs(resp),
                true);
    }

    /** Sets or deletes individual config keys of each resource. */
    public KeyedResult<ConfigResource, Void> incrementalAlterConfigs(
            Map<ConfigResource, ? extends Collection<AlterConfigOp>> ops, boolean validateOnly) {
        Map<ConfigResource, List<AlterConfigOp>> copy = new LinkedHashMap<>();
        ops.forEach((r, list) -> copy.put(r, new ArrayList<>(list)));
        return AdminCall.run(
                "AlterConfigs",
                ctx,
                copy.keySet(),
                (node, keys, timeoutMs) -> {
                    AlterConfigsRequest.Builder req =
                            AlterConfigsRequest.newBuilder().setValidateOnly(validateOnly);
                    keys.forEach(k -> req.addResources(AdminProtocol.alter(k, copy.get(k))));
                    return channels.call(node, AdminGrpc.getAlterConfigsMethod(), req.build(), timeoutMs);
                },
                (AlterConfigsResponse resp, Set<ConfigResource> keys) -> AdminProtocol.altered(resp),
                false);
    }

    public KeyedResult<ConfigResource, Void> incrementalAlterConfigs(
            Map<ConfigResource, ? extends Collection<AlterConfigOp>> ops) {
        return incrementalAlterConfigs(ops, false);
    }

    // Consumer groups. Each group's requests go to its coordinator (CoordinatorCall).

    /** Every consumer group of the cluster (ListGroups at every live broker, merged), sorted by id. */
    public CompletableFuture<List<ConsumerGroupListing>> listConsumerGroups() {
        return listConsumerGroups(Set.of());
    }

    /** The consumer groups in one of {@code states} (every state if empty), sorted by id. */
    public CompletableFuture<List<ConsumerGroupListing>> listConsumerGroups(Set<GroupState> states) {
        ListGroupsRequest.Builder req = ListGroupsRequest.newBuilder();
        states.forEach(s -> req.addStatesFilter(s.toString()));
        ListGroupsRequest request = req.build();
        return describeCluster().thenCompose(cluster -> {
            List<CompletableFuture<List<ConsumerGroupListing>>> perBroker = new ArrayList<>();
            for (Node broker : cluster.brokers()) {
                HostPort address = new HostPort(broker.host(), broker.port());
                perBroker.add(AdminCall.run(
                                "ListGroups",
                                ctx,
                                Set.of(ALL),
                                (node, keys, timeoutMs) ->
                                        channels.call(address, GroupGrpc.getListGroupsMethod(), request, timeoutMs),
                                (ListGroupsResponse resp, Set<String> keys) -> GroupAdminProtocol.listed(resp, ALL),
                                true)
                        .value(ALL));
            }
            return CompletableFuture.allOf(perBroker.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> {
                        // A group whose coordinator just moved may be listed by two brokers; keep one.
                        SortedMap<String, ConsumerGroupListing> merged = new java.util.TreeMap<>();
                        perBroker.forEach(f -> f.join().forEach(g -> merged.putIfAbsent(g.groupId(), g)));
                        return List.copyOf(merged.values());
                    });
        });
    }

    /**
     * Describes groups at their coordinators: state, assignor, members and the partitions assigned
     * to each. An unknown group is described as {@link GroupState#DEAD} with no members.
     */
    public KeyedResult<String, ConsumerGroupDescription> describeConsumerGroups(Collection<String> groupIds) {
        Map<String, CompletableFuture<ConsumerGroupDescription>> out = new LinkedHashMap<>();
        for (String groupId : new LinkedHashSet<>(groupIds)) {
            out.put(
                    groupId,
                    CoordinatorCall.run(
                                    "DescribeGroups",
                                    ctx,
                                    groupId,
                                    Set.of(groupId),
                                    (coordinator, keys, timeoutMs) -> channels.call(
                                            coordinator,
                                            GroupGrpc.getDescribeGroupsMethod(),
                                            DescribeGroupsRequest.newBuilder()
                                                    .addAllGroupIds(keys)
                                                    .build(),
                                            timeoutMs),
                                    (Node coordinator, DescribeGroupsResponse resp, Set<String> keys) ->
                                            GroupAdminProtocol.described(coordinator, resp),
                                    true)
                            .value(groupId));
        }
        return new KeyedResult<>(out);
    }

    /** The group's committed offsets, by partition; partitions without one are absent. */
    public CompletableFuture<SortedMap<TopicPartition, OffsetAndMetadata>> listConsumerGroupOffsets(String groupId) {
        return listConsumerGroupOffsets(groupId, Optional.empty());
    }

    /** The group's committed offsets of these partitions; partitions without one are absent. */
    public CompletableFuture<SortedMap<TopicPartition, OffsetAndMetadata>> listConsumerGroupOffsets(
            String groupId, Collection<TopicPartition> partitions) {
        return listConsumerGroupOffsets(groupId, Optional.of(List.copyOf(partitions)));
    }

    private CompletableFuture<SortedMap<TopicPartition, OffsetAndMetadata>> listConsumerGroupOffsets(
            String groupId, Optional<List<TopicPartition>> partitions) {
        return CoordinatorCall.run(
                        "OffsetFetch",
                        ctx,
                        groupId,
                        Set.of(groupId),
                        (coordinator, keys, timeoutMs) -> channels.call(
                                coordinator,
                                GroupGrpc.getOffsetFetchMethod(),
                                GroupAdminProtocol.offsetFetch(groupId, partitions),
                                timeoutMs),
                        (Node coordinator, OffsetFetchResponse resp, Set<String> keys) ->
                                GroupAdminProtocol.fetched(resp, groupId, groupId),
                        true)
                .value(groupId);
    }

    /**
     * Sets the group's committed offsets from outside the group (generation -1, no member id). The
     * coordinator accepts this only while the group has no members; otherwise each partition fails
     * (typically {@link Errors#UNKNOWN_MEMBER_ID}).
     */
    public KeyedResult<TopicPartition, Void> alterConsumerGroupOffsets(
            String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        return CoordinatorCall.run(
                "OffsetCommit",
                ctx,
                groupId,
                new LinkedHashSet<>(new java.util.TreeSet<>(copy.keySet())),
                (coordinator, keys, timeoutMs) -> channels.call(
                        coordinator,
                        GroupGrpc.getOffsetCommitMethod(),
                        GroupAdminProtocol.offsetCommit(groupId, copy, keys),
                        timeoutMs),
                (Node coordinator, OffsetCommitResponse resp, Set<TopicPartition> keys) ->
                        GroupAdminProtocol.committed(resp, keys, groupId),
                // Committing the same offsets twice leaves the same state.
                true);
    }

    /**
     * Deletes empty groups and their committed offsets: {@link Errors#NON_EMPTY_GROUP} while a
     * group has members, {@link Errors#GROUP_ID_NOT_FOUND} for an unknown one.
     */
    public KeyedResult<String, Void> deleteConsumerGroups(Collection<String> groupIds) {
        Map<String, CompletableFuture<Void>> out = new LinkedHashMap<>();
        for (String groupId : new LinkedHashSet<>(groupIds)) {
            out.put(
                    groupId,
                    CoordinatorCall.run(
                                    "DeleteGroups",
                                    ctx,
                                    groupId,
                                    Set.of(groupId),
                                    (coordinator, keys, timeoutMs) -> channels.call(
                                            coordinator,
                                            GroupGrpc.getDeleteGroupsMethod(),
                                            DeleteGroupsRequest.newBuilder()
                                                    .addAllGroupIds(keys)
                                                    .build(),
                                            timeoutMs),
                                    (Node coordinator, DeleteGroupsResponse resp, Set<String> keys) ->
                                            GroupAdminProtocol.deleted(resp),
                                    false)
                            .value(groupId));
        }
        return new KeyedResult<>(out);
    }

    /**
     * Deletes the group's committed offsets of these partitions; a partition of a topic that a
     * member subscribes to fails with {@link Errors#GROUP_SUBSCRIBED_TO_TOPIC}.
     */
    public KeyedResult<TopicPartition, Void> deleteConsumerGroupOffsets(
            String groupId, Set<TopicPartition> partitions) {
        return CoordinatorCall.run(
                "OffsetDelete",
                ctx,
                groupId,
                new LinkedHashSet<>(new java.util.TreeSet<>(partitions)),
                (coordinator, keys, timeoutMs) -> channels.call(
                        coordinator,
                        GroupGrpc.getOffsetDeleteMethod(),
                        GroupAdminProtocol.offsetDelete(groupId, keys),
                        timeoutMs),
                (Node coordinator, OffsetDeleteResponse resp, Set<TopicPartition> keys) ->
                        GroupAdminProtocol.offsetsDeleted(resp, keys, groupId),
                true);
    }

    public AdminConfig config() {
        return config;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        channels.close();
    }
}
