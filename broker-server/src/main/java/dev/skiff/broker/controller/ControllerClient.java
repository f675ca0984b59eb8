package dev.skiff.broker.controller;

import dev.skiff.metadata.Decision;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.quorum.MetadataQuorum;
import dev.skiff.metadata.quorum.QuorumStatus;
import dev.skiff.metadata.quorum.SubmitResult;
import dev.skiff.proto.v1.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs a controller decision against the current image and commits it. If the image moved on and
 * the committed batch is rejected as stale, decides again on the new image (a bounded number of
 * times). Blocks the calling request thread for at most the timeout.
 */
public final class ControllerClient {
    static final int ATTEMPTS_MAX = 5;

    private final MetadataQuorum channel;
    private final Clock clock;
    private final java.util.function.LongFunction<java.util.concurrent.CompletableFuture<?>> visible;

    /**
     * @param visible completes once the change committed at a Raft index is visible through this
     *     node (its image applied it and its partitions are set up)
     */
    public ControllerClient(
            MetadataQuorum channel,
            Clock clock,
            java.util.function.LongFunction<java.util.concurrent.CompletableFuture<?>> visible) {
        this.channel = channel;
        this.clock = clock;
        this.visible = visible;
    }

    public MetadataImage image() {
        return channel.image();
    }

    /** Whether this node is the active controller (the ready Raft leader). */
    public boolean isActiveController() {
        return channel.isLeader();
    }

    /** The quorum as this node sees it; only the active controller knows every voter's lag. */
    public QuorumStatus quorumStatus() {
        return channel.status();
    }

    /** The metadata log's replication by every voter and observer, if this node is the active controller. */
    public java.util.Optional<dev.skiff.metadata.quorum.QuorumReplication> quorumReplication() {
        return channel.replication(clock.millis());
    }

    /** The voters of the metadata quorum now (they change with add-controller and remove-controller). */
    public java.util.List<dev.skiff.metadata.quorum.QuorumVoter> currentVoters() {
        return channel.currentVoters();
    }

    /** Makes observer {@code nodeId} a voter; only on the active controller (see {@link MetadataQuorum#addVoter}). */
    public void addVoter(int nodeId) throws java.io.IOException {
        channel.addVoter(nodeId);
    }

    /** Takes voter {@code nodeId} out of the quorum; only on the active controller. */
    public void removeVoter(int nodeId) throws java.io.IOException {
        channel.removeVoter(nodeId);
    }

    /** Decides and, unless refused or a no-op, commits; the answer says which. */
    public <T> Decision<T> run(Function<MetadataImage, Decision<T>> decide, Duration timeout) {
        long deadlineMs = clock.millis() + timeout.toMillis();
        Decision<T> last = null;
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            Decision<T> d = decide.apply(channel.image());
            if (!(d instanceof Decision.Accepted<T> accepted) || accepted.changesNothing()) {
                return d;
            }
            SubmitResult result;
            try {
                long leftMs = Math.max(1, deadlineMs - clock.millis());
                result = channel.submit(accepted.batch()).get(leftMs, TimeUnit.MILLISECONDS);
                if (result instanceof SubmitResult.Committed committed) {
                    // Answer only once this node's image holds the change, so the caller's next
                    // read through this node sees it.
                    visible.apply(committed.index())
                            .get(Math.max(1, deadlineMs - clock.millis()), TimeUnit.MILLISECONDS);
                    return accepted;
                }
            } catch (TimeoutException e) {
                return new Decision.Refused<>(
                        ErrorCode.REQUEST_TIMED_OUT,
                        "the controller did not commit the change" + " within " + timeout.toMillis()
                                + " ms; it may still happen: check before retrying");
            } catch (ExecutionException e) {
                return new Decision.Refused<>(
                        ErrorCode.NOT_CONTROLLER,
                        "no active controller could commit the change ("
                                + e.getCause().getMessage() + "); retry shortly");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Decision.Refused<>(
                        ErrorCode.REQUEST_TIMED_OUT, "interrupted while waiting for the controller");
            }
            if (result instanceof SubmitResult.Failed failed) {
                return new Decision.Refused<>(failed.error(), failed.message());
            }
            SubmitResult.Rejected rejected = (SubmitResult.Rejected) result;
            last = new Decision.Refused<>(rejected.error(), rejected.message());
            // The decision may have been made on an image behind the log (a node that just
            // restarted): decide again only once this node has applied everything up to the
            // rejected entry.
            try {
                channel.awaitApplied(rejected.index())
                        .get(Math.max(1, deadlineMs - clock.millis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return last;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        }
        return last;
    }
}
