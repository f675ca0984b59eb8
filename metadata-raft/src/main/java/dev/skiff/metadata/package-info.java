/**
 * The metadata of a skiff cluster (DESIGN §4): the records of the metadata log and the image they
 * build ({@link dev.skiff.metadata.MetadataImage}, pure and deterministic), snapshots of that image,
 * and the controller's decisions that turn admin commands into records. The Ratis adapter lives in
 * {@code dev.skiff.metadata.quorum}.
 */
package dev.skiff.metadata;
