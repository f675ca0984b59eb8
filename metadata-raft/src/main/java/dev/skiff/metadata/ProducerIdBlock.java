package dev.skiff.metadata;

/**
 * Producer ids {@code [firstProducerId, nextProducerId)} handed to one broker by a ProducerIdsRecord;
 * the broker gives them to idempotent producers one by one.
 */
public record ProducerIdBlock(int brokerId, long firstProducerId, long nextProducerId) {
    /** How many ids a broker gets at a time, as Kafka's controller gives. */
    public static final int SIZE = 1000;

    public ProducerIdBlock {
        if (firstProducerId < 0 || nextProducerId <= firstProducerId) {
            throw new IllegalArgumentException(
                    "producer id block [" + firstProducerId + ", " + nextProducerId + ") is empty or negative");
        }
    }

    public long size() {
        return nextProducerId - firstProducerId;
    }
}
