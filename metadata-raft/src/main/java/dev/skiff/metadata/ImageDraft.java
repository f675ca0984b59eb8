package dev.skiff.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The image being built by one {@link MetadataImage#apply} call. Copy-on-write: each top-level map
 * of the base image is copied on its first change only, and the parts no record touches (topics,
 * partition lists, broker registrations) are shared with the base image. Confined to the calling
 * thread; thrown away if the batch is rejected.
 */
final class ImageDraft {
    private final MetadataImage base;
    private String clusterId;
    private TreeMap<Integer, BrokerRegistration> brokers;
    private TreeMap<String, TopicImage> topicsByName;
    private HashMap<Uuid, TopicImage> topicsById;
    private TreeMap<String, SortedMap<String, String>> brokerConfigs;
    private long nextProducerId;

    ImageDraft(MetadataImage base) {
        this.base = base;
        this.clusterId = base.rawClusterId();
        this.nextProducerId = base.nextProducerId();
    }

    long nextProducerId() {
        return nextProducerId;
    }

    void setNextProducerId(long next) {
        nextProducerId = next;
    }

    String clusterId() {
        return clusterId;
    }

    void setClusterId(String newClusterId) {
        clusterId = newClusterId;
    }

    SortedMap<Integer, BrokerRegistration> brokers() {
        return brokers != null ? brokers : base.brokers();
    }

    Optional<BrokerRegistration> broker(int nodeId) {
        return Optional.ofNullable(brokers().get(nodeId));
    }

    void putBroker(BrokerRegistration broker) {
        if (brokers == null) {
            brokers = new TreeMap<>(base.brokers());
        }
        brokers.put(broker.nodeId(), broker);
    }

    void removeBroker(int nodeId) {
        if (brokers == null) {
            brokers = new TreeMap<>(base.brokers());
        }
        brokers.remove(nodeId);
    }

    SortedMap<String, TopicImage> topicsByName() {
        return topicsByName != null ? topicsByName : base.topicsByName();
    }

    Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topicsByName().get(name));
    }

    Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable((topicsById != null ? topicsById : base.topicsById()).get(id));
    }

    /** Adds or replaces the topic with this id; its name must not change (ids and names are stable). */
    void putTopic(TopicImage topic) {
        copyTopicsOnWrite();
        topicsByName.put(topic.name(), topic);
        topicsById.put(topic.id(), topic);
    }

    void removeTopic(TopicImage topic) {
        copyTopicsOnWrite();
        topicsByName.remove(topic.name());
        topicsById.remove(topic.id());
    }

    SortedMap<String, String> brokerConfigs(String resourceName) {
        SortedMap<String, SortedMap<String, String>> all = brokerConfigs != null ? brokerConfigs : base.brokerConfigs();
        return all.getOrDefault(resourceName, Collections.emptySortedMap());
    }

    /** Replaces the broker configs of one resource; an empty map removes the resource. */
    void putBrokerConfigs(String resourceName, Map<String, String> configs) {
        if (brokerConfigs == null) {
            brokerConfigs = new TreeMap<>(base.brokerConfigs());
        }
        if (configs.isEmpty()) {
            brokerConfigs.remove(resourceName);
        } else {
            brokerConfigs.put(resourceName, Collections.unmodifiableSortedMap(new TreeMap<>(configs)));
        }
    }

    MetadataImage freeze() {
        return new MetadataImage(
                clusterId,
                brokers != null ? Collections.unmodifiableSortedMap(brokers) : base.brokers(),
                topicsByName != null ? Collections.unmodifiableSortedMap(topicsByName) : base.topicsByName(),
                topicsById != null ? Collections.unmodifiableMap(topicsById) : base.topicsById(),
                brokerConfigs != null ? Collections.unmodifiableSortedMap(brokerConfigs) : base.brokerConfigs(),
                nextProducerId);
    }

    private void copyTopicsOnWrite() {
        if (topicsByName == null) {
            topicsByName = new TreeMap<>(base.topicsByName());
            topicsById = new HashMap<>(base.topicsById());
        }
    }
}
