package dev.skiff.client;

/** {@link Consumer#wakeup()} interrupted a blocking call. */
public class WakeupException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public WakeupException() {
        super("The consumer was woken up");
    }
}
