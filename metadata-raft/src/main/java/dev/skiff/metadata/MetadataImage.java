package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The metadata of the whole cluster at one point of the metadata log: the cluster id, the brokers,
 * the topics with their partitions, and the dynamic configs. Immutable: {@link #apply} returns a
 * new image and shares every part the batch did not touch (copy-on-write), so readers on any
 * thread can hold an image as long as they like.
 *
 * <p>Deterministic: the same batches applied to the same image give an equal image on every node,
 * because applying reads nothing but the image and the batch (no clock, no randomness, sorted
 * maps). Invariants that hold in every image: see {@link PartitionState}; topic names and ids are
 * unique, a topic's id never changes, and partitions are dense from index 0.
 */
public final class MetadataImage {
    /** The image before the first record: no cluster id, no brokers, no topics. */
    public static final MetadataImage EMPTY = new MetadataImage(
            "",
            Collections.emptySortedMap(),
            Collections.emptySortedMap(),
            Collections.emptyMap(),
            Collections.emptySortedMap(),
            0);

    /** A limit on one batch (STYLE 6); a topic creation with its partitions is one batch. */
    public static final int MAX_RECORDS_PER_BATCH = 100_000;

    private final String clusterId;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final SortedMap<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    private final SortedMap<String, SortedMap<String, String>> brokerConfigs;
    private final long nextProducerId;

    /**
     * Takes the maps as they are: callers hand over unmodifiable views of maps nobody changes
     * again (wrapping here would stack a view on a view for every batch that leaves a map alone).
     */
    MetadataImage(
            String clusterId,
            SortedMap<Integer, BrokerRegistration> brokers,
            SortedMap<String, TopicImage> topicsByName,
            Map<Uuid, TopicImage> topicsById,
            SortedMap<String, SortedMap<String, String>> brokerConfigs,
            long nextProducerId) {
        this.nextProducerId = nextProducerId;
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.brokers = brokers;
        this.topicsByName = topicsByName;
        this.topicsById = topicsById;
        this.brokerConfigs = brokerConfigs;
    }

    /**
     * Applies {@code batch} atomically: every record is validated against the image as changed by
     * the records before it; if any is invalid the whole batch is rejected and this image stays
     * what it is. Never throws for an invalid batch.
     */
    public ApplyResult apply(MetadataBatch batch) {
        int count = batch.getRecordsCount();
        if (count == 0) {
            return new ApplyResult.Rejected(-1, ErrorCode.INVALID_REQUEST, "an empty batch changes nothing");
        }
        if (count > MAX_RECORDS_PER_BATCH) {
            return new ApplyResult.Rejected(
                    -1,
                    ErrorCode.INVALID_REQUEST,
                    "a batch of " + count + " records is over the limit of " + MAX_RECORDS_PER_BATCH
                            + ": split the change into several batches");
        }
        ImageDraft draft = new ImageDraft(this);
        RecordApplier applier = new RecordApplier(draft);
        for (int i = 0; i < count; i++) {
            try {
                applier.apply(batch.getRecords(i));
            } catch (RecordRejectedException e) {
                return new ApplyResult.Rejected(
                        i,
                        e.error(),
                        "record " + i + " (" + batch.getRecords(i).getRecordCase() + "): " + e.getMessage());
            }
        }
        try {
            applier.finishBatch();
        } catch (RecordRejectedException e) {
            return new ApplyResult.Rejected(-1, e.error(), e.getMessage());
        }
        return new ApplyResult.Applied(draft.freeze());
    }

    /** The cluster id, once a ClusterIdRecord has been applied. */
    public Optional<String> clusterId() {
        return clusterId.isEmpty() ? Optional.empty() : Optional.of(clusterId);
    }

    /** Every registered broker, fenced or not, by node id. */
    public SortedMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    public Optional<BrokerRegistration> broker(int nodeId) {
        return Optional.ofNullable(brokers.get(nodeId));
    }

    /** The registered brokers that are not fenced, by node id: where replicas may be placed. */
    public List<BrokerRegistration> unfencedBrokers() {
        return brokers.values().stream().filter(b -> !b.fenced()).toList();
    }

    /** Every topic, sorted by name. */
    public Collection<TopicImage> topics() {
        return topicsByName.values();
    }

    public SortedMap<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    public Optional<PartitionState> partition(String topicName, int index) {
        return topic(topicName).flatMap(t -> t.partition(index));
    }

    public Optional<PartitionState> partition(Uuid topicId, int index) {
        return topic(topicId).flatMap(t -> t.partition(index));
    }

    /**
     * The dynamic configs of a resource: a topic's overrides (empty for an unknown topic), or the
     * dynamic configs of a broker or of the broker default, sorted by key. Static configs are the
     * broker's own.
     */
    public Map<String, String> configs(ConfigResource resource) {
        if (resource.type() == ConfigResource.Type.TOPIC) {
            return topic(resource.name()).map(TopicImage::configs).orElse(Map.of());
        }
        return brokerConfigs.getOrDefault(resource.name(), Collections.emptySortedMap());
    }

    /** Dynamic broker configs by resource name: a node id in decimal, or "" for the default. */
    public SortedMap<String, SortedMap<String, String>> brokerConfigs() {
        return brokerConfigs;
    }

    /** The first producer id not yet handed to a broker in a block (ProducerIdsRecord). */
    public long nextProducerId() {
        return nextProducerId;
    }

    Map<Uuid, TopicImage> topicsById() {
        return topicsById;
    }

    String rawClusterId() {
        return clusterId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataImage other
                && clusterId.equals(other.clusterId)
                && brokers.equals(other.brokers)
                && topicsByName.equals(other.topicsByName)
                && brokerConfigs.equals(other.brokerConfigs)
                && nextProducerId == other.nextProducerId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(clusterId, brokers, topicsByName, brokerConfigs, nextProducerId);
    }

    @Override
    public String toString() {
        return "MetadataImage{clusterId=" + clusterId + ", brokers=" + brokers.values() + ", topics="
                + topicsByName.values() + ", brokerConfigs=" + brokerConfigs + ", nextProducerId=" + nextProducerId
                + "}";
    }
}
