package dev.skiff.client;

/**
 * No broker answered at all: every address tried failed at the connection level (refused,
 * unresolvable, or silent until the deadline). The message names the addresses tried.
 */
public class ClusterUnreachableException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final String addresses;

    public ClusterUnreachableException(String addresses, String detail, Throwable cause) {
        super(
                "Could not reach any broker at " + addresses
                        + (detail == null || detail.isEmpty() ? "" : ": " + detail),
                cause);
        this.addresses = addresses;
    }

    /** The addresses tried, comma-separated. */
    public String addresses() {
        return addresses;
    }
}
