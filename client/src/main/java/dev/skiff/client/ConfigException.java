package dev.skiff.client;

/** A client config value is missing or invalid; the message names the key. */
public class ConfigException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String key, Object value, String reason) {
        super("Invalid value " + value + " for configuration " + key + (reason == null ? "" : ": " + reason));
    }
}
