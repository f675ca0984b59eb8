package dev.skiff.client;

import dev.skiff.proto.v1.ErrorCode;

/**
 * The error codes of skiff's API, with Kafka's names and numbers, and whether retrying (after a
 * metadata refresh) can help. The retriable set is the one common.proto documents, plus the leader
 * epoch errors that a metadata refresh cures.
 */
public enum Errors {
    NONE(0, false, ""),
    UNKNOWN_SERVER_ERROR(-1, false, "The server experienced an unexpected error when processing the request."),
    OFFSET_OUT_OF_RANGE(1, false, "The requested offset is not within the range of offsets maintained by the server."),
    CORRUPT_MESSAGE(
            2, false, "This message has failed its CRC checksum, exceeds the valid size, or is otherwise corrupt."),
    UNKNOWN_TOPIC_OR_PARTITION(3, true, "This server does not host this topic-partition."),
    INVALID_FETCH_SIZE(4, false, "The requested fetch size is invalid."),
    LEADER_NOT_AVAILABLE(
            5, true, "There is no leader for this topic-partition as we are in the middle of a leadership election."),
    NOT_LEADER_OR_FOLLOWER(
            6,
            true,
            "For requests intended only for the leader, this error indicates that the broker is not the current leader."),
    REQUEST_TIMED_OUT(7, true, "The request timed out."),
    BROKER_NOT_AVAILABLE(8, false, "The broker is not available."),
    MESSAGE_TOO_LARGE(
            10, false, "The request included a message larger than the max message size the server will accept."),
    OFFSET_METADATA_TOO_LARGE(12, false, "The metadata field of the offset request was too large."),
    COORDINATOR_LOAD_IN_PROGRESS(14, true, "The coordinator is loading and hence can't process requests."),
    COORDINATOR_NOT_AVAILABLE(15, true, "The coordinator is not available."),
    NOT_COORDINATOR(16, true, "This is not the correct coordinator."),
    INVALID_TOPIC_EXCEPTION(17, false, "The request attempted to perform an operation on an invalid topic."),
    RECORD_LIST_TOO_LARGE(
            18, false, "The request included message batch larger than the configured segment size on the server."),
    NOT_ENOUGH_REPLICAS(19, true, "Messages are rejected since there are fewer in-sync replicas than required."),
    NOT_ENOUGH_REPLICAS_AFTER_APPEND(
            20, true, "Messages are written to the log, but to fewer in-sync replicas than required."),
    INVALID_REQUIRED_ACKS(21, false, "Produce request specified an invalid value for required acks."),
    ILLEGAL_GENERATION(22, false, "Specified group generation id is not valid."),
    INCONSISTENT_GROUP_PROTOCOL(
            23,
            false,
            "The group member's supported protocols are incompatible with those of existing members or first group"
                    + " member tried to join with empty protocol type or empty protocol list."),
    INVALID_GROUP_ID(24, false, "The configured groupId is invalid."),
    UNKNOWN_MEMBER_ID(25, false, "The coordinator is not aware of this member."),
    INVALID_SESSION_TIMEOUT(
            26,
            false,
            "The session timeout is not within the range allowed by the broker (as configured by"
                    + " group.min.session.timeout.ms and group.max.session.timeout.ms)."),
    REBALANCE_IN_PROGRESS(27, false, "The group is rebalancing, so a rejoin is needed."),
    INVALID_TIMESTAMP(32, false, "The timestamp of the message is out of acceptable range."),
    UNSUPPORTED_VERSION(35, false, "The version of API is not supported."),
    TOPIC_ALREADY_EXISTS(36, false, "Topic already exists."),
    INVALID_PARTITIONS(37, false, "Number of partitions is below 1."),
    INVALID_REPLICATION_FACTOR(
            38, false, "Replication factor is below 1 or larger than the number of available brokers."),
    INVALID_REPLICA_ASSIGNMENT(39, false, "Replica assignment is invalid."),
    INVALID_CONFIG(40, false, "Configuration is invalid."),
    NOT_CONTROLLER(41, true, "This is not the correct controller for this cluster."),
    INVALID_REQUEST(42, false, "This most likely occurs because of a request being malformed by the client library."),
    OUT_OF_ORDER_SEQUENCE_NUMBER(45, false, "The broker received an out of order sequence number."),
    DUPLICATE_SEQUENCE_NUMBER(46, false, "The broker received a duplicate sequence number."),
    INVALID_PRODUCER_EPOCH(47, false, "Producer attempted to produce with an old epoch."),
    KAFKA_STORAGE_ERROR(56, true, "Disk error when trying to access log file on the disk."),
    UNKNOWN_PRODUCER_ID(
            59,
            false,
            "This exception is raised by the broker if it could not locate the producer metadata associated with the"
                    + " producerId in question."),
    NON_EMPTY_GROUP(68, false, "The group is not empty."),
    GROUP_ID_NOT_FOUND(69, false, "The group id does not exist."),
    FENCED_LEADER_EPOCH(74, true, "The leader epoch in the request is older than the epoch on the broker."),
    UNKNOWN_LEADER_EPOCH(75, true, "The leader epoch in the request is newer than the epoch on the broker."),
    STALE_BROKER_EPOCH(77, false, "Broker epoch has changed."),
    MEMBER_ID_REQUIRED(
            79, false, "The group member needs to have a valid member id before actually entering a consumer group."),
    PREFERRED_LEADER_NOT_AVAILABLE(80, false, "The preferred leader was not available."),
    GROUP_MAX_SIZE_REACHED(81, false, "The consumer group has reached its max size."),
    FENCED_INSTANCE_ID(
            82,
            false,
            "The broker rejected this static consumer since another consumer with the same group.instance.id has"
                    + " registered with a different member.id."),
    ELECTION_NOT_NEEDED(84, false, "Leader election not needed for topic partition."),
    NO_REASSIGNMENT_IN_PROGRESS(85, false, "No partition reassignment is in progress."),
    GROUP_SUBSCRIBED_TO_TOPIC(86, false, "The consumer group is actively subscribed to the topic"),
    INVALID_RECORD(87, false, "This record has failed the validation on broker and hence will be rejected."),
    INVALID_UPDATE_VERSION(108, false, "The given update version was invalid.");

    private final int code;
    private final boolean retriable;
    private final String defaultMessage;

    Errors(int code, boolean retriable, String defaultMessage) {
        this.code = code;
        this.retriable = retriable;
        this.defaultMessage = defaultMessage;
    }

    /** Kafka's numeric code. */
    public int code() {
        return code;
    }

    public boolean isRetriable() {
        return retriable;
    }

    public String defaultMessage() {
        return defaultMessage;
    }

    /** The error with this Kafka code; unknown codes map to {@link #UNKNOWN_SERVER_ERROR}. */
    public static Errors forCode(int code) {
        for (Errors e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return UNKNOWN_SERVER_ERROR;
    }

    /** The error a response carried; an unrecognized enum value is an unknown server error. */
    public static Errors of(ErrorCode proto) {
        return proto == ErrorCode.UNRECOGNIZED ? UNKNOWN_SERVER_ERROR : forCode(proto.getNumber());
    }

    /** An exception carrying this error and the server's message, or the default message if that is empty. */
    public ApiException exception(String serverMessage) {
        String message = serverMessage == null || serverMessage.isEmpty() ? defaultMessage : serverMessage;
        return new ApiException(this, message);
    }
}
