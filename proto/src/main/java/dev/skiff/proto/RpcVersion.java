package dev.skiff.proto;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * The version of the skiff.v1 RPC contract (the .proto files of this module). Every skiff client
 * and broker sends it on every call in the {@code skiff-rpc-version} header; a broker refuses a
 * call of a newer version than it serves, naming both, rather than half-understand it. A call
 * without the header (grpcurl, other languages' generated stubs, reflection) is served as the
 * current version. Upgrades therefore go brokers first, then clients.
 */
public final class RpcVersion {
    /** The version this build speaks, and the newest it serves. */
    public static final int CURRENT = 1;

    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("skiff-rpc-version", Metadata.ASCII_STRING_MARSHALLER);

    private RpcVersion() {}

    /** Why a call with {@code header} (null: absent) is refused, or empty if it is served. */
    public static Optional<Status> problem(String header) {
        if (header == null) {
            return Optional.empty();
        }
        int version;
        try {
            version = Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription("the skiff-rpc-version header '" + header
                    + "' is not a version number; send " + CURRENT + " or leave the header out"));
        }
        if (version > CURRENT) {
            return Optional.of(Status.FAILED_PRECONDITION.withDescription("the caller speaks skiff RPC version "
                    + version + ", newer than version " + CURRENT + ", the newest this broker serves: upgrade"
                    + " the brokers before the clients and peers that use a newer version"));
        }
        if (version < 1) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription(
                    "skiff RPC version " + version + " does not exist: versions start at 1"));
        }
        return Optional.empty();
    }

    /** Adds the header to every call of a channel. */
    public static ClientInterceptor clientInterceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(HEADER, Integer.toString(CURRENT));
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** Refuses calls of a newer (or a malformed) version before they reach a service. */
    public static ServerInterceptor serverInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Optional<Status> refused = problem(headers.get(HEADER));
                if (refused.isPresent()) {
                    call.close(refused.get(), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
    }
}
