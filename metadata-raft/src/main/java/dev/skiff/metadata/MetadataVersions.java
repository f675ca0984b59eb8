package dev.skiff.metadata;

import java.util.Optional;

/**
 * The format versions this node reads and writes (DESIGN §4). A node refuses anything newer than
 * it knows rather than guess at its meaning: applying a record it half understands would make its
 * image diverge from the other nodes'. Upgrades therefore go one node at a time, controllers last
 * to write new versions.
 */
public final class MetadataVersions {
    /**
     * The newest {@code MetadataRecord} version this node reads. It writes version 2 only for the
     * records that carry reassignment state (adding and removing replicas), and version 1 for every
     * other, so that a cluster being upgraded keeps working until someone reassigns a partition.
     */
    public static final int RECORD_VERSION = 2;

    /** The version of a record that sets no field newer than version 1. */
    public static final int BASE_RECORD_VERSION = 1;

    /** The version of a record that carries reassignment state. */
    public static final int REASSIGNMENT_RECORD_VERSION = 2;

    /**
     * The newest {@code MetadataSnapshot} format this node reads; it writes version 2 only when a
     * partition in the image is being reassigned, and version 1 otherwise.
     */
    public static final int SNAPSHOT_FORMAT_VERSION = 2;

    /** The snapshot format of an image in which no partition is being reassigned. */
    public static final int BASE_SNAPSHOT_FORMAT_VERSION = 1;

    private static final int OLDEST_VERSION = 1;

    private MetadataVersions() {}

    /** Why a record of {@code version} cannot be applied here, or empty if it can. */
    public static Optional<String> recordVersionProblem(int version) {
        return versionProblem("metadata record", version, RECORD_VERSION);
    }

    /** Why a snapshot of {@code version} cannot be loaded here, or empty if it can. */
    public static Optional<String> snapshotVersionProblem(int version) {
        return versionProblem("metadata snapshot", version, SNAPSHOT_FORMAT_VERSION);
    }

    /** Whether {@code version} is newer than this node knows (as opposed to merely invalid). */
    public static boolean isNewerRecordVersion(int version) {
        return version > RECORD_VERSION;
    }

    private static Optional<String> versionProblem(String what, int version, int newestKnown) {
        if (version > newestKnown) {
            return Optional.of(what + " version " + version + " is newer than this node knows (newest " + newestKnown
                    + "): upgrade this node to the release that wrote it");
        }
        if (version < OLDEST_VERSION) {
            return Optional.of(what + " version " + version + " is invalid: this node reads versions " + OLDEST_VERSION
                    + " to " + newestKnown + " (an unset version reads as 0)");
        }
        return Optional.empty();
    }
}
