package dev.skiff.client;

import java.util.Map;

/** A fetch position is outside the log and {@code auto.offset.reset=none}. */
public class OffsetOutOfRangeException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final transient Map<TopicPartition, Long> offsetOutOfRangePartitions;

    public OffsetOutOfRangeException(Map<TopicPartition, Long> offsetOutOfRangePartitions) {
        super(
                Errors.OFFSET_OUT_OF_RANGE,
                "Offsets out of range with no configured reset policy for partitions: " + offsetOutOfRangePartitions);
        this.offsetOutOfRangePartitions = Map.copyOf(offsetOutOfRangePartitions);
    }

    public Map<TopicPartition, Long> offsetOutOfRangePartitions() {
        return offsetOutOfRangePartitions;
    }
}
