package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.ClusterIdRecord;
import dev.skiff.proto.metadata.v1.ConfigRecord;
import dev.skiff.proto.metadata.v1.DeleteTopicRecord;
import dev.skiff.proto.metadata.v1.FenceBrokerRecord;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.metadata.v1.PartitionRecord;
import dev.skiff.proto.metadata.v1.ProducerIdsRecord;
import dev.skiff.proto.metadata.v1.RegisterBrokerRecord;
import dev.skiff.proto.metadata.v1.TopicRecord;
import dev.skiff.proto.metadata.v1.UnfenceBrokerRecord;
import dev.skiff.proto.metadata.v1.UnregisterBrokerRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates records one at a time against an {@link ImageDraft} and applies the valid ones to it.
 * Reads nothing but the draft and the record, so every node decides the same (determinism).
 * Confined to the thread of one {@link MetadataImage#apply} call.
 */
final class RecordApplier {
    static final int MAX_CLUSTER_ID_LENGTH = 64;
    static final int MAX_ENDPOINTS = 16;
    static final int MAX_CONFIG_KEY_LENGTH = 255;
    static final int MAX_CONFIG_VALUE_LENGTH = 32 * 1024;
    static final int MAX_RACK_LENGTH = 255;

    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern NODE_ID = Pattern.compile("0|[1-9][0-9]{0,9}");

    private final ImageDraft draft;
    /** Topics created by this batch: each must have partitions by the end of it. */
    private final Set<Uuid> createdTopics = new TreeSet<>();

    RecordApplier(ImageDraft draft) {
        this.draft = draft;
    }

    void apply(MetadataRecord record) throws RecordRejectedException {
        Optional<String> versionProblem = MetadataVersions.recordVersionProblem(record.getVersion());
        if (versionProblem.isPresent()) {
            ErrorCode error = MetadataVersions.isNewerRecordVersion(record.getVersion())
                    ? ErrorCode.UNSUPPORTED_VERSION
                    : ErrorCode.INVALID_RECORD;
            throw new RecordRejectedException(error, versionProblem.get());
        }
        switch (record.getRecordCase()) {
            case CLUSTER_ID -> applyClusterId(record.getClusterId());
            case REGISTER_BROKER -> applyRegisterBroker(record.getRegisterBroker());
            case FENCE_BROKER -> applyFenceBroker(record.getFenceBroker());
            case UNFENCE_BROKER -> applyUnfenceBroker(record.getUnfenceBroker());
            case UNREGISTER_BROKER -> applyUnregisterBroker(record.getUnregisterBroker());
            case TOPIC -> applyTopic(record.getTopic());
            case PARTITION -> applyPartition(record.getPartition());
            case PARTITION_CHANGE -> new PartitionChangeApplier(draft).apply(record.getPartitionChange());
            case DELETE_TOPIC -> applyDeleteTopic(record.getDeleteTopic());
            case CONFIG -> applyConfig(record.getConfig());
            case PRODUCER_IDS -> applyProducerIds(record.getProducerIds());
            default -> throw new RecordRejectedException(
                    ErrorCode.INVALID_RECORD,
                    "the record has no content of a type this node knows: it is corrupt, or was written by"
                            + " a newer release under an old version number");
        }
    }

    private void applyProducerIds(ProducerIdsRecord record) throws RecordRejectedException {
        if (record.getFirstProducerId() != draft.nextProducerId()) {
            throw new RecordRejectedException(
                    ErrorCode.INVALID_UPDATE_VERSION,
                    "producer id block starting at " + record.getFirstProducerId() + " is stale: the next free id is "
                            + draft.nextProducerId() + "; decide again on the current image");
        }
        if (record.getNextProducerId() <= record.getFirstProducerId()) {
            throw new RecordRejectedException(
                    ErrorCode.INVALID_RECORD,
                    "producer id block [" + record.getFirstProducerId() + ", " + record.getNextProducerId()
                            + ") is empty");
        }
        if (draft.broker(record.getBrokerId()).isEmpty()) {
            throw new RecordRejectedException(
                    ErrorCode.BROKER_NOT_AVAILABLE,
                    "broker " + record.getBrokerId() + " is not registered, so it cannot be given producer ids");
        }
        draft.setNextProducerId(record.getNextProducerId());
    }

    /** Checks what only the whole batch can show: every topic it created got its partitions. */
    void finishBatch() throws RecordRejectedException {
        for (Uuid id : createdTopics) {
            Optional<TopicImage> topic = draft.topic(id);
            if (topic.isPresent() && topic.get().partitions().isEmpty()) {
                throw new RecordRejectedException(
                        ErrorCode.INVALID_PARTITIONS,
                        "topic '" + topic.get().name() + "' was created without partitions: its partition"
                                + " records must follow the topic record in the same batch");
            }
        }
    }

    static boolean isBrokerResourceName(String name) {
        return name.isEmpty() || (NODE_ID.matcher(name).matches() && Long.parseLong(name) <= Integer.MAX_VALUE);
    }

    static RecordRejectedException invalid(String message) {
        return new RecordRejectedException(ErrorCode.INVALID_REQUEST, message);
    }

    static Uuid requireId(dev.skiff.proto.metadata.v1.Uuid proto, String what) throws RecordRejectedException {
        Uuid id = Uuid.fromProto(proto);
        if (id.isZero()) {
            throw invalid("the " + what + " is missing (all zero)");
        }
        return id;
    }

    static TopicImage requireTopic(ImageDraft draft, dev.skiff.proto.metadata.v1.Uuid proto)
            throws RecordRejectedException {
        Uuid id = requireId(proto, "topic id");
        return draft.topic(id)
                .orElseThrow(() ->
                        new RecordRejectedException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no topic has the id " + id));
    }

    static void requireRegistered(ImageDraft draft, Iterable<Integer> nodeIds, String role, String where)
            throws RecordRejectedException {
        for (int nodeId : nodeIds) {
            if (draft.broker(nodeId).isEmpty()) {
                throw new RecordRejectedException(
                        ErrorCode.BROKER_NOT_AVAILABLE,
                        where + ": " + role + " " + nodeId + " is not a registered broker");
            }
        }
    }

    private void applyClusterId(ClusterIdRecord record) throws RecordRejectedException {
        String id = record.getClusterId();
        if (id.isEmpty()
                || id.length() > MAX_CLUSTER_ID_LENGTH
                || !CLUSTER_ID.matcher(id).matches()) {
            throw invalid(
                    "cluster id '" + id + "' is not 1-" + MAX_CLUSTER_ID_LENGTH + " characters of" + " [A-Za-z0-9_-]");
        }
        String current = draft.clusterId();
        if (!current.isEmpty() && !current.equals(id)) {
            throw invalid("the cluster id is already '" + current + "', not '" + id
                    + "': this record belongs to another cluster's metadata log");
        }
        draft.setClusterId(id);
    }

    private void applyRegisterBroker(RegisterBrokerRecord record) throws RecordRejectedException {
        int nodeId = record.getNodeId();
        if (nodeId < 0) {
            throw invalid("node id " + nodeId + " is negative: node.id must be 0 or more");
        }
        Uuid incarnation = requireId(record.getIncarnationId(), "incarnation id of broker " + nodeId);
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (dev.skiff.proto.metadata.v1.Endpoint proto : record.getEndpointsList()) {
            Endpoint endpoint = Endpoint.fromProto(proto);
            checkEndpoint(nodeId, endpoint);
            if (!names.add(endpoint.listener())) {
                throw invalid("broker " + nodeId + " advertises listener " + endpoint.listener() + " twice");
            }
            endpoints.add(endpoint);
        }
        if (endpoints.isEmpty() || endpoints.size() > MAX_ENDPOINTS) {
            throw invalid("broker " + nodeId + " advertises " + endpoints.size() + " endpoints; it needs 1 to "
                    + MAX_ENDPOINTS + " (advertised.listeners)");
        }
        if (record.getRack().length() > MAX_RACK_LENGTH) {
            throw invalid("the rack of broker " + nodeId + " is longer than " + MAX_RACK_LENGTH + " characters");
        }
        if (record.getStorageIsNew()) {
            requireInNoIsr(nodeId);
        }
        // The same incarnation registering again is a retry and keeps its fencing; a new one (the
        // broker restarted) starts fenced until it has caught up.
        boolean fenced = draft.broker(nodeId)
                .filter(existing -> existing.incarnationId().equals(incarnation))
                .map(BrokerRegistration::fenced)
                .orElse(true);
        Optional<String> rack = record.getRack().isEmpty() ? Optional.empty() : Optional.of(record.getRack());
        draft.putBroker(new BrokerRegistration(nodeId, incarnation, endpoints, rack, fenced));
    }

    /**
     * A broker whose storage is new holds none of the writes it acknowledged as an ISR member, so
     * it may not stay in an ISR: it would count towards the high watermark and could be elected.
     */
    private void requireInNoIsr(int nodeId) throws RecordRejectedException {
        for (TopicImage topic : draft.topicsByName().values()) {
            for (PartitionState partition : topic.partitions()) {
                if (partition.isr().contains(nodeId)) {
                    throw invalid("broker " + nodeId + " registers with new (empty) storage but is still in the ISR "
                            + partition.isr() + " of " + topic.name() + "-" + partition.index()
                            + ": the partition changes that take it out of every ISR must come first in the batch");
                }
            }
        }
    }

    private static void checkEndpoint(int nodeId, Endpoint endpoint) throws RecordRejectedException {
        if (endpoint.listener().isEmpty() || endpoint.host().isEmpty()) {
            throw invalid("broker " + nodeId + " advertises an endpoint without a listener name or host: " + endpoint);
        }
        if (endpoint.port() < 1 || endpoint.port() > 65_535) {
            throw invalid("broker " + nodeId + " advertises port " + endpoint.port() + " for listener "
                    + endpoint.listener() + "; ports are 1 to 65535");
        }
    }

    private BrokerRegistration requireIncarnation(int nodeId, dev.skiff.proto.metadata.v1.Uuid proto)
            throws RecordRejectedException {
        BrokerRegistration broker = draft.broker(nodeId)
                .orElseThrow(() -> new RecordRejectedException(
                        ErrorCode.BROKER_NOT_AVAILABLE, "broker " + nodeId + " is not registered"));
        Uuid incarnation = Uuid.fromProto(proto);
        if (!broker.incarnationId().equals(incarnation)) {
            throw new RecordRejectedException(
                    ErrorCode.STALE_BROKER_EPOCH,
                    "broker " + nodeId + " is registered with incarnation " + broker.incarnationId() + ", not "
                            + incarnation + ": the change was meant for an earlier run of the broker");
        }
        return broker;
    }

    private void applyFenceBroker(FenceBrokerRecord record) throws RecordRejectedException {
        draft.putBroker(requireIncarnation(record.getNodeId(), record.getIncarnationId())
                .withFenced(true));
    }

    private void applyUnfenceBroker(UnfenceBrokerRecord record) throws RecordRejectedException {
        draft.putBroker(requireIncarnation(record.getNodeId(), record.getIncarnationId())
                .withFenced(false));
    }

    private void applyUnregisterBroker(UnregisterBrokerRecord record) throws RecordRejectedException {
        int nodeId = record.getNodeId();
        if (draft.broker(nodeId).isEmpty()) {
            throw new RecordRejectedException(
                    ErrorCode.BROKER_NOT_AVAILABLE, "broker " + nodeId + " is not registered");
        }
        for (TopicImage topic : draft.topicsByName().values()) {
            for (PartitionState partition : topic.partitions()) {
                if (partition.leader() == nodeId) {
                    throw invalid("broker " + nodeId + " still leads " + topic.name() + "-" + partition.index()
                            + ": fence it first, so that leadership moves to another replica");
                }
            }
        }
        draft.removeBroker(nodeId);
    }

    private void applyTopic(TopicRecord record) throws RecordRejectedException {
        String name = record.getName();
        Optional<String> nameProblem = TopicNames.problem(name);
        if (nameProblem.isPresent()) {
            throw new RecordRejectedException(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem.get());
        }
        Uuid id = requireId(record.getTopicId(), "topic id of '" + name + "'");
        if (draft.topic(name).isPresent()) {
            throw new RecordRejectedException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        Optional<TopicImage> sameId = draft.topic(id);
        if (sameId.isPresent()) {
            throw new RecordRejectedException(
                    ErrorCode.TOPIC_ALREADY_EXISTS,
                    "topic id " + id + " is already used by topic '"
                            + sameId.get().name() + "'");
        }
        for (Map.Entry<String, String> config : record.getConfigsMap().entrySet()) {
            checkConfig(ConfigResource.topic(name), config.getKey(), config.getValue());
        }
        draft.putTopic(new TopicImage(name, id, record.getConfigsMap(), List.of()));
        createdTopics.add(id);
    }

    private void applyPartition(PartitionRecord record) throws RecordRejectedException {
        TopicImage topic = requireTopic(draft, record.getTopicId());
        String where = topic.name() + "-" + record.getIndex();
        if (record.getIndex() != topic.partitionCount()) {
            throw invalid("partition " + where + " cannot be created: topic '" + topic.name() + "' has "
                    + topic.partitionCount() + " partitions, so the next one is index " + topic.partitionCount());
        }
        Optional<String> shape =
                ImageInvariants.shapeProblem(record.getReplicasList(), record.getIsrList(), record.getLeader());
        if (shape.isPresent()) {
            throw invalid("partition " + where + " is invalid: " + shape.get());
        }
        if (record.getIsrCount() == 0) {
            throw invalid("partition " + where + " is created without an ISR: a new partition starts with its"
                    + " replicas in sync");
        }
        if (record.getLeaderEpoch() < 0 || record.getPartitionEpoch() < 0) {
            throw invalid("partition " + where + " has a negative epoch");
        }
        requireRegistered(draft, record.getReplicasList(), "replica", "partition " + where);
        // A placement decided before a broker was fenced must not commit after it: nothing would
        // elect a new leader for the partition (the fencing has already moved leadership away).
        for (int id : record.getIsrList()) {
            if (draft.broker(id).map(BrokerRegistration::fenced).orElse(false)) {
                throw new RecordRejectedException(
                        ErrorCode.BROKER_NOT_AVAILABLE,
                        "partition " + where + " would have fenced broker " + id + " in its ISR: a new"
                                + " partition is placed on unfenced brokers only (decide the placement again)");
            }
        }
        Optional<String> reassignment = ImageInvariants.reassignmentProblem(
                record.getReplicasList(), record.getAddingReplicasList(), record.getRemovingReplicasList());
        if (reassignment.isPresent()) {
            throw invalid("partition " + where + ": " + reassignment.get());
        }
        PartitionState partition = new PartitionState(
                record.getIndex(),
                record.getReplicasList(),
                record.getIsrList(),
                record.getLeader(),
                record.getLeaderEpoch(),
                record.getPartitionEpoch(),
                record.getAddingReplicasList(),
                record.getRemovingReplicasList());
        List<PartitionState> partitions = new ArrayList<>(topic.partitions());
        partitions.add(partition);
        draft.putTopic(new TopicImage(topic.name(), topic.id(), topic.configs(), partitions));
    }

    private void applyDeleteTopic(DeleteTopicRecord record) throws RecordRejectedException {
        TopicImage topic = requireTopic(draft, record.getTopicId());
        draft.removeTopic(topic);
        createdTopics.remove(topic.id());
    }

    private void applyConfig(ConfigRecord record) throws RecordRejectedException {
        String name = record.getResourceName();
        String key = record.getKey();
        switch (record.getResourceType()) {
            case TOPIC -> {
                TopicImage topic = draft.topic(name)
                        .orElseThrow(() -> new RecordRejectedException(
                                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
                Map<String, String> configs = new TreeMap<>(topic.configs());
                changeConfig(ConfigResource.topic(name), record, configs);
                draft.putTopic(new TopicImage(topic.name(), topic.id(), configs, topic.partitions()));
            }
            case BROKER -> {
                if (!isBrokerResourceName(name)) {
                    throw invalid("'" + name + "' does not name a broker: use a node id, or \"\" for the"
                            + " default of every broker");
                }
                Map<String, String> configs = new TreeMap<>(draft.brokerConfigs(name));
                changeConfig(new ConfigResource(ConfigResource.Type.BROKER, name), record, configs);
                draft.putBrokerConfigs(name, configs);
            }
            default -> throw invalid("config key '" + key + "' names no resource type (TOPIC or BROKER)");
        }
    }

    private static void changeConfig(ConfigResource resource, ConfigRecord record, Map<String, String> configs)
            throws RecordRejectedException {
        switch (record.getChangeCase()) {
            case VALUE -> {
                checkConfig(resource, record.getKey(), record.getValue());
                configs.put(record.getKey(), record.getValue());
            }
            case DELETE -> {
                checkConfig(resource, record.getKey(), "");
                configs.remove(record.getKey());
            }
            default -> throw new RecordRejectedException(
                    ErrorCode.INVALID_RECORD,
                    "config record for key '" + record.getKey() + "' of " + resource + " neither sets nor"
                            + " deletes it");
        }
    }

    private static void checkConfig(ConfigResource resource, String key, String value) throws RecordRejectedException {
        if (key.isEmpty() || key.length() > MAX_CONFIG_KEY_LENGTH) {
            throw new RecordRejectedException(
                    ErrorCode.INVALID_CONFIG,
                    "config keys of " + resource + " must be 1 to " + MAX_CONFIG_KEY_LENGTH + " characters");
        }
        if (value.length() > MAX_CONFIG_VALUE_LENGTH) {
            throw new RecordRejectedException(
                    ErrorCode.INVALID_CONFIG,
                    "the value of " + key + " for " + resource + " is longer than " + MAX_CONFIG_VALUE_LENGTH
                            + " characters");
        }
    }
}
