package dev.skiff.client.internals;

import dev.skiff.client.Errors;
import dev.skiff.client.KeyedResult;
import dev.skiff.client.Node;
import dev.skiff.client.internals.AdminCall.Outcome;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An admin operation on one group, sent to the group's coordinator: every attempt asks a bootstrap
 * broker which broker coordinates the group (FindCoordinator), then sends the request there. A
 * coordinator that moved ({@code NOT_COORDINATOR}), is still loading ({@code
 * COORDINATOR_LOAD_IN_PROGRESS}) or is not there yet ({@code COORDINATOR_NOT_AVAILABLE}) makes
 * the keys retry, finding the coordinator again, until {@code default.api.timeout.ms}.
 */
public final class CoordinatorCall {
    private CoordinatorCall() {}

    /** What one attempt got: the coordinator's answer, or why there was no coordinator to ask. */
    public sealed interface Routed<R> {
        record Answer<R>(Node coordinator, R response) implements Routed<R> {}

        record NoCoordinator<R>(Errors error, String message) implements Routed<R> {}
    }

    /** Sends the request for {@code keys} to the coordinator at {@code coordinator}. */
    public interface Sender<K, R> {
        CompletableFuture<R> send(HostPort coordinator, Set<K> keys, long timeoutMs);
    }

    /** Reads each key's outcome from the coordinator's answer. */
    public interface Parser<K, V, R> {
        Map<K, Outcome<V>> parse(Node coordinator, R response, Set<K> keys);
    }

    /** True for the errors after which the coordinator should be found again and the request repeated. */
    public static boolean isCoordinatorError(Errors e) {
        return e == Errors.NOT_COORDINATOR
                || e == Errors.COORDINATOR_LOAD_IN_PROGRESS
                || e == Errors.COORDINATOR_NOT_AVAILABLE;
    }

    public static <K, V, R> KeyedResult<K, V> run(
            String what,
            AdminCall.Context ctx,
            String groupId,
            Set<K> keys,
            Sender<K, R> sender,
            Parser<K, V, R> parser,
            boolean idempotent) {
        return AdminCall.run(
                what,
                ctx,
                keys,
                (node, pending, timeoutMs) -> route(ctx, node, groupId, pending, timeoutMs, sender),
                (Routed<R> routed, Set<K> pending) -> parse(routed, pending, parser, groupId),
                idempotent);
    }

    private static <K, R> CompletableFuture<Routed<R>> route(
            AdminCall.Context ctx, HostPort node, String groupId, Set<K> keys, long timeoutMs, Sender<K, R> sender) {
        long startMs = ctx.clock().millis();
        FindCoordinatorRequest req =
                FindCoordinatorRequest.newBuilder().setKey(groupId).build();
        return ctx.channels()
                .call(node, GroupGrpc.getFindCoordinatorMethod(), req, timeoutMs)
                .thenCompose(found -> {
                    Errors e = Errors.of(found.getError());
                    if (e != Errors.NONE) {
                        return CompletableFuture.completedFuture(
                                new Routed.NoCoordinator<R>(e, found.getErrorMessage()));
                    }
                    HostPort address = HostPort.parseOrNull(found.getHost() + ":" + found.getPort());
                    if (address == null) {
                        return CompletableFuture.completedFuture(new Routed.NoCoordinator<R>(
                                Errors.COORDINATOR_NOT_AVAILABLE,
                                "the coordinator of group " + groupId + " has no usable address: " + found.getHost()
                                        + ":" + found.getPort()));
                    }
                    Node coordinator = node(found);
                    long leftMs = Math.max(1, timeoutMs - (ctx.clock().millis() - startMs));
                    return sender.send(address, keys, leftMs)
                            .thenApply(r -> (Routed<R>) new Routed.Answer<>(coordinator, r));
                });
    }

    private static Node node(FindCoordinatorResponse found) {
        return new Node(found.getNodeId(), found.getHost(), found.getPort(), "");
    }

    private static <K, V, R> Map<K, Outcome<V>> parse(
            Routed<R> routed, Set<K> keys, Parser<K, V, R> parser, String groupId) {
        if (routed instanceof Routed.Answer<R> answer) {
            return parser.parse(answer.coordinator(), answer.response(), keys);
        }
        Routed.NoCoordinator<R> none = (Routed.NoCoordinator<R>) routed;
        Outcome<V> outcome = GroupAdminProtocol.failure(none.error(), none.message(), "Group '" + groupId + "'");
        Map<K, Outcome<V>> out = new HashMap<>();
        keys.forEach(k -> out.put(k, outcome));
        return out;
    }
}
