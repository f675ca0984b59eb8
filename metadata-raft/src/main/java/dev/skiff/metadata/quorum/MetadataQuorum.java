package dev.skiff.metadata.quorum;

import dev.skiff.metadata.MetadataImage;
import dev.skiff.proto.metadata.v1.BatchOutcome;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's member of the controller quorum (DESIGN §4): a Ratis server in the metadata group, a
 * Ratis client that submits batches to whichever voter leads, and the metadata image the node
 * applies from the log. The Ratis leader is the active controller. A controller's server votes; a
 * broker-only node's server is a Ratis listener (see {@link QuorumConfig#listener}): the leader
 * sends it every entry, it applies them like a voter, but it never votes, never counts towards a
 * commit and never starts an election.
 *
 * <p>Lifecycle: the constructor only builds values; {@link #start} opens the storage, recovers
 * (latest snapshot, then the log after it) and starts Ratis' threads; {@link #close} stops the
 * client, then the server. The image, the leader and the listeners may be used from any thread.
 */
public final class MetadataQuorum implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataQuorum.class);
    private static final long PURGE_GAP_ENTRIES_MAX = 1024;
    private static final long PREALLOCATED_BYTES_MAX = 1024 * 1024;

    private final QuorumConfig config;
    /** The voters only: what the client sends to and a listener registers with. */
    private final RaftGroup voterGroup;
    /** What the server starts with: the voters, and a listener itself in the role LISTENER. */
    private final RaftGroup group;

    private final RaftPeerId selfId;
    private final MetadataStateMachine stateMachine = new MetadataStateMachine();
    private volatile RaftServer server;
    private volatile RaftClient client;
    private boolean closed;

    public MetadataQuorum(QuorumConfig config) {
        this.config = config;
        List<RaftPeer> peers = config.voters().stream()
                .map(v -> RaftPeer.newBuilder()
                        .setId(peerId(v.nodeId()))
                        .setAddress(v.address())
                        .build())
                .toList();
        RaftGroupId groupId = RaftGroupId.valueOf(config.groupUuid());
        this.voterGroup = RaftGroup.valueOf(groupId, peers);
        this.selfId = peerId(config.nodeId());
        if (config.isListener()) {
            // Starting in the role LISTENER (a peer of the initial configuration with that startup
            // role) keeps the server from ever timing out into an election, even before the
            // leader's configuration that lists it has reached its log.
            List<RaftPeer> withSelf = new ArrayList<>(peers);
            withSelf.add(listenerPeer());
            this.group = RaftGroup.valueOf(groupId, withSelf);
        } else {
            this.group = voterGroup;
        }
    }

    /**
     * Starts the Raft server on this node's address and storage, recovering what is stored there,
     * and the client. Returns once the server runs; the first leader is elected shortly after (see
     * {@link #isLeader}, {@link #leaderId}). A listener also makes sure the leader's configuration
     * lists it at its current address, so it returns once a leader has accepted it (at most
     * {@code submitAttemptsMax} attempts), and from then on receives the log. Add listeners
     * before, to see the image loaded from a snapshot.
     *
     * @throws IOException if the storage cannot be opened, or a listener found no leader to accept it
     */
    public synchronized void start() throws IOException {
        if (closed || server != null) {
            throw new IllegalStateException("the metadata quorum of node " + config.nodeId() + " was already started");
        }
        RaftProperties properties = properties(config);
        if (!config.isListener()
                && Files.notExists(
                        config.storageDir().resolve(group.getGroupId().getUuid().toString()))) {
            new LostStorageCheck(voterGroup, selfId, properties).check(config.storageDir());
        }
        Files.createDirectories(config.storageDir());
        RaftServer newServer = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        newServer.start();
        server = newServer;
        client = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(voterGroup)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        config.submitAttemptsMax(),
                        millis(config.electionTimeoutMin().dividedBy(3))))
                .build();
        if (config.isListener()) {
            RaftServer.Division division = newServer.getDivision(group.getGroupId());
            new ListenerRegistration(
                            voterGroup,
                            listenerPeer(),
                            properties,
                            config.submitAttemptsMax(),
                            config.electionTimeoutMax().toMillis())
                    .register(client, division.getRaftConf());
            if (!division.getInfo().isListener()) {
                // Its log holds a configuration without it: it stopped while the leader was first
                // catching it up. Ratis then runs it as a follower outside the configuration,
                // which stops its server if it ever times out into an election.
                LOG.warn(
                        "node {} restarted from a log that predates its registration as a listener; restart it"
                                + " once it has caught up, so that it follows the quorum as a listener again",
                        config.nodeId());
            }
        }
        LOG.info(
                "node {} joined the metadata quorum {} as a {} (voters {}, storage {})",
                config.nodeId(),
                group.getGroupId(),
                config.isListener() ? "listener" : "voter",
                config.voters(),
                config.storageDir());
    }

    /**
     * Submits a batch to the active controller, which commits it to the log; every node then
     * applies it. The future never completes exceptionally: see {@link SubmitResult}. It completes
     * on a Ratis thread; attach real work with an {@code *Async} method.
     */
    public CompletableFuture<SubmitResult> submit(MetadataBatch batch) {
        RaftClient current = client;
        if (current == null) {
            return CompletableFuture.completedFuture(new SubmitResult.Failed(
                    ErrorCode.NOT_CONTROLLER, "the metadata quorum of node " + config.nodeId() + " is not running"));
        }
        byte[] bytes = batch.toByteArray();
        Optional<SubmitResult.Failed> problem = BatchAdmission.problem(batch, bytes.length);
        if (problem.isPresent()) {
            return CompletableFuture.completedFuture(problem.get());
        }
        return current.async()
                .send(Message.valueOf(ByteString.copyFrom(bytes)))
                .handle((reply, error) -> error != null ? failure(error) : result(reply));
    }

    /** The latest image this node has applied, with the Raft index it reflects. */
    public AppliedImage appliedImage() {
        return stateMachine.applied();
    }

    public MetadataImage image() {
        return stateMachine.applied().image();
    }

    /** Completes once this node's image has applied Raft entry {@code index} (e.g. a committed batch). */
    public CompletableFuture<AppliedImage> awaitApplied(long index) {
        return stateMachine.awaitApplied(index);
    }

    /** Called with every new image (see {@link ImageListener} for the thread rules). */
    public void addImageListener(ImageListener listener) {
        stateMachine.addImageListener(listener);
    }

    /** Called with the node id of each new leader, or -1 when there is none, on a Ratis thread. */
    public void addLeaderListener(IntConsumer listener) {
        stateMachine.addLeaderListener(listener);
    }

    /** Whether this node follows the log without voting (a broker-only node). */
    public boolean isListener() {
        return config.isListener();
    }

    /**
     * Whether this node is the active controller: the Raft leader, and ready (it has committed an
     * entry of its term, so its image holds everything committed before it).
     */
    public boolean isLeader() {
        return divisionInfo().map(i -> i.isLeader() && i.isLeaderReady()).orElse(false);
    }

    /** The node id of the current Raft leader as this node knows it, if any. */
    public OptionalInt leaderId() {
        Optional<RaftPeerId> leader = divisionInfo().map(DivisionInfo::getLeaderId);
        return leader.isPresent() ? OptionalInt.of(nodeIdOf(leader.get())) : OptionalInt.empty();
    }

    /** The current Raft term as this node knows it; 0 before the server runs. */
    public long currentTerm() {
        return divisionInfo().map(DivisionInfo::getCurrentTerm).orElse(0L);
    }

    /**
     * Leader, term, applied index and each voter's commit index, as this node knows them (listeners
     * are left out: they do not count towards a commit).
     */
    public QuorumStatus status() {
        SortedMap<Integer, Long> commitIndexes = new TreeMap<>();
        RaftServer current = server;
        if (current != null) {
            try {
                for (CommitInfoProto info :
                        current.getDivision(group.getGroupId()).getCommitInfos()) {
                    int node = nodeIdOf(RaftPeerId.valueOf(info.getServer().getId()));
                    if (isVoter(node)) {
                        commitIndexes.put(node, info.getCommitIndex());
                    }
                }
            } catch (IOException e) {
                LOG.debug("node {} has no division of {}: {}", config.nodeId(), group.getGroupId(), e.toString());
            }
        }
        return new QuorumStatus(leaderId(), currentTerm(), appliedImage().index(), commitIndexes);
    }

    /**
     * Every voter's and observer's replication of the metadata log, if this node is the leader (only
     * the leader hears from all of them); empty otherwise.
     *
     * @param nowMs the caller's wall clock, to turn Ratis' "last heard from N ms ago" into a time
     */
    public Optional<QuorumReplication> replication(long nowMs) {
        RaftServer current = server;
        if (current == null || !isLeader()) {
            return Optional.empty();
        }
        try {
            RaftServer.Division division = current.getDivision(group.getGroupId());
            Map<Integer, Long> elapsedMs = new HashMap<>();
            org.apache.ratis.proto.RaftProtos.RoleInfoProto role =
                    division.getInfo().getRoleInfoProto();
            for (org.apache.ratis.proto.RaftProtos.ServerRpcProto f :
                    role.getLeaderInfo().getFollowerInfoList()) {
                elapsedMs.put(nodeIdOf(RaftPeerId.valueOf(f.getId().getId())), f.getLastRpcElapsedTimeMs());
            }
            long commit = division.getRaftLog().getLastCommittedIndex();
            List<QuorumReplication.Replica> voters = new ArrayList<>();
            List<QuorumReplication.Replica> observers = new ArrayList<>();
            for (CommitInfoProto info : division.getCommitInfos()) {
                int node = nodeIdOf(RaftPeerId.valueOf(info.getServer().getId()));
                long end = node == config.nodeId() ? commit : info.getCommitIndex();
                OptionalLong fetched = node == config.nodeId()
                        ? OptionalLong.of(nowMs)
                        : elapsedMs.containsKey(node)
                                ? OptionalLong.of(nowMs - elapsedMs.get(node))
                                : OptionalLong.empty();
                OptionalLong caughtUp = end >= commit ? fetched : OptionalLong.empty();
                QuorumReplication.Replica r = new QuorumReplication.Replica(node, end, fetched, caughtUp);
                if (isVoter(node)) {
                    voters.add(r);
                } else {
                    observers.add(r);
                }
            }
            voters.sort(Comparator.comparingInt(QuorumReplication.Replica::nodeId));
            observers.sort(Comparator.comparingInt(QuorumReplication.Replica::nodeId));
            return Optional.of(new QuorumReplication(config.nodeId(), currentTerm(), commit, voters, observers));
        } catch (IOException e) {
            LOG.debug("node {} has no division of {}: {}", config.nodeId(), group.getGroupId(), e.toString());
            return Optional.empty();
        }
    }

    public int nodeId() {
        return config.nodeId();
    }

    /** The voters this node was configured with ({@code controller.quorum.voters}): the bootstrap set. */
    public List<QuorumVoter> voters() {
        return config.voters();
    }

    /**
     * The voters as the Raft configuration this node holds now lists them, by node id: the
     * bootstrap voters until {@link #addVoter} or {@link #removeVoter} change them. During a change
     * (Raft's joint consensus) the new set. Before the server runs, the bootstrap voters.
     */
    public List<QuorumVoter> currentVoters() {
        RaftServer current = server;
        if (current != null) {
            try {
                List<QuorumVoter> out = new ArrayList<>();
                for (RaftPeer p :
                        current.getDivision(group.getGroupId()).getRaftConf().getCurrentPeers()) {
                    out.add(voterOf(p));
                }
                if (!out.isEmpty()) {
                    out.sort(Comparator.comparingInt(QuorumVoter::nodeId));
                    return out;
                }
            } catch (IOException e) {
                LOG.debug("node {} has no division of {}: {}", config.nodeId(), group.getGroupId(), e.toString());
            }
        }
        return config.voters();
    }

    /**
     * Makes {@code nodeId}, which follows the log as an observer (a listener: a broker-only node
     * that started with this quorum's voters), a voter: kafka-metadata-quorum's add-controller.
     * Only the active controller changes the configuration; it commits the change through Raft's
     * joint consensus, so the quorum keeps one leader throughout. One change at a time.
     *
     * @throws IOException naming the problem: not the active controller, a change under way, the
     *     node already a voter or not an observer, or the quorum refused or did not commit it
     */
    public synchronized void addVoter(int nodeId) throws IOException {
        RaftConfiguration conf = stableLeaderConfiguration("add node " + nodeId + " as a voter");
        RaftPeerId id = peerId(nodeId);
        if (conf.getPeer(id, RaftPeerRole.FOLLOWER) != null) {
            throw new IOException("node " + nodeId + " is already a voter of the metadata quorum");
        }
        RaftPeer observer = conf.getPeer(id, RaftPeerRole.LISTENER);
        if (observer == null) {
            throw new IOException("node " + nodeId + " does not follow the metadata quorum: start it with"
                    + " process.roles=broker and controller.quorum.voters naming the current voters, wait until it"
                    + " is ready (it follows the log as an observer), then add it");
        }
        List<RaftPeer> servers = new ArrayList<>(conf.getCurrentPeers());
        servers.add(RaftPeer.newBuilder(observer)
                .setStartupRole(RaftPeerRole.FOLLOWER)
                .build());
        List<RaftPeer> listeners = conf.getCurrentPeers(RaftPeerRole.LISTENER).stream()
                .filter(p -> !p.getId().equals(id))
                .toList();
        setConfiguration(conf, servers, listeners, "add node " + nodeId + " as a voter");
    }

    /**
     * Takes voter {@code nodeId} out of the quorum: kafka-metadata-quorum's remove-controller. The
     * removed node no longer votes or counts towards commits, but follows the log as an observer;
     * removing the active controller itself makes it step down once the change is committed. The
     * last voter cannot be removed.
     *
     * @throws IOException naming the problem, as {@link #addVoter}
     */
    public synchronized void removeVoter(int nodeId) throws IOException {
        RaftConfiguration conf = stableLeaderConfiguration("remove voter " + nodeId);
        RaftPeerId id = peerId(nodeId);
        if (conf.getPeer(id, RaftPeerRole.FOLLOWER) == null) {
            throw new IOException("node " + nodeId + " is not a voter of the metadata quorum (voters: "
                    + currentVoters().stream().map(QuorumVoter::nodeId).toList() + ")");
        }
        List<RaftPeer> servers = conf.getCurrentPeers().stream()
                .filter(p -> !p.getId().equals(id))
                .toList();
        if (servers.isEmpty()) {
            throw new IOException("node " + nodeId + " is the last voter of the metadata quorum and cannot be removed");
        }
        // It stays in the group as an observer (a listener), as a removed KRaft controller does: it
        // keeps receiving the log, so its broker keeps current metadata and keeps heartbeating.
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        listeners.add(RaftPeer.newBuilder(conf.getPeer(id, RaftPeerRole.FOLLOWER))
                .setStartupRole(RaftPeerRole.LISTENER)
                .build());
        if (id.equals(selfId)) {
            // The leader cannot demote itself in one change: it hands its role to another voter
            // first, and the change goes to that one (the client follows the new leader).
            transferLeadership();
        }
        setConfiguration(conf, servers, listeners, "remove voter " + nodeId);
    }

    /** The leader's configuration, if this node leads and no change is under way. */
    private RaftConfiguration stableLeaderConfiguration(String what) throws IOException {
        RaftServer current = server;
        if (current == null || !isLeader()) {
            OptionalInt leader = leaderId();
            throw new NotActiveControllerException("node " + config.nodeId() + " is not the active controller"
                    + (leader.isPresent() ? " (node " + leader.getAsInt() + " is)" : " (none is elected)")
                    + ": only it can " + what);
        }
        RaftConfiguration conf = current.getDivision(group.getGroupId()).getRaftConf();
        if (!conf.getPreviousPeers().isEmpty()) {
            throw new IOException("a change of the metadata quorum's voters is under way (from "
                    + conf.getPreviousPeers().stream()
                            .map(p -> nodeIdOf(p.getId()))
                            .sorted()
                            .toList() + " to "
                    + conf.getCurrentPeers().stream()
                            .map(p -> nodeIdOf(p.getId()))
                            .sorted()
                            .toList()
                    + "): wait until it is committed, then " + what);
        }
        return conf;
    }

    private void setConfiguration(RaftConfiguration conf, List<RaftPeer> servers, List<RaftPeer> listeners, String what)
            throws IOException {
        RaftClient current = client;
        if (current == null) {
            throw new IOException("the metadata quorum of node " + config.nodeId() + " is not running");
        }
        RaftClientReply reply = current.admin()
                .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .setServersInCurrentConf(List.copyOf(conf.getCurrentPeers()))
                        .setListenersInCurrentConf(List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER)))
                        .setServersInNewConf(servers)
                        .setListenersInNewConf(listeners)
                        .build());
        if (!reply.isSuccess()) {
            throw new IOException(
                    "the metadata quorum did not " + what + ": " + reply.getException(), reply.getException());
        }
        LOG.info(
                "node {}: the metadata quorum's voters are now {}",
                config.nodeId(),
                servers.stream().map(p -> nodeIdOf(p.getId())).sorted().toList());
    }

    /** The node is not the active controller, so cannot change the quorum: ask the one that is. */
    public static final class NotActiveControllerException extends IOException {
        NotActiveControllerException(String message) {
            super(message);
        }
    }

    private static QuorumVoter voterOf(RaftPeer p) {
        String address = p.getAddress();
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new QuorumVoter(nodeIdOf(p.getId()), host, Integer.parseInt(address.substring(colon + 1)));
    }

    /**
     * Takes a snapshot of this node's image now, whatever the threshold, and returns the Raft index
     * it holds. Blocks up to the request timeout.
     */
    public long takeSnapshot() throws IOException {
        RaftClient current = client;
        if (current == null) {
            throw new IllegalStateException("the metadata quorum of node " + config.nodeId() + " is not running");
        }
        RaftClientReply reply = current.getSnapshotManagementApi(selfId)
                .create(true, config.requestTimeout().toMillis());
        if (!reply.isSuccess()) {
            throw new IOException(
                    "node " + config.nodeId() + " could not take a metadata snapshot", reply.getException());
        }
        return reply.getLogIndex();
    }

    /**
     * Hands the active controller role to another voter, for a controlled shutdown of this one: the
     * leader brings the most caught-up voter's log up to date and asks it to start an election at
     * once, so the quorum has a new leader within a round trip or two instead of an election
     * timeout after this node is gone. Blocks until the new leader is known, at most about the
     * request timeout per voter tried.
     *
     * @return the new leader's node id, or empty if this node was not the leader (nothing to hand)
     * @throws IOException if no other voter took over (this node may still lead)
     */
    public OptionalInt transferLeadership() throws IOException {
        RaftServer currentServer = server;
        RaftClient currentClient = client;
        if (currentServer == null || currentClient == null || !isLeader()) {
            return OptionalInt.empty();
        }
        IOException failure = null;
        for (RaftPeerId target : transferTargets(currentServer.getDivision(group.getGroupId()))) {
            try {
                RaftClientReply reply = currentClient.admin().transferLeadership(target, selfId, transferTimeoutMs());
                if (reply.isSuccess()) {
                    LOG.info("node {} handed the metadata quorum's leadership to node {}", config.nodeId(), target);
                    return OptionalInt.of(nodeIdOf(target));
                }
                failure = reply.getException() != null
                        ? reply.getException()
                        : new IOException("node " + target + " did not take over");
            } catch (IOException e) {
                failure = e;
            }
            LOG.warn(
                    "node {} could not hand the leadership to node {}: {}",
                    config.nodeId(),
                    target,
                    failure.toString());
        }
        throw new IOException(
                "node " + config.nodeId() + " could not hand the metadata quorum's leadership to another voter",
                failure);
    }

    /** The other voters, the most caught-up first (by the commit index the leader last heard). */
    private List<RaftPeerId> transferTargets(RaftServer.Division division) {
        Map<RaftPeerId, Long> commitIndexes = new HashMap<>();
        for (CommitInfoProto info : division.getCommitInfos()) {
            commitIndexes.put(RaftPeerId.valueOf(info.getServer().getId()), info.getCommitIndex());
        }
        return currentVoters().stream()
                .map(v -> peerId(v.nodeId()))
                .filter(id -> !id.equals(selfId))
                .sorted(Comparator.comparing((RaftPeerId id) -> commitIndexes.getOrDefault(id, -1L))
                        .reversed())
                .toList();
    }

    /** Long enough for the transferee to catch up and win one election, short of the RPC's own timeout. */
    private long transferTimeoutMs() {
        return Math.min(
                config.requestTimeout().toMillis() * 2 / 3,
                config.electionTimeoutMax().toMillis() * 4);
    }

    /** Stops the client, then the server (reverse order of start). Waiters on the image fail. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        RaftClient currentClient = client;
        client = null;
        if (currentClient != null) {
            try {
                currentClient.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        RaftServer currentServer = server;
        if (currentServer != null) {
            try {
                currentServer.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        stateMachine.failWaiters("the metadata quorum of node " + config.nodeId() + " is closed");
        LOG.info("node {} left the metadata quorum {}", config.nodeId(), group.getGroupId());
        if (failure != null) {
            throw failure;
        }
    }

    private boolean isVoter(int nodeId) {
        return currentVoters().stream().anyMatch(v -> v.nodeId() == nodeId);
    }

    /** This listener as a peer of the group. */
    private RaftPeer listenerPeer() {
        String host = config.raftHost();
        return RaftPeer.newBuilder()
                .setId(selfId)
                .setAddress((host.contains(":") ? "[" + host + "]" : host) + ":" + config.raftPort())
                .setStartupRole(RaftPeerRole.LISTENER)
                .build();
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    static int nodeIdOf(RaftPeerId peerId) {
        if (peerId == null) {
            return -1;
        }
        try {
            return Integer.parseInt(peerId.toString());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Raft peer '" + peerId + "' is not a skiff node id", e);
        }
    }

    private Optional<DivisionInfo> divisionInfo() {
        RaftServer current = server;
        if (current == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(current.getDivision(group.getGroupId()).getInfo());
        } catch (IOException e) {
            // The group is not (or no longer) served: the server is starting or closing.
            LOG.debug("node {} has no division of {}: {}", config.nodeId(), group.getGroupId(), e.toString());
            return Optional.empty();
        }
    }

    private static SubmitResult result(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            return failure(reply.getException());
        }
        BatchOutcome outcome;
        try {
            outcome = BatchOutcome.parseFrom(reply.getMessage().getContent().toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return new SubmitResult.Failed(
                    ErrorCode.UNKNOWN_SERVER_ERROR, "the controller's answer cannot be decoded: " + e.getMessage());
        }
        if (outcome.getError() == ErrorCode.NONE) {
            return new SubmitResult.Committed(reply.getLogIndex());
        }
        return new SubmitResult.Rejected(
                reply.getLogIndex(), outcome.getRecordIndex(), outcome.getError(), outcome.getErrorMessage());
    }

    private static SubmitResult failure(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StateMachineException refused) {
            return refusedBeforeAppend(refused);
        }
        if (cause instanceof AlreadyClosedException) {
            return new SubmitResult.Failed(
                    ErrorCode.NOT_CONTROLLER, "the metadata quorum is closed: " + cause.getMessage());
        }
        if (cause instanceof NotLeaderException || cause instanceof LeaderNotReadyException) {
            return new SubmitResult.Failed(ErrorCode.NOT_CONTROLLER, "no active controller: " + cause.getMessage());
        }
        return new SubmitResult.Failed(
                ErrorCode.REQUEST_TIMED_OUT,
                "no active controller committed the batch in time (" + cause + "); it may still be committed");
    }

    /** The leader's startTransaction refused the batch; its message starts with the error code. */
    private static SubmitResult refusedBeforeAppend(StateMachineException refused) {
        String message = String.valueOf(refused.getMessage());
        for (ErrorCode code : List.of(ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_REQUEST)) {
            int at = message.indexOf(code.name() + ": ");
            if (at >= 0) {
                return new SubmitResult.Failed(
                        code, message.substring(at + code.name().length() + 2));
            }
        }
        return new SubmitResult.Failed(ErrorCode.UNKNOWN_SERVER_ERROR, message);
    }

    static RaftProperties properties(QuorumConfig config) {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        RaftServerConfigKeys.setStorageDir(
                properties, List.of(config.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(properties, config.raftHost());
        GrpcConfigKeys.Server.setPort(properties, config.raftPort());
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(config.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(config.electionTimeoutMax()));
        // The first election after a start need not wait a whole timeout: nobody can have led yet
        // in this process, and a single voter should lead within a fraction of a second.
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
                properties, millis(config.electionTimeoutMin().dividedBy(3)));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
                properties, millis(config.electionTimeoutMin().multipliedBy(2).dividedBy(3)));
        timeLeaderChanges(properties, config);
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties, millis(config.requestTimeout()));
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, millis(config.requestTimeout()));
        boolean autoSnapshots = config.snapshotThresholdEntries() > 0;
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, autoSnapshots);
        if (autoSnapshots) {
            RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThresholdEntries());
        }
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        // The log is purged up to each snapshot, even while a voter is away: metadata snapshots are
        // small, and a voter that comes back behind the purged log installs the leader's snapshot.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, autoSnapshots);
        if (autoSnapshots) {
            RaftServerConfigKeys.Log.setPurgeGap(
                    properties, (int) Math.min(PURGE_GAP_ENTRIES_MAX, config.snapshotThresholdEntries()));
        }
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(config.logSegmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(
                properties, SizeInBytes.valueOf(Math.min(config.logSegmentBytes(), PREALLOCATED_BYTES_MAX)));
        return properties;
    }

    /**
     * How fast a lost leader is replaced and a returning voter is heard again, without a returning
     * voter deposing a working leader. See the package docs for the measurements.
     */
    private static void timeLeaderChanges(RaftProperties properties, QuorumConfig config) {
        // Pre-vote (Ratis' default, set on purpose): a voter that restarts, or was cut off, first
        // asks whether it could win; voters that still hear the leader say no, so it never raises
        // the term, and the leader it would have deposed keeps leading.
        RaftServerConfigKeys.LeaderElection.setPreVote(properties, true);
        // A leader that stops hearing a majority steps down and then sits out elections, by default
        // for 10 s. A few election timeouts are enough to keep it from flapping.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(
                properties, millis(config.electionTimeoutMax().multipliedBy(2)));
        // The leader retries a peer it cannot reach; by default after ~20 s of failures only every
        // 5 s, so a voter or listener that came back after a longer absence waited up to 5 s for
        // its first append. Retrying at about the heartbeat interval (random within +-50%) makes a
        // returning peer hear the leader within a heartbeat or two, for a few failed loopback
        // connects a second while it is away.
        long heartbeatMs = Math.max(1, config.electionTimeoutMin().toMillis() / 2);
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(
                properties, "1ms,10, " + heartbeatMs + "ms," + Integer.MAX_VALUE);
    }

    private static TimeDuration millis(Duration duration) {
        return TimeDuration.valueOf(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
