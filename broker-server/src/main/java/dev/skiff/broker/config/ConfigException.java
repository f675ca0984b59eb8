package dev.skiff.broker.config;

/** A bad server.properties value; the message names the key, the value and what is accepted. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String key, String value, String problem) {
        super("invalid " + key + "=" + value + ": " + problem);
    }
}
