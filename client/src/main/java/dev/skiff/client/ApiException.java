package dev.skiff.client;

/** A broker answered with an error code: an expected outcome such as an unknown topic. */
public class ApiException extends SkiffException {
    private static final long serialVersionUID = 1L;

    private final Errors error;

    public ApiException(Errors error, String message) {
        super(message);
        this.error = error;
    }

    public Errors error() {
        return error;
    }

    public boolean isRetriable() {
        return error.isRetriable();
    }
}
