package dev.skiff.broker.node;

import dev.skiff.broker.config.Endpoint;
import dev.skiff.broker.config.ServerConfig;
import dev.skiff.broker.config.ServerKeys;
import dev.skiff.broker.config.Voter;
import dev.skiff.broker.controller.AdminService;
import dev.skiff.broker.controller.BrokerSessions;
import dev.skiff.broker.controller.ControllerClient;
import dev.skiff.broker.controller.DynamicBrokerConfigs;
import dev.skiff.broker.controller.HeartbeatService;
import dev.skiff.broker.controller.LeaderRebalancer;
import dev.skiff.broker.controller.TopicConfigs;
import dev.skiff.broker.group.GroupCoordinator;
import dev.skiff.broker.group.GroupService;
import dev.skiff.broker.group.OffsetsTopic;
import dev.skiff.broker.replica.LogFlusher;
import dev.skiff.broker.replica.PartitionAssignment;
import dev.skiff.broker.replica.ReplicaFetchers;
import dev.skiff.broker.replica.ReplicaManager;
import dev.skiff.broker.rpc.BrokerService;
import dev.skiff.broker.rpc.ProducerIdManager;
import dev.skiff.broker.rpc.ReplicationService;
import dev.skiff.broker.storage.MetaProperties;
import dev.skiff.log.LogManager;
import dev.skiff.log.TopicPartition;
import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.ControllerSettings;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.ImageViews;
import dev.skiff.metadata.IsrChange;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.NewTopic;
import dev.skiff.metadata.PartitionState;
import dev.skiff.metadata.Reassignments;
import dev.skiff.metadata.TopicImage;
import dev.skiff.metadata.Uuid;
import dev.skiff.metadata.quorum.MetadataQuorum;
import dev.skiff.metadata.quorum.QuorumConfig;
import dev.skiff.metadata.quorum.QuorumVoter;
import dev.skiff.proto.RpcVersion;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.MetadataRequest;
import dev.skiff.proto.v1.MetadataResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One skiff node, the composition root: data directories and their identity, the partition logs,
 * the metadata quorum, the replica manager kept in step with the metadata image, and the gRPC
 * server. {@link #start} returns once the broker is registered, unfenced and serving; {@link
 * #close} stops everything in reverse order and leaves the logs cleanly shut down.
 */
public final class SkiffNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SkiffNode.class);
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final ServerConfig config;
    private final Clock clock;
    private final List<LogManager> logManagers = new ArrayList<>();
    private final ExecutorService publisher =
            Executors.newSingleThreadExecutor(ThreadRunner.named("metadata-publisher", true));
    private final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(2, ThreadRunner.named("scheduler", true));
    /** Heartbeats and fencing block on the network and the quorum; they get threads of their own. */
    private final ScheduledExecutorService livenessScheduler =
            Executors.newScheduledThreadPool(2, ThreadRunner.named("liveness", true));

    private final Uuid incarnationId = Uuid.random(new SecureRandom());
    private final IndexWaiters published = new IndexWaiters();
    private MetadataQuorum quorum;
    private ReplicaManager replicas;
    private ReplicaFetchers fetchers;
    /** Group commit of leader appends (fsync off the request threads). */
    private final LogFlusher flusher = new LogFlusher(ThreadRunner.named("log-flusher", true));
    /** ISR changes wait on the quorum; they get a thread of their own, one change at a time. */
    private final ExecutorService isrExecutor =
            Executors.newSingleThreadExecutor(ThreadRunner.named("isr-change", true));

    /** The group coordinator's thread (it owns every loaded group shard) and its loader. */
    private final ScheduledExecutorService groupThread =
            Executors.newSingleThreadScheduledExecutor(ThreadRunner.named("group-coordinator", true));

    private final ExecutorService groupLoader =
            Executors.newSingleThreadExecutor(ThreadRunner.named("group-loader", true));
    private GroupCoordinator groups;

    private volatile boolean serving;
    private boolean storageIsNew;
    private ControllerClient controller;
    private ControllerDecisions decisions;
    private Server grpc;
    private Liveness liveness;
    private final BrokerSessions sessions;
    private boolean closed;

    private SkiffNode(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.sessions = new BrokerSessions(config.brokerSessionTimeoutMs(), config.brokerHeartbeatIntervalMs());
    }

    /** Starts a node and returns once it serves; on failure, everything started is closed again. */
    public static SkiffNode start(ServerConfig config, Map<String, String> staticProps, Clock clock)
            throws IOException {
        SkiffNode node = new SkiffNode(config, clock);
        try {
            node.startAll(staticProps);
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startAll(Map<String, String> staticProps) throws IOException {
        if (!config.isBroker()) {
            throw new IOException("process.roles=controller (a controller-only node) is not supported yet: use"
                    + " process.roles=broker,controller, or broker for a node that only stores data");
        }
        String clusterId = clusterIdOfDirs(!staticProps
                .getOrDefault(ServerKeys.CONTROLLER_QUORUM_VOTERS, "")
                .isBlank());
        prepareDirs(clusterId);
        for (Path dir : config.logDirs()) {
            logManagers.add(LogManager.open(dir, topic -> config.logDefaults(), clock));
        }
        quorum = new MetadataQuorum(quorumConfig(clusterId));
        fetchers = new ReplicaFetchers(
                config.nodeId(),
                incarnationId.toString(),
                this::replicationEndpoint,
                ThreadRunner.named("replica-fetcher", true),
                clock);
        replicas = new ReplicaManager(
                config.nodeId(),
                logManagers,
                config.logDefaults(),
                config.minInsyncReplicas(),
                clock,
                fetchers,
                this::alterIsr,
                flusher);
        groups = new GroupCoordinator(
                config.nodeId(), config.groupCoordinator(), replicas, clock, groupThread, groupLoader);
        groups.start();
        quorum.addImageListener((previous, current) -> {
            if (publisher.isShutdown()) {
                return; // closing: the quorum still applies entries while it stops, nobody needs them
            }
            publisher.execute(() -> {
                publish(current.image());
                published.advance(current.index());
            });
        });
        CompletableFuture<Integer> leaderKnown = new CompletableFuture<>();
        quorum.addLeaderListener(id -> {
            if (id >= 0) {
                leaderKnown.complete(id);
            }
        });
        quorum.start();
        if (quorum.leaderId().isEmpty()) {
            await(leaderKnown, "a controller quorum leader to be elected among " + config.quorumVoters());
        }
        controller = new ControllerClient(quorum, clock, published::await);
        decisions = new ControllerDecisions(
                new ControllerSettings(
                        config.numPartitions(),
                        config.defaultReplicationFactor(),
                        10_000,
                        config.uncleanLeaderElectionEnable()),
                TopicConfigs.validator(config.logDefaults()),
                new SecureRandom());
        commit(image -> decisions.initializeCluster(image, clusterId), "set the cluster id");
        String imageCluster = quorum.image().clusterId().orElse(clusterId);
        if (!imageCluster.equals(clusterId)) {
            throw new IOException("the metadata quorum belongs to cluster " + imageCluster + " but " + config.logDirs()
                    + " to " + clusterId + "; point log.dirs and metadata.log.dir at the same cluster's data");
        }
        register();
        publish(quorum.image());
        startGrpc(staticProps);
        // Heartbeats start before the broker is unfenced, so that its session (which starts when
        // the controller sees it unfenced) never begins without them.
        liveness = new Liveness(config, quorum, controller, decisions, sessions, incarnationId, clock);
        long beatMs = config.brokerHeartbeatIntervalMs();
        livenessScheduler.scheduleWithFixedDelay(liveness::heartbeat, 0, beatMs, TimeUnit.MILLISECONDS);
        livenessScheduler.scheduleWithFixedDelay(
                liveness::fenceSilentBrokers, beatMs, Math.max(1, beatMs / 2), TimeUnit.MILLISECONDS);
        // The registration above is visible in this node's image, so its metadata has caught up to
        // at least that point: it may be unfenced (and lead the partitions waiting for it).
        commit(image -> decisions.unfenceBroker(image, config.nodeId(), incarnationId), "unfence this broker");
        scheduleDuties();
        serving = true;
    }

    /** Retention, interval flushes, ISR shrinking and the preferred-leader rebalance. */
    private void scheduleDuties() {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    replicas.runRetention();
                    replicas.expireProducers(config.producerIdExpirationMs());
                },
                config.logRetentionCheckIntervalMs(),
                config.logRetentionCheckIntervalMs(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(replicas::runIntervalFlushes, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(replicas::checkpointHighWatermarks, 5, 5, TimeUnit.SECONDS);
        Compaction compaction = new Compaction(logManagers, clock);
        scheduler.scheduleWithFixedDelay(
                compaction::runOnce, Compaction.INTERVAL_MS, Compaction.INTERVAL_MS, TimeUnit.MILLISECONDS);
        long lagMs = config.replicaLagTimeMaxMs();
        scheduler.scheduleWithFixedDelay(
                () -> replicas.shrinkLaggingIsrs(lagMs), lagMs / 2, Math.max(1, lagMs / 2), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::completeReassignments, 1, 1, TimeUnit.SECONDS);
        if (config.autoLeaderRebalanceEnable()) {
            LeaderRebalancer rebalancer = new LeaderRebalancer(controller, decisions);
            long everyS = config.leaderImbalanceCheckIntervalSeconds();
            scheduler.scheduleWithFixedDelay(rebalancer::runOnce, everyS, everyS, TimeUnit.SECONDS);
        }
    }

    /**
     * While this node is the active controller, completes the reassignments whose target replicas
     * are all in sync but that no ISR change completed (their leader could not move yet, or the
     * target was in sync from the start). Never throws: it is a scheduled task.
     */
    private void completeReassignments() {
        if (!controller.isActiveController()
                || Reassignments.ongoing(quorum.image()).isEmpty()) {
            return;
        }
        try {
            Decision<Integer> d = controller.run(decisions::completeReassignments, Duration.ofSeconds(30));
            if (d instanceof Decision.Accepted<Integer> done && done.value() > 0) {
                LOG.info("completed {} partition reassignment(s)", done.value());
            } else if (d instanceof Decision.Refused<Integer> no) {
                LOG.warn("completing reassignments failed, retried in a second: {}: {}", no.error(), no.message());
            }
        } catch (RuntimeException e) {
            LOG.error("completing reassignments failed; retried in a second", e);
        }
    }

    /** Where broker {@code id} serves replication: its client listener, as registered. */
    private Optional<InetSocketAddress> replicationEndpoint(int id) {
        return quorum.image()
                .broker(id)
                .flatMap(b -> b.endpoint(ServerConfig.CLIENT_LISTENER))
                .map(e -> new InetSocketAddress(e.host(), e.port()));
    }

    /** A leader's ISR change, committed through the quorum off the caller's thread. */
    private CompletableFuture<Boolean> alterIsr(
            PartitionAssignment seen, List<Integer> newIsr, Map<Integer, String> joiningIncarnations) {
        Map<Integer, Uuid> joining = new java.util.HashMap<>();
        try {
            joiningIncarnations.forEach((id, incarnation) -> joining.put(id, Uuid.parse(incarnation)));
        } catch (IllegalArgumentException e) {
            LOG.warn("not adding a follower to the ISR of {}: {}", seen.topicPartition(), e.getMessage());
            return CompletableFuture.completedFuture(false);
        }
        IsrChange change = new IsrChange(
                Uuid.parse(seen.topicId()),
                seen.topicPartition().partition(),
                config.nodeId(),
                seen.leaderEpoch(),
                seen.partitionEpoch(),
                newIsr,
                joining);
        return CompletableFuture.supplyAsync(
                () -> {
                    Decision<PartitionState> d = controller.run(
                            image -> decisions.alterPartition(image, change),
                            Duration.ofMillis(config.brokerSessionTimeoutMs()));
                    if (d instanceof Decision.Refused<PartitionState> no) {
                        if (no.error() == ErrorCode.REQUEST_TIMED_OUT || no.error() == ErrorCode.NOT_CONTROLLER) {
                            // Not a refusal: the change may still commit.
                            throw new java.util.concurrent.CompletionException(new IOException("the ISR change of "
                                    + seen.topicPartition() + " has an unknown" + " outcome: " + no.message()));
                        }
                        LOG.info(
                                "the ISR change of {} to {} was refused: {}",
                                seen.topicPartition(),
                                newIsr,
                                no.message());
                    }
                    return d.isAccepted();
                },
                isrExecutor);
    }

    /** Writes meta.properties where missing, noting first whether the log directories were new. */
    private void prepareDirs(String clusterId) throws IOException {
        List<Path> dirs = new ArrayList<>(config.logDirs());
        dirs.add(config.metadataLogDir());
        // Log directories without meta.properties hold no data of this broker: if the cluster knew
        // this broker before, its disk was lost or replaced, and it must not lead on the strength
        // of its old ISR memberships.
        boolean storageIsNew = true;
        for (Path dir : config.logDirs()) {
            storageIsNew &= MetaProperties.readIfPresent(dir).isEmpty();
        }
        this.storageIsNew = storageIsNew;
        for (Path dir : dirs) {
            MetaProperties.ensure(dir, clusterId, config.nodeId());
        }
    }

    /**
     * A voter joins the Raft group; a broker-only node follows it as a Ratis listener, receiving
     * the metadata log at its CONTROLLER listener (like a KRaft observer, it never votes).
     */
    private QuorumConfig quorumConfig(String clusterId) {
        if (config.isController()) {
            return QuorumConfig.of(config.nodeId(), voters(), config.metadataLogDir(), clusterId);
        }
        Endpoint listen = config.controllerListener();
        return QuorumConfig.listener(
                config.nodeId(),
                voters(),
                InetSocketAddress.createUnresolved(listen.host(), listen.port()),
                config.metadataLogDir(),
                clusterId);
    }

    private String clusterIdOfDirs(boolean votersListed) throws IOException {
        List<Path> dirs = new ArrayList<>(config.logDirs());
        dirs.add(config.metadataLogDir());
        String found = null;
        for (Path dir : dirs) {
            Optional<MetaProperties> meta = MetaProperties.readIfPresent(dir);
            if (meta.isPresent() && found != null && !found.equals(meta.get().clusterId())) {
                throw new IOException(dir + " belongs to cluster " + meta.get().clusterId() + " but another data "
                        + "directory to " + found + "; every directory of a node must belong to one cluster");
            }
            found = meta.map(MetaProperties::clusterId).orElse(found);
        }
        if (found != null) {
            return found;
        }
        if (!votersListed) {
            return Uuid.random(new SecureRandom()).toString();
        }
        // Nodes starting fresh must agree on the cluster id (the Raft group id derives from it)
        // without a format step: derive it from the voter list, which they all share.
        List<String> voters = new ArrayList<>();
        for (Voter v : config.quorumVoters()) {
            voters.add(v.nodeId() + "@" + v.endpoint());
        }
        voters.sort(null);
        java.util.UUID derived = java.util.UUID.nameUUIDFromBytes(
                ("skiff-cluster:" + String.join(",", voters)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Uuid(derived.getMostSignificantBits(), derived.getLeastSignificantBits()).toString();
    }

    private List<QuorumVoter> voters() {
        List<QuorumVoter> out = new ArrayList<>();
        for (Voter v : config.quorumVoters()) {
            out.add(new QuorumVoter(
                    v.nodeId(), v.endpoint().host(), v.endpoint().port()));
        }
        return out;
    }

    private void register() throws IOException {
        Endpoint advertised = config.advertisedClientListener();
        List<dev.skiff.metadata.Endpoint> endpoints = List.of(
                new dev.skiff.metadata.Endpoint(ServerConfig.CLIENT_LISTENER, advertised.host(), advertised.port()));
        commit(
                image -> decisions.registerBroker(
                        image, config.nodeId(), incarnationId, endpoints, Optional.empty(), storageIsNew),
                "register this broker");
    }

    private <T> void commit(java.util.function.Function<MetadataImage, Decision<T>> decide, String what)
            throws IOException {
        Decision<T> d = controller.run(decide, STARTUP_TIMEOUT);
        if (d instanceof Decision.Refused<T> no) {
            throw new IOException("could not " + what + ": " + no.error() + ": " + no.message());
        }
    }

    /** Brings the hosted partitions in line with a new image; runs on the publisher thread. */
    private void publish(MetadataImage image) {
        List<PartitionAssignment> assignments = new ArrayList<>();
        for (TopicImage t : image.topics()) {
            for (PartitionState p : t.partitions()) {
                assignments.add(new PartitionAssignment(
                        new TopicPartition(t.name(), p.index()),
                        t.id().toString(),
                        p.leader(),
                        p.leaderEpoch(),
                        p.partitionEpoch(),
                        p.replicas(),
                        p.isr(),
                        DynamicBrokerConfigs.effectiveTopicConfigs(image, config.nodeId(), t.configs()),
                        p.addingReplicas()));
            }
        }
        replicas.setReplicationThrottle(DynamicBrokerConfigs.replicationThrottle(
                image, config.nodeId(), config.leaderReplicationThrottledRate()));
        try {
            replicas.applyAssignments(assignments);
        } catch (IOException e) {
            LOG.error("could not apply metadata to the local logs", e);
        }
        publishGroupLeadership(image);
    }

    /** Tells the group coordinator which partitions of __consumer_offsets this broker now leads. */
    private void publishGroupLeadership(MetadataImage image) {
        Map<Integer, Integer> led = new java.util.HashMap<>();
        Optional<TopicImage> offsets = image.topic(GroupCoordinator.TOPIC);
        offsets.ifPresent(t -> t.partitions().stream()
                .filter(p -> p.leader() == config.nodeId())
                .forEach(p -> led.put(p.index(), p.leaderEpoch())));
        groups.onLeadership(offsets.map(TopicImage::partitionCount).orElse(0), led, tp -> image.partition(
                        tp.topic(), tp.partition())
                .isPresent());
    }

    private void startGrpc(Map<String, String> staticProps) throws IOException {
        BrokerService broker = new BrokerService(
                replicas,
                scheduler,
                this::metadata,
                new ProducerIdManager(config.nodeId(), decide -> controller.run(decide, Duration.ofSeconds(10))));
        AdminService admin = new AdminService(
                controller,
                decisions,
                config.logDefaults(),
                staticProps,
                config.nodeId(),
                this::quorumVoters,
                quorum::leaderId);
        Endpoint listen = config.clientListener();
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()))
                .addService(broker)
                .addService(new ReplicationService(replicas, scheduler))
                .addService(admin)
                .addService(new HeartbeatService(quorum, sessions, clock))
                .addService(new GroupService(groups, offsetsTopic()).withPeerAddress())
                .addService(ProtoReflectionServiceV1.newInstance()) // grpcurl asks v1 first
                .addService(ProtoReflectionService.newInstance()) // v1alpha, for older tools
                .intercept(RpcVersion.serverInterceptor())
                .maxInboundMessageSize(config.logDefaults().maxMessageBytes() * 2 + 1024 * 1024)
                .build();
        try {
            grpc.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot listen for clients on " + listen + " (" + e.getMessage()
                            + "); is another process using it? Change listeners in server.properties",
                    e);
        }
    }

    private OffsetsTopic offsetsTopic() {
        return new OffsetsTopic(
                quorum::image,
                topic -> controller.run(image -> decisions.createTopic(image, topic), Duration.ofSeconds(10)),
                config.offsetsTopicNumPartitions(),
                config.offsetsTopicReplicationFactor(),
                ServerConfig.CLIENT_LISTENER);
    }

    private List<dev.skiff.proto.v1.QuorumVoter> quorumVoters() {
        int leader = quorum.leaderId().orElse(-1);
        List<dev.skiff.proto.v1.QuorumVoter> out = new ArrayList<>();
        for (QuorumVoter v : quorum.currentVoters()) {
            out.add(dev.skiff.proto.v1.QuorumVoter.newBuilder()
                    .setNodeId(v.nodeId())
                    .setHost(v.host())
                    .setPort(v.port())
                    .setIsLeader(v.nodeId() == leader)
                    .build());
        }
        return out;
    }

    private MetadataResponse metadata(MetadataRequest request) {
        if (request.getAllowAutoTopicCreation() && config.autoCreateTopicsEnable()) {
            for (String name : request.getTopicsList()) {
                if (quorum.image().topic(name).isEmpty()) {
                    Decision<?> d = controller.run(
                            image -> decisions.createTopic(
                                    image, new NewTopic(name, NewTopic.DEFAULT, NewTopic.DEFAULT)),
                            Duration.ofSeconds(10));
                    if (d instanceof Decision.Refused<?> no) {
                        LOG.info("did not auto-create topic {}: {}", name, no.message());
                    }
                }
            }
        }
        return ImageViews.metadata(
                quorum.image(), request.getTopicsList(), ServerConfig.CLIENT_LISTENER, quorum.leaderId());
    }

    /** This node's way to the controller; for tests that run controller duties themselves. */
    ControllerClient controllerClient() {
        return controller;
    }

    ControllerDecisions decisions() {
        return decisions;
    }

    /** The follower side; for tests that make a live follower fall behind. */
    ReplicaFetchers replicaFetchers() {
        return fetchers;
    }

    /** The hosted partitions; for tests that look inside a node's logs. */
    ReplicaManager replicaManager() {
        return replicas;
    }

    /** The line printed when the node serves. */
    String readyLine(long startedMs) {
        String controllerPart = config.isController() ? ", controller " + config.controllerListener() : "";
        return "skiff node " + config.nodeId() + " ready in " + (clock.millis() - startedMs) + " ms (clients "
                + config.advertisedClientListener() + controllerPart + ")";
    }

    private static <T> T await(CompletableFuture<T> f, String what) throws IOException {
        try {
            return f.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("gave up after " + STARTUP_TIMEOUT.toSeconds() + " s waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IOException(
                    "failed waiting for " + what + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what, e);
        }
    }

    /**
     * Moves leadership away before the process exits (Kafka's controlled shutdown), so producers
     * retry on the new leaders instead of waiting out a session timeout: this broker asks to be
     * fenced, which elects new leaders among the other ISR members, and stops asking to be
     * unfenced. Skipped when no other broker is alive to take over.
     */
    private void controlledShutdown() {
        MetadataImage image = quorum.image();
        boolean othersAlive = image.unfencedBrokers().stream().anyMatch(b -> b.nodeId() != config.nodeId());
        if (!othersAlive) {
            return;
        }
        if (liveness != null) {
            liveness.stopUnfencing();
        }
        Decision<Integer> d = controller.run(
                current -> decisions.fenceBroker(current, config.nodeId()),
                Duration.ofMillis(config.brokerSessionTimeoutMs()));
        LOG.info("controlled shutdown: {}", d.isAccepted() ? "leadership moved to other brokers" : d);
    }

    /** The active controller hands its role to the most caught-up voter before it goes. */
    private void handOverControllerRole() {
        if (!serving || !quorum.isLeader()) {
            return;
        }
        try {
            OptionalInt next = quorum.transferLeadership();
            LOG.info("handed the active controller role to node {}", next.isPresent() ? next.getAsInt() : "none");
        } catch (IOException e) {
            LOG.warn(
                    "could not hand over the active controller role ({}); the voters will elect a new one",
                    e.getMessage());
        }
    }

    /** Stops serving, then the schedulers, the logs (clean shutdown) and the quorum. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (serving) {
            controlledShutdown();
        }
        if (fetchers != null) {
            fetchers.close();
        }
        if (grpc != null) {
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                    grpc.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                grpc.shutdownNow();
            }
        }
        flusher.close();
        livenessScheduler.shutdownNow();
        isrExecutor.shutdownNow();
        groupThread.shutdownNow();
        groupLoader.shutdownNow();
        scheduler.shutdownNow();
        publisher.shutdownNow();
        if (liveness != null) {
            liveness.close();
        }
        if (replicas != null) {
            replicas.checkpointHighWatermarks();
        }
        for (LogManager m : logManagers) {
            try {
                m.close();
            } catch (IOException e) {
                LOG.error("closing {} failed; its logs will be recovered on the next start", m.logDir(), e);
            }
        }
        if (quorum != null) {
            handOverControllerRole();
            try {
                quorum.close();
            } catch (IOException e) {
                LOG.error("closing the metadata quorum failed", e);
            }
        }
        LOG.info("skiff node {} stopped", config.nodeId());
    }
}
