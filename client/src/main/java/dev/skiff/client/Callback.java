package dev.skiff.client;

/**
 * Called once per sent record, on the producer's network thread, in send order within a
 * partition. Exactly one argument is non-null. Keep it short: it delays every other partition.
 */
@FunctionalInterface
public interface Callback {
    void onCompletion(RecordMetadata metadata, Exception exception);
}
