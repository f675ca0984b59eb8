package dev.skiff.client;

import dev.skiff.proto.RpcVersion;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/** Opens the gRPC channel to one broker address. The client keeps one channel per address. */
@FunctionalInterface
public interface ChannelFactory {
    ManagedChannel create(String host, int port);

    /** Plaintext HTTP/2 over the transport found on the class path (grpc-netty-shaded), with the RPC version header. */
    static ChannelFactory plaintext(int maxInboundMessageBytes) {
        return (host, port) -> Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                .maxInboundMessageSize(maxInboundMessageBytes)
                .userAgent("skiff-client")
                .intercept(RpcVersion.clientInterceptor())
                .build();
    }
}
