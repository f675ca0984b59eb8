/**
 * The controller quorum on Apache Ratis (DESIGN §4): {@link dev.skiff.metadata.quorum.MetadataQuorum}
 * runs this node's voter, submits batches to the leader (the active controller) and keeps the
 * node's metadata image, applied by {@code MetadataStateMachine} through the pure {@link
 * dev.skiff.metadata.MetadataImage#apply}. Only this package touches Ratis; its threads are Ratis'
 * own, started by {@code MetadataQuorum.start()} and stopped by {@code close()}.
 */
package dev.skiff.metadata.quorum;
