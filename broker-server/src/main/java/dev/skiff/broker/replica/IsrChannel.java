package dev.skiff.broker.replica;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** How a partition leader asks the active controller to change an ISR (DESIGN §4). */
@FunctionalInterface
public interface IsrChannel {
    /**
     * Asks for {@code newIsr}, naming the leader epoch and partition epoch of {@code seen}, and the
     * incarnation of each broker it adds, as the leader saw it fetch.
     *
     * @return completes with true once the change is committed, false if the controller refused
     *     it (a stale epoch, a fenced follower); the new ISR itself arrives with the metadata image
     */
    CompletableFuture<Boolean> alterIsr(
            PartitionAssignment seen, List<Integer> newIsr, Map<Integer, String> joiningIncarnations);
}
