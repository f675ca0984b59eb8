package dev.skiff.broker.group;

import com.google.protobuf.ByteString;
import dev.skiff.proto.v1.JoinGroupProtocol;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.SyncGroupResponse;
import java.util.List;
import java.util.Optional;

/**
 * A member of a group, mutable, owned by its group's shard. A member with a parked JoinGroup or
 * SyncGroup is kept alive (its session does not expire while it waits for the coordinator).
 */
final class Member {
    String memberId;
    final String instanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<JoinGroupProtocol> protocols;
    ByteString assignment = ByteString.EMPTY;
    long sessionDeadlineMs;
    /** The member's parked JoinGroup; null unless it waits for the rebalance to complete. */
    Responder<JoinGroupResponse> awaitingJoin;
    /** The member's parked SyncGroup; null unless it waits for the leader's assignment. */
    Responder<SyncGroupResponse> awaitingSync;

    Member(
            String memberId,
            String instanceId,
            String clientId,
            String clientHost,
            int sessionTimeoutMs,
            int rebalanceTimeoutMs,
            List<JoinGroupProtocol> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    boolean isStatic() {
        return !instanceId.isEmpty();
    }

    boolean keptAlive() {
        return awaitingJoin != null || awaitingSync != null;
    }

    void touch(long nowMs) {
        sessionDeadlineMs = nowMs + sessionTimeoutMs;
    }

    /** The member's metadata for {@code protocol}, if it supports it. */
    Optional<ByteString> metadata(String protocol) {
        for (JoinGroupProtocol p : protocols) {
            if (p.getName().equals(protocol)) {
                return Optional.of(p.getMetadata());
            }
        }
        return Optional.empty();
    }

    boolean supports(String protocol) {
        return metadata(protocol).isPresent();
    }

    /** Same protocols, in the same order, with the same metadata. */
    boolean sameProtocols(List<JoinGroupProtocol> other) {
        return protocols.equals(other);
    }
}
