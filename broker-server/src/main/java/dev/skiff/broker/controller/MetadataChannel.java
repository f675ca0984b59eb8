package dev.skiff.broker.controller;

import dev.skiff.metadata.ApplyResult;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** How the broker side of a node reaches the metadata quorum. */
public interface MetadataChannel {
    /** The latest image applied on this node. */
    MetadataImage image();

    /** The node id of the active controller (the Raft leader), if one is known. */
    OptionalInt activeControllerId();

    /** Commits a batch through the active controller; completes once it is applied or rejected. */
    CompletableFuture<ApplyResult> submit(MetadataBatch batch);
}
