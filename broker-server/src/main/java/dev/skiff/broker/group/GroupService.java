package dev.skiff.broker.group;

import dev.skiff.proto.v1.DeleteGroupsRequest;
import dev.skiff.proto.v1.DeleteGroupsResponse;
import dev.skiff.proto.v1.DescribeGroupsRequest;
import dev.skiff.proto.v1.DescribeGroupsResponse;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.HeartbeatRequest;
import dev.skiff.proto.v1.HeartbeatResponse;
import dev.skiff.proto.v1.JoinGroupRequest;
import dev.skiff.proto.v1.JoinGroupResponse;
import dev.skiff.proto.v1.LeaveGroupRequest;
import dev.skiff.proto.v1.LeaveGroupResponse;
import dev.skiff.proto.v1.ListGroupsRequest;
import dev.skiff.proto.v1.ListGroupsResponse;
import dev.skiff.proto.v1.OffsetCommitRequest;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetDeleteRequest;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * skiff.v1.Group over gRPC: translates calls into the coordinator's and answers when the core
 * says so. JoinGroup and SyncGroup long-poll: their StreamObserver is completed later, from the
 * coordinator thread, without holding a gRPC thread.
 */
public final class GroupService extends GroupGrpc.GroupImplBase {
    private static final Context.Key<String> CLIENT_HOST = Context.key("skiff-client-host");

    private final GroupCoordinator coordinator;
    private final OffsetsTopic offsetsTopic;

    public GroupService(GroupCoordinator coordinator, OffsetsTopic offsetsTopic) {
        this.coordinator = coordinator;
        this.offsetsTopic = offsetsTopic;
    }

    /** The service with the interceptor that records each caller's address (DescribeGroups' client_host). */
    public ServerServiceDefinition withPeerAddress() {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                String host = peer instanceof InetSocketAddress a && a.getAddress() != null
                        ? a.getAddress().toString()
                        : String.valueOf(peer);
                return Contexts.interceptCall(Context.current().withValue(CLIENT_HOST, host), call, headers, next);
            }
        });
    }

    private static <T> Responder<T> responder(StreamObserver<T> out) {
        return response -> {
            try {
                out.onNext(response);
                out.onCompleted();
            } catch (RuntimeException e) {
                // The caller went away (cancelled, or its deadline passed) while it waited.
            }
        };
    }

    private static String clientHost() {
        return Optional.ofNullable(CLIENT_HOST.get()).orElse("");
    }

    @Override
    public void findCoordinator(FindCoordinatorRequest request, StreamObserver<FindCoordinatorResponse> out) {
        responder(out).complete(offsetsTopic.find(request.getKey()));
    }

    @Override
    public void joinGroup(JoinGroupRequest request, StreamObserver<JoinGroupResponse> out) {
        Responder<JoinGroupResponse> r = responder(out);
        String host = clientHost();
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(Membership.joinError(request.getMemberId(), no.error(), no.message())),
                (shard, exists, now, fx) -> shard.join(request, host, r, now, fx));
    }

    @Override
    public void syncGroup(
            dev.skiff.proto.v1.SyncGroupRequest request, StreamObserver<dev.skiff.proto.v1.SyncGroupResponse> out) {
        Responder<dev.skiff.proto.v1.SyncGroupResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(Sync.error(no.error(), no.message())),
                (shard, exists, now, fx) -> shard.sync(request, r, now, fx));
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        Responder<HeartbeatResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(HeartbeatResponse.newBuilder()
                        .setError(no.error())
                        .setErrorMessage(no.message())
                        .build()),
                (shard, exists, now, fx) -> fx.reply(r, shard.heartbeat(request, now)));
    }

    @Override
    public void leaveGroup(LeaveGroupRequest request, StreamObserver<LeaveGroupResponse> out) {
        Responder<LeaveGroupResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(LeaveGroupResponse.newBuilder()
                        .setError(no.error())
                        .setErrorMessage(no.message())
                        .build()),
                (shard, exists, now, fx) -> fx.reply(r, shard.leave(request, now, fx)));
    }

    @Override
    public void offsetCommit(OffsetCommitRequest request, StreamObserver<OffsetCommitResponse> out) {
        Responder<OffsetCommitResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(OffsetCommitResponse.newBuilder()
                        .setError(no.error())
                        .setErrorMessage(no.message())
                        .build()),
                (shard, exists, now, fx) -> shard.offsets().commit(request, exists, r, now, fx));
    }

    @Override
    public void offsetFetch(OffsetFetchRequest request, StreamObserver<OffsetFetchResponse> out) {
        Responder<OffsetFetchResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(OffsetFetchResponse.newBuilder()
                        .setError(no.error())
                        .setErrorMessage(no.message())
                        .build()),
                (shard, exists, now, fx) -> fx.reply(r, shard.offsets().fetch(request)));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> out) {
        Set<GroupState> states = EnumSet.noneOf(GroupState.class);
        for (String name : request.getStatesFilterList()) {
            Optional<GroupState> s = GroupState.parse(name);
            if (s.isEmpty()) {
                out.onError(Status.INVALID_ARGUMENT
                        .withDescription("unknown group state '" + name
                                + "' in states_filter: use Empty, PreparingRebalance, CompletingRebalance, Stable or"
                                + " Dead")
                        .asRuntimeException());
                return;
            }
            states.add(s.get());
        }
        coordinator.listGroups(states, responder(out));
    }

    @Override
    public void describeGroups(DescribeGroupsRequest request, StreamObserver<DescribeGroupsResponse> out) {
        coordinator.describeGroups(request.getGroupIdsList(), responder(out));
    }

    @Override
    public void deleteGroups(DeleteGroupsRequest request, StreamObserver<DeleteGroupsResponse> out) {
        coordinator.deleteGroups(request.getGroupIdsList(), responder(out));
    }

    @Override
    public void offsetDelete(OffsetDeleteRequest request, StreamObserver<OffsetDeleteResponse> out) {
        Responder<OffsetDeleteResponse> r = responder(out);
        coordinator.onGroup(
                request.getGroupId(),
                no -> r.complete(OffsetDeleteResponse.newBuilder()
                        .setError(no.error())
                        .setErrorMessage(no.message())
                        .build()),
                (shard, exists, now, fx) -> shard.offsets().deleteOffsets(request, r, fx));
    }
}
