package dev.skiff.client;

import java.util.Map;

/** The outcome of an asynchronous commit, called on the thread that calls {@link Consumer#poll}. */
@FunctionalInterface
public interface OffsetCommitCallback {
    /** {@code exception} is null on success; {@code offsets} are the offsets that were to be committed. */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
