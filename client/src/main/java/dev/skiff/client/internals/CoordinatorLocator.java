package dev.skiff.client.internals;

import dev.skiff.client.ApiException;
import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the broker that coordinates one group (FindCoordinator, asked of the known brokers and
 * then the bootstrap addresses) and sends it the group's calls. A call that gets no answer, or an
 * answer of NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE, makes the coordinator unknown, and the
 * next call looks it up again, after a backoff when lookups keep failing. Thread-safe: the
 * consumer's thread and its heartbeat thread share it.
 */
public final class CoordinatorLocator {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLocator.class);

    private final String groupId;
    private final Channels channels;
    private final MetadataManager metadata;
    private final CommonClientConfigs config;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;

    // Guarded by this.
    private HostPort coordinator;
    private CompletableFuture<HostPort> lookup;
    private int failures;

    public CoordinatorLocator(
            String groupId,
            Channels channels,
            MetadataManager metadata,
            CommonClientConfigs config,
            ScheduledExecutorService scheduler,
            Backoff backoff) {
        this.groupId = groupId;
        this.channels = channels;
        this.metadata = metadata;
        this.config = config;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    public synchronized Optional<HostPort> known() {
        return Optional.ofNullable(coordinator);
    }

    /** Forgets the coordinator: it said it is not one, or did not answer. */
    public synchronized void markUnknown(String why) {
        if (coordinator != null) {
            log.info(
                    "Group {}: coordinator {} is unavailable or invalid ({}); will find it again",
                    groupId,
                    coordinator,
                    why);
        }
        coordinator = null;
    }

    /** The coordinator's address: known, or being looked up (after a backoff if lookups failed). */
    public CompletableFuture<HostPort> coordinator() {
        CompletableFuture<HostPort> result;
        long delayMs;
        synchronized (this) {
            if (coordinator != null) {
                return CompletableFuture.completedFuture(coordinator);
            }
            if (lookup != null) {
                return lookup;
            }
            result = new CompletableFuture<>();
            lookup = result;
            delayMs = failures == 0 ? 0 : backoff.backoffMs(failures);
        }
        List<HostPort> order = candidates();
        FindCoordinatorRequest request =
                FindCoordinatorRequest.newBuilder().setKey(groupId).build();
        Waits.delay(scheduler, delayMs).thenRun(() -> tryNode(order, 0, request, result));
        return result;
    }

    /** Sends a call to the coordinator; a call that gets no answer makes the coordinator unknown. */
    public <Q, R> CompletableFuture<R> call(MethodDescriptor<Q, R> method, Q request, long timeoutMs) {
        return coordinator().thenCompose(address -> channels.call(address, method, request, timeoutMs)
                .whenComplete((r, failure) -> {
                    if (failure != null && Rpc.isNoAnswer(failure)) {
                        markUnknown(Rpc.describe(failure));
                    }
                }));
    }

    /** True for the errors that mean "find the coordinator again". */
    public static boolean isCoordinatorError(Errors error) {
        return error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE;
    }

    private void tryNode(
            List<HostPort> order, int index, FindCoordinatorRequest request, CompletableFuture<HostPort> result) {
        channels.call(order.get(index), GroupGrpc.getFindCoordinatorMethod(), request, config.requestTimeoutMs())
                .whenComplete((response, failure) -> {
                    if (failure == null) {
                        answered(response, result);
                    } else if (Rpc.isNoAnswer(failure) && index + 1 < order.size()) {
                        tryNode(order, index + 1, request, result);
                    } else {
                        finish(null, Rpc.unwrap(failure), result);
                    }
                });
    }

    private void answered(FindCoordinatorResponse response, CompletableFuture<HostPort> result) {
        Errors error = Errors.of(response.getError());
        if (error != Errors.NONE) {
            finish(null, error.exception(response.getErrorMessage()), result);
            return;
        }
        HostPort address = new HostPort(response.getHost(), response.getPort());
        log.debug("Group {}: coordinator is node {} at {}", groupId, response.getNodeId(), address);
        finish(address, null, result);
    }

    private void finish(HostPort address, Throwable failure, CompletableFuture<HostPort> result) {
        synchronized (this) {
            lookup = null;
            if (address != null) {
                coordinator = address;
                failures = 0;
            } else {
                failures++;
            }
        }
        if (address != null) {
            result.complete(address);
        } else {
            result.completeExceptionally(failure);
        }
    }

    /** Known brokers first, then the bootstrap addresses. */
    private List<HostPort> candidates() {
        Set<HostPort> order = new LinkedHashSet<>();
        List<Node> known = new ArrayList<>(metadata.current().brokers().values());
        known.sort((a, b) -> Integer.compare(a.id(), b.id()));
        known.forEach(n -> order.add(ClusterSnapshot.address(n)));
        order.addAll(config.bootstrapServers());
        return new ArrayList<>(order);
    }

    /** True if a failed lookup or call is worth retrying (after a backoff). */
    public static boolean isRetriable(Throwable failure) {
        Throwable t = Rpc.unwrap(failure);
        if (t instanceof ApiException api) {
            return api.isRetriable();
        }
        return Rpc.isNoAnswer(t);
    }
}
