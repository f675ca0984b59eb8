package dev.skiff.client;

/** A group operation (subscribe, commits, committed) on a consumer configured without {@code group.id}. */
public class InvalidGroupIdException extends ApiException {
    private static final long serialVersionUID = 1L;

    public InvalidGroupIdException(String operation) {
        super(
                Errors.INVALID_GROUP_ID,
                operation + " needs a consumer group: set group.id in the consumer configuration"
                        + " (without one, use assign() and seek(), and nothing is committed)");
    }
}
