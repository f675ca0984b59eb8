package dev.skiff.log;

/**
 * An expected, typed outcome: the request is refused and the log is unchanged. Callers map {@link
 * #error()} to the protocol's error code; the message names the problem and what to do about it.
 */
public final class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final LogError error;

    public LogException(LogError error, String message) {
        super(message);
        this.error = error;
    }

    public LogError error() {
        return error;
    }
}
