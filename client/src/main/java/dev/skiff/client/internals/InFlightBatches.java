package dev.skiff.client.internals;

import dev.skiff.client.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The batches the producer has sent and not yet settled, per partition, in send order (DESIGN §7).
 * Owned by the producer's network thread (the {@link Sender}).
 *
 * <p>Invariants: all of a partition's unanswered requests went to one broker, on the one stream
 * to it, which answers in request order; so the answers of a partition arrive in the order its
 * batches were sent, and each answer settles the batches at the head. A partition is sent to again
 * only while it has fewer than the limit of requests unanswered, no retry under way, and its
 * leader is still the broker its requests went to.
 *
 * <p>A retriable failure starts a retry of the partition: the answers still due for it are not
 * looked at (a later batch may have been refused, or even written, only because of the failed
 * one; an idempotent leader recognizes a written one when it comes again), and once the last of
 * them is in, the failed batch and every batch sent after it go back to the head of the
 * partition's queue in their original order, keeping their sequence numbers.
 */
final class InFlightBatches {
    /** A partition whose retry can start: its batches in send order, and the error that failed the first. */
    record Retry(List<ProducerBatch> batches, RuntimeException error) {}

    private static final class Partition {
        final HostPort address;
        final ArrayDeque<ProducerBatch> batches = new ArrayDeque<>();
        int requests;
        /** Non-null while a retry is under way. */
        RuntimeException retryError;

        Partition(HostPort address) {
            this.address = address;
        }
    }

    private final Map<TopicPartition, Partition> partitions = new LinkedHashMap<>();

    /** Records that one request carries {@code batches} of {@code tp} to the broker at {@code address}. */
    void sent(TopicPartition tp, HostPort address, List<ProducerBatch> batches) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition(address));
        if (!p.address.equals(address) || p.retryError != null) {
            throw new IllegalStateException("a request for " + tp + " to " + address + " while "
                    + (p.retryError != null ? "a retry is under way" : "requests are in flight to " + p.address));
        }
        p.batches.addAll(batches);
        p.requests++;
    }

    /**
     * Whether a request for {@code tp} may go to {@code leader} (null: unknown) now: fewer than
     * {@code requestsMax} unanswered, none to another broker, and no retry under way.
     */
    boolean maySend(TopicPartition tp, HostPort leader, int requestsMax) {
        Partition p = partitions.get(tp);
        return p == null || (p.retryError == null && p.requests < requestsMax && p.address.equals(leader));
    }

    /**
     * Records the answer (or failure) of the request that carried {@code batches} of {@code tp}.
     *
     * @return true if the caller should act on it ({@link #settled} or {@link #retry}); false if
     *     a retry is under way or the batches were already given up
     */
    boolean answered(TopicPartition tp, List<ProducerBatch> batches) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return false;
        }
        p.requests--;
        if (p.retryError != null) {
            return false;
        }
        Iterator<ProducerBatch> head = p.batches.iterator();
        for (ProducerBatch b : batches) {
            if (!head.hasNext() || head.next() != b) {
                throw new IllegalStateException("an answer for " + tp + " out of send order");
            }
        }
        return true;
    }

    /** The answered batches at the head of {@code tp} are done (written or failed for good). */
    void settled(TopicPartition tp, List<ProducerBatch> batches) {
        Partition p = partitions.get(tp);
        for (int i = 0; i < batches.size(); i++) {
            p.batches.pollFirst();
        }
        if (p.batches.isEmpty() && p.requests == 0) {
            partitions.remove(tp);
        }
    }

    /** The answered batches at the head of {@code tp} failed with a retriable {@code error}: start a retry. */
    void retry(TopicPartition tp, RuntimeException error) {
        partitions.get(tp).retryError = error;
    }

    /** If {@code tp}'s retry can start (no answer still due), removes and returns its batches. */
    Optional<Retry> takeRetry(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p == null || p.retryError == null || p.requests > 0) {
            return Optional.empty();
        }
        partitions.remove(tp);
        return Optional.of(new Retry(new ArrayList<>(p.batches), p.retryError));
    }

    /** Partitions with batches in flight or waiting for their retry. */
    Set<TopicPartition> partitions() {
        return partitions.keySet();
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    /** Removes every batch, for a forced close. */
    List<ProducerBatch> clear() {
        List<ProducerBatch> out = new ArrayList<>();
        partitions.values().forEach(p -> out.addAll(p.batches));
        partitions.clear();
        return out;
    }
}
