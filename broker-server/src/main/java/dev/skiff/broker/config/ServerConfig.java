package dev.skiff.broker.config;

import dev.skiff.broker.group.CoordinatorConfig;
import dev.skiff.broker.group.GroupLimits;
import dev.skiff.log.LogConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node's settings from a Kafka-style {@code server.properties}, every value validated at start.
 * Keys follow Kafka's names wherever the meaning is the same ({@link ServerKeys} lists them with
 * defaults and docs). With no file, {@link #embeddedDefault()} is one combined broker+controller
 * node: clients on 127.0.0.1:9092, the quorum on 127.0.0.1:9093, data in {@code ./data}.
 *
 * @param autoLeaderRebalanceEnable whether the active controller runs the automatic leader
 *     rebalance ({@code auto.leader.rebalance.enable}) every {@code
 *     leaderImbalanceCheckIntervalSeconds}
 * @param logDefaults topic-level defaults for every partition log, from the broker's {@code log.*}
 *     keys; topics override them with their own configs
 */
public record ServerConfig(
        int nodeId,
        Set<Role> processRoles,
        List<Voter> quorumVoters,
        Map<String, Endpoint> listeners,
        Map<String, Endpoint> advertisedListeners,
        String controllerListenerName,
        List<Path> logDirs,
        Path metadataLogDir,
        int numPartitions,
        int defaultReplicationFactor,
        int minInsyncReplicas,
        int offsetsTopicReplicationFactor,
        int offsetsTopicNumPartitions,
        long groupInitialRebalanceDelayMs,
        boolean autoCreateTopicsEnable,
        boolean uncleanLeaderElectionEnable,
        long replicaLagTimeMaxMs,
        long brokerSessionTimeoutMs,
        long brokerHeartbeatIntervalMs,
        long logRetentionCheckIntervalMs,
        long offsetsRetentionMinutes,
        long producerIdExpirationMs,
        boolean autoLeaderRebalanceEnable,
        long leaderImbalanceCheckIntervalSeconds,
        long leaderReplicationThrottledRate,
        String loggingLevel,
        LogConfig logDefaults,
        CoordinatorConfig groupCoordinator) {

    /** The listener name clients and replication use unless configured otherwise. */
    public static final String CLIENT_LISTENER = "PLAINTEXT";

    public boolean isBroker() {
        return processRoles.contains(Role.BROKER);
    }

    public boolean isController() {
        return processRoles.contains(Role.CONTROLLER);
    }

    /** Where clients and peer brokers connect: the first non-controller listener. */
    public Endpoint clientListener() {
        return firstNonController(listeners);
    }

    /** What this broker tells clients to connect to. */
    public Endpoint advertisedClientListener() {
        return firstNonController(advertisedListeners);
    }

    /**
     * The address this node's Raft server binds: a controller votes there; a broker-only node
     * receives the metadata log there from the active controller, as a non-voting listener.
     */
    public Endpoint controllerListener() {
        Endpoint e = listeners.get(controllerListenerName);
        if (e == null) {
            throw new ConfigException("no listener named " + controllerListenerName + " for the controller");
        }
        return e;
    }

    private Endpoint firstNonController(Map<String, Endpoint> map) {
        for (Map.Entry<String, Endpoint> e : map.entrySet()) {
            if (!e.getKey().equals(controllerListenerName)) {
                return e.getValue();
            }
        }
        throw new ConfigException("no client listener: add e.g. PLAINTEXT://127.0.0.1:9092 to listeners");
    }

    /** One combined node on loopback with data in ./data, as started without arguments. */
    public static ServerConfig embeddedDefault() {
        return parse(Map.of(), warning -> {});
    }

    /**
     * Parses and validates {@code props}. Unknown keys are reported to {@code warn} and ignored.
     *
     * @throws ConfigException naming the key, its value and what is accepted
     */
    public static ServerConfig parse(Map<String, String> props, Consumer<String> warn) {
        ServerKeys.rejectZooKeeper(props);
        Map<String, String> v = ServerKeys.withDefaults(props, warn);
        int nodeId = ServerKeys.intIn(v, ServerKeys.NODE_ID, 0, Integer.MAX_VALUE);
        Set<Role> roles = parseRoles(v.get(ServerKeys.PROCESS_ROLES));
        String controllerName = v.get(ServerKeys.CONTROLLER_LISTENER_NAMES).trim();
        Map<String, Endpoint> listeners = parseListeners(ServerKeys.LISTENERS, v.get(ServerKeys.LISTENERS));
        checkControllerListener(roles, controllerName, listeners, v.get(ServerKeys.LISTENERS));
        String advertisedRaw = v.get(ServerKeys.ADVERTISED_LISTENERS);
        Map<String, Endpoint> advertised = advertisedRaw.isBlank()
                ? new LinkedHashMap<>(listeners)
                : parseListeners(ServerKeys.ADVERTISED_LISTENERS, advertisedRaw);
        advertised.remove(controllerName);
        for (Endpoint e : advertised.values()) {
            if (isWildcard(e.host())) {
                throw new ConfigException(
                        ServerKeys.ADVERTISED_LISTENERS,
                        advertisedRaw.isBlank() ? e.toString() : advertisedRaw,
                        "clients cannot connect to a wildcard address; set advertised.listeners "
                                + "to the host name clients use");
            }
        }
        List<Voter> voters = parseVoters(v, nodeId, roles, listeners, controllerName);
        List<Path> logDirs = parseDirs(v.get(ServerKeys.LOG_DIRS));
        String metadataDir = v.get(ServerKeys.METADATA_LOG_DIR);
        ServerConfig config = new ServerConfig(
                nodeId,
                roles,
                voters,
                listeners,
                advertised,
                controllerName,
                logDirs,
                metadataDir.isBlank() ? logDirs.get(0).resolve("__metadata") : Path.of(metadataDir.trim()),
                ServerKeys.intIn(v, ServerKeys.NUM_PARTITIONS, 1, 100_000),
                ServerKeys.intIn(v, ServerKeys.DEFAULT_REPLICATION_FACTOR, 1, Short.MAX_VALUE),
                ServerKeys.intIn(v, ServerKeys.MIN_INSYNC_REPLICAS, 1, Short.MAX_VALUE),
                ServerKeys.intIn(v, ServerKeys.OFFSETS_TOPIC_REPLICATION_FACTOR, 1, Short.MAX_VALUE),
                ServerKeys.intIn(v, ServerKeys.OFFSETS_TOPIC_NUM_PARTITIONS, 1, 100_000),
                ServerKeys.longIn(v, ServerKeys.GROUP_INITIAL_REBALANCE_DELAY_MS, 0, Integer.MAX_VALUE),
                ServerKeys.bool(v, ServerKeys.AUTO_CREATE_TOPICS_ENABLE),
                ServerKeys.bool(v, ServerKeys.UNCLEAN_LEADER_ELECTION_ENABLE),
                ServerKeys.longIn(v, ServerKeys.REPLICA_LAG_TIME_MAX_MS, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.BROKER_SESSION_TIMEOUT_MS, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.BROKER_HEARTBEAT_INTERVAL_MS, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.LOG_RETENTION_CHECK_INTERVAL_MS, 1, Long.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.OFFSETS_RETENTION_MINUTES, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.PRODUCER_ID_EXPIRATION_MS, 1, Long.MAX_VALUE),
                ServerKeys.bool(v, ServerKeys.AUTO_LEADER_REBALANCE_ENABLE),
                ServerKeys.longIn(v, ServerKeys.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.LEADER_REPLICATION_THROTTLED_RATE, 1, Long.MAX_VALUE),
                parseLevel(v.get(ServerKeys.LOGGING_LEVEL)),
                ServerKeys.logDefaults(v),
                groupCoordinator(v));
        if (config.brokerHeartbeatIntervalMs() >= config.brokerSessionTimeoutMs()) {
            throw new ConfigException(
                    ServerKeys.BROKER_HEARTBEAT_INTERVAL_MS,
                    Long.toString(config.brokerHeartbeatIntervalMs()),
                    "must be below broker.session.timeout.ms=" + config.brokerSessionTimeoutMs()
                            + ", or every broker is fenced between two heartbeats");
        }
        return config;
    }

    /** The group coordinator's keys; the session timeout range must not be empty. */
    private static CoordinatorConfig groupCoordinator(Map<String, String> v) {
        int sessionMin = ServerKeys.intIn(v, ServerKeys.GROUP_MIN_SESSION_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        int sessionMax = ServerKeys.intIn(v, ServerKeys.GROUP_MAX_SESSION_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        if (sessionMax < sessionMin) {
            throw new ConfigException(
                    ServerKeys.GROUP_MAX_SESSION_TIMEOUT_MS,
                    Integer.toString(sessionMax),
                    "must be at least group.min.session.timeout.ms=" + sessionMin);
        }
        GroupLimits limits = new GroupLimits(
                sessionMin,
                sessionMax,
                ServerKeys.intIn(v, ServerKeys.GROUP_MAX_SIZE, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.GROUP_INITIAL_REBALANCE_DELAY_MS, 0, Integer.MAX_VALUE),
                ServerKeys.intIn(v, ServerKeys.OFFSET_METADATA_MAX_BYTES, 0, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.OFFSETS_RETENTION_MINUTES, 1, Integer.MAX_VALUE) * 60_000L);
        return new CoordinatorConfig(
                limits,
                ServerKeys.longIn(v, ServerKeys.OFFSETS_RETENTION_CHECK_INTERVAL_MS, 1, Integer.MAX_VALUE),
                ServerKeys.longIn(v, ServerKeys.OFFSETS_COMMIT_TIMEOUT_MS, 1, Integer.MAX_VALUE));
    }

    private static Set<Role> parseRoles(String raw) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : raw.split(",", -1)) {
            try {
                roles.add(Role.parse(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ServerKeys.PROCESS_ROLES, raw, e.getMessage());
            }
        }
        return Set.copyOf(roles);
    }

    /** {@code NAME://host:port,…}; names are unique, upper case. */
    static Map<String, Endpoint> parseListeners(String key, String raw) {
        Map<String, Endpoint> out = new LinkedHashMap<>();
        for (String part : raw.split(",", -1)) {
            String p = part.trim();
            int sep = p.indexOf("://");
            if (sep <= 0) {
                throw new ConfigException(
                        key, raw, "'" + p + "' is not NAME://host:port, e.g. PLAINTEXT://127.0.0.1:9092");
            }
            String name = p.substring(0, sep).toUpperCase(Locale.ROOT);
            try {
                if (out.put(name, Endpoint.parse(p.substring(sep + 3))) != null) {
                    throw new IllegalArgumentException("listener name " + name + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, raw, e.getMessage());
            }
        }
        return out;
    }

    private static List<Voter> parseVoters(
            Map<String, String> v,
            int nodeId,
            Set<Role> roles,
            Map<String, Endpoint> listeners,
            String controllerName) {
        String raw = v.get(ServerKeys.CONTROLLER_QUORUM_VOTERS).trim();
        if (raw.isEmpty()) {
            if (!roles.contains(Role.CONTROLLER)) {
                throw new ConfigException(
                        ServerKeys.CONTROLLER_QUORUM_VOTERS,
                        raw,
                        "a broker-only node must be told where the controllers are, e.g. 1@127.0.0.1:9093");
            }
            return List.of(new Voter(nodeId, listeners.get(controllerName)));
        }
        List<Voter> voters;
        try {
            voters = Voter.parseList(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ServerKeys.CONTROLLER_QUORUM_VOTERS, raw, e.getMessage());
        }
        boolean listed = voters.stream().anyMatch(x -> x.nodeId() == nodeId);
        if (roles.contains(Role.CONTROLLER) && !listed) {
            throw new ConfigException(
                    ServerKeys.CONTROLLER_QUORUM_VOTERS,
                    raw,
                    "this node (node.id=" + nodeId + ") is a controller but not listed as a voter; list it, or"
                            + " set process.roles=broker to follow the quorum without voting");
        }
        if (!roles.contains(Role.CONTROLLER) && listed) {
            throw new ConfigException(
                    ServerKeys.CONTROLLER_QUORUM_VOTERS,
                    raw,
                    "node.id=" + nodeId + " is listed as a voter but process.roles has no controller; a"
                            + " broker-only node follows the quorum without voting and must not be listed");
        }
        checkQuorumAddresses(raw, nodeId, voters, listeners.get(controllerName), controllerName);
        return voters;
    }

    /**
     * Every node has a listener for the Raft quorum: a controller votes there; a broker-only node
     * receives the metadata log there from the active controller (a Ratis listener, like a KRaft
     * observer). It needs a fixed port, as the voters remember where each node is.
     */
    private static void checkControllerListener(
            Set<Role> roles, String controllerName, Map<String, Endpoint> listeners, String raw) {
        Endpoint own = listeners.get(controllerName);
        String example = controllerName + "://127.0.0.1:9093";
        if (own == null && roles.contains(Role.CONTROLLER)) {
            throw new ConfigException(
                    ServerKeys.LISTENERS,
                    raw,
                    "a controller needs a listener named " + controllerName + ", e.g. " + example);
        }
        if (own == null) {
            throw new ConfigException(
                    ServerKeys.LISTENERS,
                    raw,
                    "a broker-only node follows the metadata log of the controller quorum (without voting) and"
                            + " needs a listener named " + controllerName + " where the active controller sends it,"
                            + " e.g. " + controllerName + "://127.0.0.4:9093");
        }
        if (own.port() == 0) {
            throw new ConfigException(
                    ServerKeys.LISTENERS,
                    raw,
                    "the " + controllerName + " listener needs a fixed port, e.g. " + example);
        }
        List<Map.Entry<String, Endpoint>> entries = List.copyOf(listeners.entrySet());
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                Endpoint a = entries.get(i).getValue();
                Endpoint b = entries.get(j).getValue();
                boolean sameHost = a.host().equals(b.host()) || isWildcard(a.host()) || isWildcard(b.host());
                if (a.port() != 0 && a.port() == b.port() && sameHost) {
                    throw new ConfigException(
                            ServerKeys.LISTENERS,
                            raw,
                            "listeners " + entries.get(i).getKey() + " and "
                                    + entries.get(j).getKey() + " cannot both bind port " + a.port());
                }
            }
        }
    }

    /**
     * A controller's voter entry names its own {@code CONTROLLER} listener's port (that is where
     * its Raft server binds); a broker-only node's listener is not a voter's address.
     */
    private static void checkQuorumAddresses(
            String raw, int nodeId, List<Voter> voters, Endpoint own, String controllerName) {
        for (Voter voter : voters) {
            if (voter.endpoint().port() == 0) {
                throw new ConfigException(
                        ServerKeys.CONTROLLER_QUORUM_VOTERS, raw, "voter " + voter.nodeId() + " needs a fixed port");
            }
            if (voter.nodeId() == nodeId && voter.endpoint().port() != own.port()) {
                throw new ConfigException(
                        ServerKeys.CONTROLLER_QUORUM_VOTERS,
                        raw,
                        "this node (node.id=" + nodeId + ") is listed at " + voter.endpoint() + " but its "
                                + controllerName + " listener is " + own + "; make the ports agree");
            }
            if (voter.nodeId() != nodeId && voter.endpoint().equals(own)) {
                throw new ConfigException(
                        ServerKeys.LISTENERS,
                        own.toString(),
                        "the " + controllerName + " listener of node.id=" + nodeId + " is the address of voter "
                                + voter.nodeId() + " in " + ServerKeys.CONTROLLER_QUORUM_VOTERS + "=" + raw
                                + "; give this node an address of its own");
            }
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    private static List<Path> parseDirs(String raw) {
        List<Path> dirs = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            if (part.isBlank()) {
                throw new ConfigException(ServerKeys.LOG_DIRS, raw, "an entry is empty");
            }
            dirs.add(Path.of(part.trim()));
        }
        return List.copyOf(dirs);
    }

    private static String parseLevel(String raw) {
        String level = raw.trim().toUpperCase(Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
            throw new ConfigException(ServerKeys.LOGGING_LEVEL, raw, "use ERROR, WARN, INFO, DEBUG or TRACE");
        }
        return level;
    }
}
