package dev.skiff.client;

/** An operation did not complete in its time budget (delivery.timeout.ms, max.block.ms, ...). */
public class TimeoutException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public TimeoutException(String message) {
        super(message);
    }

    public TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
