package dev.skiff.client;

/**
 * @param validateOnly check everything, create nothing
 * @param ifNotExists a topic that already exists counts as success ({@link CreatedTopic#created()} false)
 */
public record CreateTopicsOptions(boolean validateOnly, boolean ifNotExists) {
    public static CreateTopicsOptions defaults() {
        return new CreateTopicsOptions(false, false);
    }
}
