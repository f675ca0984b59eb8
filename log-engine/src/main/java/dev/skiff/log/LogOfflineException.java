package dev.skiff.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by every operation on a log after a write or fsync failed: the data on disk can no longer
 * be trusted to match what was acknowledged, so the log refuses to pretend (STYLE 7). Reopening
 * runs recovery.
 */
public final class LogOfflineException extends IOException {
    private static final long serialVersionUID = 1L;

    public LogOfflineException(Path dir, Throwable cause) {
        super(
                "log " + dir + " is offline after an I/O failure (" + cause.getMessage()
                        + "); fix the disk and restart to run recovery",
                cause);
    }
}
