package dev.skiff.metadata.quorum;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the leader's Raft configuration list this broker-only node as a listener, so that the
 * leader sends it the metadata log. Idempotent: a listener that restarts finds itself in the
 * configuration its own log recovered and asks nobody; otherwise it reads the leader's
 * configuration and, if it is not there yet, adds itself (Ratis' mode ADD, which keeps every other
 * voter and listener). Voters never need this: they are the configuration every node starts from,
 * and they read the listeners from their own log when they restart.
 *
 * <p>A listener's address cannot change: Ratis keeps the first address it saw for a peer id in
 * every server that has talked to it, so a listener registered elsewhere is refused with a message.
 */
final class ListenerRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistration.class);

    private final RaftGroup voters;
    private final RaftPeer self;
    private final RaftProperties properties;
    private final int attemptsMax;
    private final long pauseMs;

    /**
     * @param pauseMs how long to wait before asking again when no voter answered at all
     */
    ListenerRegistration(RaftGroup voters, RaftPeer self, RaftProperties properties, int attemptsMax, long pauseMs) {
        this.voters = voters;
        this.self = self;
        this.properties = properties;
        this.attemptsMax = attemptsMax;
        this.pauseMs = pauseMs;
    }

    /**
     * Registers {@link #self} through {@code client} (which finds the leader), unless {@code local},
     * the configuration this node recovered from its own log, already lists it.
     *
     * @throws IOException if no leader accepted it, or the quorum knows this node at another address
     *     or as a voter
     */
    void register(RaftClient client, RaftConfiguration local) throws IOException {
        if (local.getLogEntryIndex() >= 0 && isRegistered(local.getPeer(self.getId(), RaftPeerRole.LISTENER))) {
            LOG.info("node {} follows the metadata quorum as the listener its own log lists", self.getId());
            return;
        }
        IOException failure = null;
        for (int attempt = 0; attempt < attemptsMax; attempt++) {
            RaftConfigurationProto leaders;
            try {
                leaders = leadersConfiguration();
            } catch (NoVoterAnsweredException e) {
                // The voters may be starting too (a whole cluster started at once): ask again.
                failure = e;
                pause();
                continue;
            }
            if (ProtoUtils.toRaftPeers(leaders.getPeersList()).stream()
                    .anyMatch(p -> p.getId().equals(self.getId()))) {
                throw new IOException("node " + self.getId() + " is a voter of the metadata quorum, not a listener:"
                        + " run it with process.roles=controller (or broker,controller)");
            }
            Optional<RaftPeer> registered = ProtoUtils.toRaftPeers(leaders.getListenersList()).stream()
                    .filter(p -> p.getId().equals(self.getId()))
                    .findFirst();
            if (registered.isPresent() && isRegistered(registered.get())) {
                LOG.info("node {} is a listener of the metadata quorum at {}", self.getId(), self.getAddress());
                return;
            }
            RaftClientReply reply = client.admin()
                    .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setMode(SetConfigurationRequest.Mode.ADD)
                            .setServersInNewConf(List.of())
                            .setListenersInNewConf(List.of(self))
                            .build());
            // Success or not, read the configuration back: it says whether this node is in.
            failure = reply.isSuccess() ? failure : reply.getException();
        }
        throw new IOException(
                "node " + self.getId() + " could not register as a listener of the metadata quorum", failure);
    }

    /** Whether {@code known}, this node's entry somewhere, is at this node's address. */
    private boolean isRegistered(RaftPeer known) throws IOException {
        if (known == null) {
            return false;
        }
        if (!known.getAddress().equals(self.getAddress())) {
            throw new IOException("node " + self.getId() + " follows the metadata quorum at " + known.getAddress()
                    + ", not " + self.getAddress() + ": a listener must keep its address (the voters keep the"
                    + " first one they saw); set it back, or give this node a new node.id and data directories");
        }
        return true;
    }

    /**
     * The configuration as the leader has it; a follower's when no leader answers (a stale one
     * only makes the compare-and-set fail and be retried). One attempt per voter, no retries, so
     * that a voter that is down costs one refused connection.
     */
    private RaftConfigurationProto leadersConfiguration() throws IOException {
        IOException failure = null;
        RaftConfigurationProto fallback = null;
        try (RaftClient probe = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(voters)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.noRetry())
                .build()) {
            for (RaftPeer voter : voters.getPeers()) {
                try {
                    GroupInfoReply info =
                            probe.getGroupManagementApi(voter.getId()).info(voters.getGroupId());
                    Optional<RaftConfigurationProto> conf = info.getConf();
                    if (conf.isPresent() && info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
                        return conf.get();
                    }
                    fallback = conf.orElse(fallback);
                } catch (IOException e) {
                    failure = e;
                } catch (StatusRuntimeException e) {
                    // Ratis passes gRPC's unchecked failure of a group-info call on unwrapped; a
                    // voter that serves no such group says so in the description.
                    String description = String.valueOf(e.getStatus().getDescription());
                    if (description.contains(voters.getGroupId() + " not found")) {
                        throw new IOException(
                                "voter " + voter + " does not serve the metadata group "
                                        + voters.getGroupId() + ": it belongs to another cluster (the group follows"
                                        + " the cluster id in meta.properties)",
                                e);
                    }
                    failure = new IOException("voter " + voter + " did not answer: " + e.getStatus(), e);
                }
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw new NoVoterAnsweredException(
                "no voter of the metadata quorum " + voters + " answered" + (failure == null ? "" : ": " + failure),
                failure);
    }

    /** No voter could be asked: they may not be listening yet. */
    private static final class NoVoterAnsweredException extends IOException {
        NoVoterAnsweredException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Waits {@link #pauseMs} before the next attempt (no voter listens yet). */
    private void pause() {
        java.util.concurrent.CompletableFuture.runAsync(
                        () -> {},
                        java.util.concurrent.CompletableFuture.delayedExecutor(
                                pauseMs, java.util.concurrent.TimeUnit.MILLISECONDS))
                .join();
    }
}
