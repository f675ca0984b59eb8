package dev.skiff.metadata.quorum;

/**
 * Told about every new metadata image: after each applied batch and after a snapshot is loaded.
 * Called on Ratis' apply thread, in log order: return quickly, never block, and hand longer work
 * to a thread of your own. An exception is logged and does not stop the quorum.
 */
@FunctionalInterface
public interface ImageListener {
    void onImage(AppliedImage previous, AppliedImage current);
}
