package dev.skiff.broker.node;

import dev.skiff.broker.config.ServerConfig;
import dev.skiff.broker.controller.BrokerSessions;
import dev.skiff.broker.controller.ControllerClient;
import dev.skiff.metadata.BrokerRegistration;
import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.Endpoint;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.Uuid;
import dev.skiff.metadata.quorum.MetadataQuorum;
import dev.skiff.proto.RpcVersion;
import dev.skiff.proto.v1.BrokerHeartbeatRequest;
import dev.skiff.proto.v1.BrokerHeartbeatResponse;
import dev.skiff.proto.v1.ControllerGrpc;
import dev.skiff.proto.v1.ErrorCode;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker liveness, both ends: this broker heartbeats the active controller every {@code
 * broker.heartbeat.interval.ms} (and asks to be unfenced if it finds itself fenced while alive);
 * while this node is the active controller, brokers silent for {@code broker.session.timeout.ms}
 * are fenced, which moves their leaderships away (DESIGN §4), and so are brokers silent for two
 * heartbeat intervals whose client port refuses connections.
 *
 * <p>Threads: each task runs on the node's liveness scheduler and never overlaps itself; {@code
 * heartbeat} and {@link #close} share the channel map under this object's lock (answers come on
 * gRPC threads and only set a volatile flag), while {@code
 * fenceSilentBrokers} alone owns {@code wasActiveController}, so a slow fencing never delays this
 * broker's own heartbeat.
 */
