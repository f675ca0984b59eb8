package dev.skiff.broker.group;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.groups.v1.GroupMetadataKey;
import dev.skiff.proto.groups.v1.GroupMetadataValue;
import dev.skiff.proto.groups.v1.OffsetCommitKey;
import dev.skiff.proto.groups.v1.OffsetCommitValue;
import dev.skiff.proto.groups.v1.RecordKey;
import java.util.Optional;

/**
 * The records of __consumer_offsets (skiff/groups/v1/offsets.proto): keys and values to bytes and
 * back. A value of a newer format version than this broker knows is refused, naming both.
 */
public final class GroupRecords {
    public static final int OFFSET_COMMIT_VERSION = 1;
    public static final int GROUP_METADATA_VERSION = 1;

    /** A decoded record; {@code value} is empty for a tombstone. */
    public record Decoded(RecordKey key, Optional<MessageLite> value) {}

    private GroupRecords() {}

    /** The partition of __consumer_offsets that holds {@code groupId} (Kafka's formula). */
    public static int partitionFor(String groupId, int partitionCount) {
        return (groupId.hashCode() & 0x7fffffff) % partitionCount;
    }

    static RecordKey offsetKey(String group, TopicPartition tp) {
        return RecordKey.newBuilder()
                .setOffsetCommit(OffsetCommitKey.newBuilder()
                        .setGroup(group)
                        .setTopic(tp.topic())
                        .setPartition(tp.partition()))
                .build();
    }

    static RecordKey metadataKey(String group) {
        return RecordKey.newBuilder()
                .setGroupMetadata(GroupMetadataKey.newBuilder().setGroup(group))
                .build();
    }

    static Effects.StoredRecord offset(String group, TopicPartition tp, CommittedOffset o) {
        return new Effects.StoredRecord(
                offsetKey(group, tp),
                Optional.of(OffsetCommitValue.newBuilder()
                        .setVersion(OFFSET_COMMIT_VERSION)
                        .setOffset(o.offset())
                        .setLeaderEpoch(o.leaderEpoch())
                        .setMetadata(o.metadata())
                        .setCommitTimestampMs(o.commitTimestampMs())
                        .build()));
    }

    static Effects.StoredRecord offsetTombstone(String group, TopicPartition tp) {
        return new Effects.StoredRecord(offsetKey(group, tp), Optional.empty());
    }

    static Effects.StoredRecord metadata(String group, GroupMetadataValue value) {
        return new Effects.StoredRecord(metadataKey(group), Optional.of(value));
    }

    static Effects.StoredRecord metadataTombstone(String group) {
        return new Effects.StoredRecord(metadataKey(group), Optional.empty());
    }

    /**
     * Decodes one record of __consumer_offsets.
     *
     * @throws IllegalArgumentException if the bytes are not such a record, or its value's format
     *     version is newer than this broker reads
     */
    public static Decoded decode(byte[] key, byte[] value) {
        try {
            RecordKey k = RecordKey.parseFrom(key);
            if (value == null) {
                return new Decoded(k, Optional.empty());
            }
            return switch (k.getKeyCase()) {
                case OFFSET_COMMIT -> {
                    OffsetCommitValue v = OffsetCommitValue.parseFrom(value);
                    checkVersion("offset commit", v.getVersion(), OFFSET_COMMIT_VERSION);
                    yield new Decoded(k, Optional.of(v));
                }
                case GROUP_METADATA -> {
                    GroupMetadataValue v = GroupMetadataValue.parseFrom(value);
                    checkVersion("group metadata", v.getVersion(), GROUP_METADATA_VERSION);
                    yield new Decoded(k, Optional.of(v));
                }
                case KEY_NOT_SET -> throw new IllegalArgumentException(
                        "a __consumer_offsets record key of a kind this broker does not know (upgrade it)");
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("a __consumer_offsets record is not readable: " + e.getMessage(), e);
        }
    }

    private static void checkVersion(String what, int version, int newestKnown) {
        if (version > newestKnown) {
            throw new IllegalArgumentException("a " + what + " value has format version " + version
                    + ", newer than version " + newestKnown + ", the newest this broker reads: upgrade this broker");
        }
    }
}
