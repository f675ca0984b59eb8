package dev.skiff.broker.config;

import dev.skiff.log.LogConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every {@code server.properties} key skiff reads, with its default and meaning (the README's
 * config reference is this table), plus the parsing helpers that name the key in every error.
 */
public final class ServerKeys {
    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String LOG_DIRS = "log.dirs";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LOGGING_LEVEL = "logging.level";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_FLUSH_POLICY = "log.flush.policy";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LEADER_REPLICATION_THROTTLED_RATE = "leader.replication.throttled.rate";

    /**
     * The broker keys that are topic defaults, each with the topic key it sets (the hour and minute
     * forms of retention and roll resolve to {@code retention.ms} and {@code segment.ms} at start).
     * These are the keys that may also change at runtime as dynamic broker configs.
     */
    public static final Map<String, String> BROKER_TO_TOPIC = brokerToTopic();

    private static Map<String, String> brokerToTopic() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LOG_SEGMENT_BYTES, LogConfig.SEGMENT_BYTES);
        m.put(LOG_ROLL_MS, LogConfig.SEGMENT_MS);
        m.put(LOG_INDEX_SIZE_MAX_BYTES, LogConfig.SEGMENT_INDEX_BYTES);
        m.put(LOG_INDEX_INTERVAL_BYTES, LogConfig.INDEX_INTERVAL_BYTES);
        m.put(MESSAGE_MAX_BYTES, LogConfig.MAX_MESSAGE_BYTES);
        m.put(LOG_RETENTION_MS, LogConfig.RETENTION_MS);
        m.put(LOG_RETENTION_BYTES, LogConfig.RETENTION_BYTES);
        m.put(LOG_CLEANUP_POLICY, LogConfig.CLEANUP_POLICY);
        m.put(LOG_CLEANER_DELETE_RETENTION_MS, LogConfig.DELETE_RETENTION_MS);
        m.put(LOG_MESSAGE_TIMESTAMP_TYPE, LogConfig.MESSAGE_TIMESTAMP_TYPE);
        m.put(LOG_FLUSH_POLICY, LogConfig.FLUSH_POLICY);
        m.put(LOG_FLUSH_INTERVAL_MESSAGES, LogConfig.FLUSH_MESSAGES);
        m.put(LOG_FLUSH_INTERVAL_MS, LogConfig.FLUSH_MS);
        m.put(MIN_INSYNC_REPLICAS, MIN_INSYNC_REPLICAS);
        m.put(UNCLEAN_LEADER_ELECTION_ENABLE, UNCLEAN_LEADER_ELECTION_ENABLE);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A key's default ("" for computed defaults) and meaning. */
    public record Key(String name, String defaultValue, String doc) {}

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = Map.of(
            "broker.id", NODE_ID,
            "log.dir", LOG_DIRS,
            "message.timestamp.type", LOG_MESSAGE_TIMESTAMP_TYPE);

    static {
        key(NODE_ID, "1", "this node's id (alias broker.id); unique in the cluster");
        key(
                PROCESS_ROLES,
                "broker,controller",
                "broker,controller (a combined node) or broker (follows the metadata log without voting);"
                        + " controller-only nodes are not supported yet");
        key(CONTROLLER_QUORUM_VOTERS, "", "id@host:port of every controller; default: this node alone");
        key(
                LISTENERS,
                "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                "NAME://host:port of each listener; PLAINTEXT serves clients and replication");
        key(ADVERTISED_LISTENERS, "", "what clients are told to connect to; default: listeners");
        key(CONTROLLER_LISTENER_NAMES, "CONTROLLER", "the listener the Raft quorum uses");
        key(LOG_DIRS, "./data", "comma-separated directories for partition data (alias log.dir)");
        key(METADATA_LOG_DIR, "", "Raft metadata storage; default: <first log.dirs>/__metadata");
        key(NUM_PARTITIONS, "1", "partitions of a topic created without a count");
        key(DEFAULT_REPLICATION_FACTOR, "1", "replicas of a topic created without a replication factor");
        key(MIN_INSYNC_REPLICAS, "1", "in-sync replicas an acks=all write needs");
        key(OFFSETS_TOPIC_REPLICATION_FACTOR, "3", "replicas of __consumer_offsets (capped at live brokers)");
        key(OFFSETS_TOPIC_NUM_PARTITIONS, "50", "partitions of __consumer_offsets (fixed once created)");
        key(GROUP_INITIAL_REBALANCE_DELAY_MS, "3000", "delay of a new group's first rebalance");
        key(AUTO_CREATE_TOPICS_ENABLE, "true", "create a topic when a client asks for metadata of it");
        key(UNCLEAN_LEADER_ELECTION_ENABLE, "false", "allow an out-of-sync replica to lead (loses data)");
        key(REPLICA_LAG_TIME_MAX_MS, "30000", "a follower this far behind leaves the ISR");
        key(BROKER_SESSION_TIMEOUT_MS, "1500", "a broker silent this long is fenced (Kafka: 9000; see Failover)");
        key(BROKER_HEARTBEAT_INTERVAL_MS, "250", "how often brokers heartbeat the controller (Kafka: 2000)");
        key(LOG_RETENTION_CHECK_INTERVAL_MS, "300000", "how often retention runs");
        key(OFFSETS_RETENTION_MINUTES, "10080", "committed offsets of empty groups expire after this");
        key(GROUP_MIN_SESSION_TIMEOUT_MS, "6000", "the shortest session.timeout.ms a group member may ask for");
        key(GROUP_MAX_SESSION_TIMEOUT_MS, "1800000", "the longest session.timeout.ms a group member may ask for");
        key(GROUP_MAX_SIZE, "2147483647", "members a consumer group may have");
        key(OFFSET_METADATA_MAX_BYTES, "4096", "largest metadata string kept with a committed offset");
        key(OFFSETS_RETENTION_CHECK_INTERVAL_MS, "600000", "how often expired committed offsets are removed");
        key(OFFSETS_COMMIT_TIMEOUT_MS, "5000", "how long an offset commit waits for the ISR of __consumer_offsets");
        key(
                PRODUCER_ID_EXPIRATION_MS,
                "86400000",
                "a partition forgets an idempotent producer whose newest batch is this old (checked with retention)");
        key(
                AUTO_LEADER_REBALANCE_ENABLE,
                "true",
                "the active controller gives leadership back to preferred replicas that can lead again");
        key(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, "300", "how often the automatic leader rebalance runs");
        key(LOGGING_LEVEL, "INFO", "skiff's log level: ERROR, WARN, INFO, DEBUG or TRACE");
        key(LOG_SEGMENT_BYTES, "1073741824", "topic default segment.bytes");
        key(LOG_ROLL_MS, "", "topic default segment.ms; default: log.roll.hours");
        key(LOG_ROLL_HOURS, "168", "topic default segment.ms, in hours");
        key(LOG_INDEX_SIZE_MAX_BYTES, "10485760", "topic default segment.index.bytes");
        key(LOG_INDEX_INTERVAL_BYTES, "4096", "topic default index.interval.bytes");
        key(MESSAGE_MAX_BYTES, "1048588", "topic default max.message.bytes");
        key(LOG_RETENTION_MS, "", "topic default retention.ms; wins over minutes and hours; -1 forever");
        key(LOG_RETENTION_MINUTES, "", "topic default retention, in minutes; wins over hours");
        key(LOG_RETENTION_HOURS, "168", "topic default retention, in hours");
        key(LOG_RETENTION_BYTES, "-1", "topic default retention.bytes per partition; -1 no limit");
        key(LOG_CLEANUP_POLICY, "delete", "topic default cleanup.policy: delete, compact or compact,delete");
        key(LOG_CLEANER_DELETE_RETENTION_MS, "86400000", "topic default delete.retention.ms");
        key(
                LOG_MESSAGE_TIMESTAMP_TYPE,
                "CreateTime",
                "topic default message.timestamp.type (alias message.timestamp.type)");
        key(
                LOG_FLUSH_POLICY,
                "fsync",
                "fsync: acknowledged writes are on disk; interval: Kafka's page-cache behaviour");
        key(LOG_FLUSH_INTERVAL_MESSAGES, "9223372036854775807", "with interval: fsync after this many records");
        key(LOG_FLUSH_INTERVAL_MS, "9223372036854775807", "with interval: fsync after this long");
        key(
                LEADER_REPLICATION_THROTTLED_RATE,
                "9223372036854775807",
                "bytes/s a leader sends to the replicas a reassignment is adding (reassign-partitions --throttle)");
    }

    private ServerKeys() {}

    private static void key(String name, String defaultValue, String doc) {
        KEYS.put(name, new Key(name, defaultValue, doc));
    }

    /** Every key, in reference order. */
    public static Map<String, Key> all() {
        return java.util.Collections.unmodifiableMap(KEYS);
    }

    /** ZooKeeper settings mean the user follows a ZooKeeper-era guide; say what to do instead. */
    static void rejectZooKeeper(Map<String, String> props) {
        for (String k : props.keySet()) {
            if (k.startsWith("zookeeper.")) {
                throw new ConfigException(k + " is set, but skiff needs no ZooKeeper: its controllers form a Raft "
                        + "quorum. Remove " + k + " and set process.roles (broker,controller) and "
                        + "controller.quorum.voters (e.g. 1@127.0.0.1:9093).");
            }
        }
    }

    /** Resolves aliases, warns about unknown keys, fills defaults. */
    static Map<String, String> withDefaults(Map<String, String> props, Consumer<String> warn) {
        Map<String, String> out = new HashMap<>();
        for (Key k : KEYS.values()) {
            out.put(k.name(), k.defaultValue());
        }
        for (Map.Entry<String, String> e : props.entrySet()) {
            String name = ALIASES.getOrDefault(e.getKey().trim(), e.getKey().trim());
            if (!KEYS.containsKey(name)) {
                warn.accept("unknown config key '" + e.getKey() + "' is ignored");
                continue;
            }
            out.put(name, e.getValue() == null ? "" : e.getValue().trim());
        }
        return out;
    }

    static long longIn(Map<String, String> v, String key, long min, long max) {
        String raw = v.get(key);
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, raw, "expected a whole number");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    static int intIn(Map<String, String> v, String key, int min, int max) {
        return (int) longIn(v, key, min, max);
    }

    static boolean bool(Map<String, String> v, String key) {
        String raw = v.get(key).trim().toLowerCase(Locale.ROOT);
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new ConfigException(key, v.get(key), "use true or false");
        }
        return raw.equals("true");
    }

    /** The topic-level defaults that the broker's log.* keys set, validated by the log engine. */
    static LogConfig logDefaults(Map<String, String> v) {
        Map<String, String> topic = new LinkedHashMap<>();
        topic.put(LogConfig.SEGMENT_BYTES, v.get(LOG_SEGMENT_BYTES));
        topic.put(
                LogConfig.SEGMENT_MS,
                v.get(LOG_ROLL_MS).isEmpty()
                        ? Long.toString(longIn(v, LOG_ROLL_HOURS, 1, Integer.MAX_VALUE) * 3_600_000L)
                        : v.get(LOG_ROLL_MS));
        topic.put(LogConfig.SEGMENT_INDEX_BYTES, v.get(LOG_INDEX_SIZE_MAX_BYTES));
        topic.put(LogConfig.INDEX_INTERVAL_BYTES, v.get(LOG_INDEX_INTERVAL_BYTES));
        topic.put(LogConfig.MAX_MESSAGE_BYTES, v.get(MESSAGE_MAX_BYTES));
        topic.put(LogConfig.RETENTION_MS, retentionMs(v));
        topic.put(LogConfig.RETENTION_BYTES, v.get(LOG_RETENTION_BYTES));
        topic.put(LogConfig.CLEANUP_POLICY, v.get(LOG_CLEANUP_POLICY));
        topic.put(LogConfig.DELETE_RETENTION_MS, v.get(LOG_CLEANER_DELETE_RETENTION_MS));
        topic.put(LogConfig.MESSAGE_TIMESTAMP_TYPE, v.get(LOG_MESSAGE_TIMESTAMP_TYPE));
        topic.put(LogConfig.FLUSH_POLICY, v.get(LOG_FLUSH_POLICY));
        topic.put(LogConfig.FLUSH_MESSAGES, v.get(LOG_FLUSH_INTERVAL_MESSAGES));
        topic.put(LogConfig.FLUSH_MS, v.get(LOG_FLUSH_INTERVAL_MS));
        try {
            return LogConfig.defaults().with(topic);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(brokerKeyIn(e.getMessage()) + e.getMessage());
        }
    }

    private static String retentionMs(Map<String, String> v) {
        if (!v.get(LOG_RETENTION_MS).isEmpty()) {
            return v.get(LOG_RETENTION_MS);
        }
        if (!v.get(LOG_RETENTION_MINUTES).isEmpty()) {
            return Long.toString(longIn(v, LOG_RETENTION_MINUTES, -1, Integer.MAX_VALUE) * 60_000L);
        }
        long hours = longIn(v, LOG_RETENTION_HOURS, -1, Integer.MAX_VALUE);
        return Long.toString(hours < 0 ? -1 : hours * 3_600_000L);
    }

    /** Names the broker key behind a topic-level error, e.g. "log.segment.bytes: ". */
    private static String brokerKeyIn(String message) {
        for (Map.Entry<String, String> e : BROKER_TO_TOPIC.entrySet()) {
            if (message.startsWith("invalid " + e.getValue() + " ")) {
                return e.getKey() + ": ";
            }
        }
        return "";
    }
}