final class Liveness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    private final ServerConfig config;
    private final MetadataQuorum quorum;
    private final ControllerClient controller;
    private final ControllerDecisions decisions;
    private final BrokerSessions sessions;
    private final Uuid incarnationId;
    private final Clock clock;
    private final Map<Integer, ManagedChannel> channels = new HashMap<>();
    private final PortProbe probes;
    private boolean wasActiveController;
    private volatile boolean unfencing = true;
    private volatile boolean fencedWhileAlive;

    Liveness(
            ServerConfig config,
            MetadataQuorum quorum,
            ControllerClient controller,
            ControllerDecisions decisions,
            BrokerSessions sessions,
            Uuid incarnationId,
            Clock clock) {
        this.config = config;
        this.quorum = quorum;
        this.controller = controller;
        this.decisions = decisions;
        this.sessions = sessions;
        this.incarnationId = incarnationId;
        this.clock = clock;
        this.probes = new PortProbe(config.brokerHeartbeatIntervalMs());
    }

    /**
     * Sends one heartbeat to every voter without waiting for the answers: the active controller
     * counts it, the standbys keep it (so one that takes over knows which brokers are silent). The
     * deadline is the whole session, not the interval, so that a heartbeat slowed by a
     * busy CPU still counts rather than being cancelled on its way. An answer of the active
     * controller that says this broker is fenced makes the next tick ask to be unfenced.
     */
    synchronized void heartbeat() {
        if (fencedWhileAlive && unfencing) {
            fencedWhileAlive = false;
            Decision<Integer> d = controller.run(
                    image -> decisions.unfenceBroker(image, config.nodeId(), incarnationId),
                    Duration.ofMillis(config.brokerSessionTimeoutMs()));
            LOG.info("this broker was fenced while alive; asked to be unfenced: {}", d.isAccepted() ? "done" : d);
        }
        OptionalInt leader = quorum.leaderId();
        if (leader.isEmpty()) {
            return;
        }
        BrokerHeartbeatRequest request = BrokerHeartbeatRequest.newBuilder()
                .setNodeId(config.nodeId())
                .setIncarnationId(incarnationId.toString())
                .build();
        long deadlineMs = config.brokerSessionTimeoutMs();
        for (dev.skiff.metadata.quorum.QuorumVoter v : quorum.currentVoters()) {
            boolean active = v.nodeId() == leader.getAsInt();
            channelTo(v.nodeId())
                    .ifPresent(c -> ClientCalls.asyncUnaryCall(
                            c.newCall(
                                    ControllerGrpc.getBrokerHeartbeatMethod(),
                                    CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)),
                            request,
                            new Answer(v.nodeId(), c, active)));
        }
    }

    /**
     * The answer of one voter. Only the active controller's says anything (a standby's is always
     * NOT_CONTROLLER); it runs on a gRPC thread, so it only sets a flag for the next tick. A
     * failure to connect resets the channel's reconnect backoff: a node that was not listening yet
     * (starting, restarting) must get the next heartbeat, not one after gRPC's own backoff, which
     * grows past a session timeout within a few refused attempts.
     */
    private final class Answer implements StreamObserver<BrokerHeartbeatResponse> {
        private final int nodeId;
        private final ManagedChannel channel;
        private final boolean active;

        Answer(int nodeId, ManagedChannel channel, boolean active) {
            this.nodeId = nodeId;
            this.channel = channel;
            this.active = active;
        }

        @Override
        public void onNext(BrokerHeartbeatResponse r) {
            if (!active) {
                return;
            }
            if (r.getError() == ErrorCode.NONE) {
                fencedWhileAlive = r.getFenced();
            } else {
                LOG.debug("heartbeat to node {} answered {}: {}", nodeId, r.getError(), r.getErrorMessage());
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.UNAVAILABLE) {
                channel.resetConnectBackoff();
            }
            if (active) {
                LOG.debug("heartbeat to node {} failed: {}", nodeId, status);
            }
        }

        @Override
        public void onCompleted() {}
    }

    /** A channel to a node's client listener, as registered; empty if it is not registered. */
    private Optional<ManagedChannel> channelTo(int nodeId) {
        ManagedChannel existing = channels.get(nodeId);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<Endpoint> endpoint =
                quorum.image().broker(nodeId).flatMap(b -> b.endpoint(ServerConfig.CLIENT_LISTENER));
        return endpoint.map(
                e -> channels.computeIfAbsent(nodeId, id -> NettyChannelBuilder.forAddress(e.host(), e.port())
                        .usePlaintext()
                        .intercept(RpcVersion.clientInterceptor())
                        .build()));
    }

    /**
     * While this node is the active controller, fences every broker whose session expired, and
     * every broker silent for two heartbeat intervals whose client port refuses connections: a
     * process killed with kill -9 is fenced within about that, instead of a whole session later,
     * while a paused, slow or partitioned broker (whose port accepts, or does not answer) still
     * gets its whole session ({@link PortProbe}).
     */
    void fenceSilentBrokers() {
        if (!quorum.isLeader()) {
            wasActiveController = false;
            return;
        }
        if (!wasActiveController) {
            sessions.startTerm(clock.millis());
            wasActiveController = true;
        }
        MetadataImage image = quorum.image();
        List<Integer> unfenced =
                image.unfencedBrokers().stream().map(BrokerRegistration::nodeId).toList();
        long now = clock.millis();
        for (int id : sessions.expired(unfenced, now)) {
            fence(id, "no heartbeat for more than " + config.brokerSessionTimeoutMs() + " ms");
        }
        long silenceMs = 2 * config.brokerHeartbeatIntervalMs();
        Set<Integer> refused = probes.takeRefused();
        for (int id : sessions.silentLongerThan(unfenced, silenceMs, now)) {
            Optional<Endpoint> endpoint = image.broker(id).flatMap(b -> b.endpoint(ServerConfig.CLIENT_LISTENER));
            if (id == config.nodeId() || endpoint.isEmpty()) {
                continue;
            }
            Endpoint e = endpoint.get();
            if (refused.contains(id)) {
                sessions.end(id);
                fence(
                        id,
                        "no heartbeat for more than " + silenceMs + " ms, and " + e.host() + ":" + e.port()
                                + " refuses connections (the process is gone)");
            } else {
                probes.probe(id, e.host(), e.port(), now);
            }
        }
    }

    private void fence(int id, String why) {
        Decision<Integer> d = controller.run(
                image -> decisions.fenceBroker(image, id), Duration.ofMillis(config.brokerSessionTimeoutMs()));
        LOG.warn("fenced broker {}: {} ({})", id, why, d.isAccepted() ? "its partitions have new leaders or none" : d);
    }

    /** A broker in controlled shutdown stays fenced: it no longer asks to be unfenced. */
    void stopUnfencing() {
        unfencing = false;
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
        probes.close();
    }
}
