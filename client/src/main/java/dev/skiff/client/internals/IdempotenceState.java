package dev.skiff.client.internals;

import dev.skiff.client.TopicPartition;
import java.util.HashMap;
import java.util.Map;

/**
 * The idempotent producer's identity and sequences (DESIGN §6): the producer id and epoch from
 * InitProducerId, and per partition the sequence the next new batch gets. A batch keeps the
 * sequence it got when first drained across all its retries, so the leader can recognize a retry
 * of a batch it already wrote and answer with the original offsets.
 *
 * <p>Owned by the producer's network thread (the {@link Sender}).
 */
final class IdempotenceState {
    private long producerId = -1;
    private short epoch = -1;
    private boolean requestInFlight;
    private boolean bumpNeeded;
    private int initAttempts;
    private long retryAtMs;
    private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();

    boolean hasProducerId() {
        return producerId >= 0 && !bumpNeeded;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    boolean requestInFlight() {
        return requestInFlight;
    }

    void requestSent() {
        requestInFlight = true;
        initAttempts++;
    }

    int initAttempts() {
        return initAttempts;
    }

    void requestFailed(long retryAt) {
        requestInFlight = false;
        retryAtMs = retryAt;
    }

    /** When InitProducerId may be sent again after a failure. */
    long retryAtMs() {
        return retryAtMs;
    }

    /** InitProducerId answered: a new id, or the same id with a bumped epoch; sequences restart at 0. */
    void initialized(long id, short newEpoch) {
        producerId = id;
        epoch = newEpoch;
        requestInFlight = false;
        bumpNeeded = false;
        initAttempts = 0;
        nextSequence.clear();
    }

    /** The leader lost or fenced this producer's state: bump the epoch before sending again. */
    void requestBump() {
        bumpNeeded = producerId >= 0;
    }

    boolean bumpNeeded() {
        return bumpNeeded;
    }

    /** Gives {@code batch} its sequence on its first drain; a retried batch keeps the one it has. */
    void assignIfNeeded(ProducerBatch batch) {
        if (batch.hasSequence()) {
            return;
        }
        int seq = nextSequence.getOrDefault(batch.topicPartition(), 0);
        batch.assignSequence(producerId, epoch, seq);
        long next = (long) seq + batch.recordCount();
        nextSequence.put(
                batch.topicPartition(), (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
    }
}
