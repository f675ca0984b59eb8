package dev.skiff.metadata;

import java.util.Optional;

/**
 * The format versions this node reads and writes (DESIGN §4). A node refuses anything newer than
 * it knows rather than guess at its meaning: applying a record it half understands would make its
 * image diverge from the other nodes'. Upgrades therefore go one node at a time, controllers last
 * to write new versions.
 */
public final class MetadataVersions {
    /** The version of every {@code MetadataRecord} this node writes, and the newest it reads. */
    public static final int RECORD_VERSION = 1;

    /** The version of every {@code MetadataSnapshot} this node writes, and the newest it reads. */
    public static final int SNAPSHOT_FORMAT_VERSION = 1;

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
