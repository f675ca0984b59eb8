package dev.skiff.cli;

/** A mistake the user can fix: bad flags, an unknown topic, an invalid value. Exit code 1, one line. */
final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
        super(message);
    }
}
