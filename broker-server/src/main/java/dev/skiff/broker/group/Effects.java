package dev.skiff.broker.group;

import com.google.protobuf.MessageLite;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.groups.v1.RecordKey;
import dev.skiff.proto.v1.DeletedGroupResult;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.OffsetCommitResponse;
import dev.skiff.proto.v1.OffsetDeleteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one event of the core asks the shell to do, in order: answers to send and records to
 * write to the group's __consumer_offsets partition. After a write the shell reports its outcome
 * back to the core ({@link GroupShard#afterWrite}) with the write's {@link AfterWrite}.
 */
public final class Effects {
    /** One answer: complete {@code to} with {@code response}. */
    public record Reply<T>(Responder<T> to, T response) {
        public void send() {
            to.complete(response);
        }
    }

    /** A record for __consumer_offsets; an empty value is a tombstone. */
    public record StoredRecord(RecordKey key, Optional<MessageLite> value) {}

    /** Records to append together (one batch), and what the core does once they are replicated. */
    public record Write(String groupId, List<StoredRecord> records, AfterWrite after) {}

    /** What follows a write. */
    public sealed interface AfterWrite {}

    /** Nothing waits for the write (tombstones, an emptied group's metadata). */
    public record NothingWaits() implements AfterWrite {}

    /** The leader's assignment of {@code generation} is stored: answer the members' SyncGroup. */
    public record SyncStored(int generation) implements AfterWrite {}

    /**
     * Offsets are stored: apply them and answer the commit. {@code answer} already holds the
     * partitions refused before writing; the written ones are added with the write's outcome.
     */
    public record CommitStored(
            Map<TopicPartition, CommittedOffset> offsets,
            OffsetCommitResponse.Builder answer,
            Responder<OffsetCommitResponse> to)
            implements AfterWrite {}

    /**
     * A deleted group's tombstones are written: on success forget the group, on failure make it
     * Empty again (since {@code emptySinceMs}) so the delete can be retried; then answer.
     */
    public record GroupDeleted(long emptySinceMs, Responder<DeletedGroupResult> to) implements AfterWrite {}

    /**
     * Offset tombstones are written: answer the OffsetDelete; on failure the {@code removed}
     * offsets come back unless a commit replaced them meanwhile.
     */
    public record OffsetsDeleted(
            Map<TopicPartition, CommittedOffset> removed,
            OffsetDeleteResponse answer,
            Responder<OffsetDeleteResponse> to)
            implements AfterWrite {}

    private final List<Reply<?>> replies = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();

    <T> void reply(Responder<T> to, T response) {
        replies.add(new Reply<>(to, response));
    }

    void write(String groupId, List<StoredRecord> records, AfterWrite after) {
        if (!records.isEmpty()) {
            writes.add(new Write(groupId, List.copyOf(records), after));
        }
    }

    public List<Reply<?>> replies() {
        return List.copyOf(replies);
    }

    public List<Write> writes() {
        return List.copyOf(writes);
    }

    public boolean isEmpty() {
        return replies.isEmpty() && writes.isEmpty();
    }

    /**
     * Kafka's mapping of a failed write of __consumer_offsets to what a group client can act on:
     * leadership moved (find the coordinator again), or the write could not be replicated (retry).
     */
    public static ErrorCode coordinatorError(ErrorCode writeError) {
        return switch (writeError) {
            case NONE -> ErrorCode.NONE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, FENCED_LEADER_EPOCH -> ErrorCode.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION,
                    NOT_ENOUGH_REPLICAS,
                    NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    REQUEST_TIMED_OUT,
                    LEADER_NOT_AVAILABLE -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
            default -> ErrorCode.UNKNOWN_SERVER_ERROR;
        };
    }
}
