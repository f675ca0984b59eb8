package dev.skiff.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.proto.RpcVersion;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.MetadataRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The client's channels over real TCP: every call carries the skiff RPC version. */
class ChannelFactoryTest {
    @Test
    void everyCallCarriesTheRpcVersionHeader() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                seen.set(headers.get(RpcVersion.HEADER));
                return next.startCall(call, headers);
            }
        };
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new BrokerGrpc.BrokerImplBase() {}, capture))
                .build()
                .start();
        ManagedChannel channel = ChannelFactory.plaintext(1 << 20).create("127.0.0.1", server.getPort());
        try {
            StatusRuntimeException e =
                    assertThrows(StatusRuntimeException.class, () -> BrokerGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .metadata(MetadataRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), "the bare service answered");
            assertEquals(Integer.toString(RpcVersion.CURRENT), seen.get());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
