package dev.skiff.broker.controller;

import dev.skiff.metadata.BrokerRegistration;
import dev.skiff.metadata.Uuid;
import dev.skiff.metadata.quorum.MetadataQuorum;
import dev.skiff.proto.v1.BrokerHeartbeatRequest;
import dev.skiff.proto.v1.BrokerHeartbeatResponse;
import dev.skiff.proto.v1.ControllerGrpc;
import dev.skiff.proto.v1.ErrorCode;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Optional;

/** Receives broker heartbeats when this node is the active controller. */
public final class HeartbeatService extends ControllerGrpc.ControllerImplBase {
    private final MetadataQuorum quorum;
    private final BrokerSessions sessions;
    private final Clock clock;

    public HeartbeatService(MetadataQuorum quorum, BrokerSessions sessions, Clock clock) {
        this.quorum = quorum;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public void brokerHeartbeat(BrokerHeartbeatRequest request, StreamObserver<BrokerHeartbeatResponse> out) {
        out.onNext(answer(request));
        out.onCompleted();
    }

    private BrokerHeartbeatResponse answer(BrokerHeartbeatRequest request) {
        BrokerHeartbeatResponse.Builder r = BrokerHeartbeatResponse.newBuilder();
        if (!quorum.isLeader()) {
            // A standby keeps broker sessions warm, so that if it takes over it knows who is silent.
            sessions.heartbeat(request.getNodeId(), clock.millis());
            return r.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage("node " + quorum.nodeId() + " is not the active controller (leader: "
                            + quorum.leaderId() + ")")
                    .build();
        }
        Optional<BrokerRegistration> reg = quorum.image().broker(request.getNodeId());
        Uuid incarnation;
        try {
            incarnation = Uuid.parse(request.getIncarnationId());
        } catch (IllegalArgumentException e) {
            return r.setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage(e.getMessage())
                    .build();
        }
        if (reg.isEmpty() || !reg.get().incarnationId().equals(incarnation)) {
            return r.setError(ErrorCode.STALE_BROKER_EPOCH)
                    .setErrorMessage("broker " + request.getNodeId() + " with incarnation " + incarnation
                            + " is not registered; register again")
                    .build();
        }
        sessions.heartbeat(request.getNodeId(), clock.millis());
        return r.setFenced(reg.get().fenced()).build();
    }
}
