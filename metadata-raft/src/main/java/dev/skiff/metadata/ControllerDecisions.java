package dev.skiff.metadata;

import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataRecord;
import dev.skiff.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The active controller's decisions: admin and broker-lifecycle commands in, record batches out
 * (DESIGN §4). Pure functions of the image and the command, except for topic ids, which come from
 * the injected (seeded) {@link Random}; no I/O, no clock, no threads.
 *
 * <p>Owned by the controller's single thread (the Random is not shared). Each decision is made on
 * the image the caller passes; to decide several commands in a row before committing, apply each
 * accepted batch to the image first (as {@link #createTopics} does), and let {@link
 * MetadataImage#apply} catch what changed in between.
 */
public final class ControllerDecisions {
    private final ControllerSettings settings;
    private final ConfigValidator configValidator;
    private final Random random;

    public ControllerDecisions(ControllerSettings settings, ConfigValidator configValidator, Random random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.configValidator = Objects.requireNonNull(configValidator, "configValidator");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Sets the cluster id on a new cluster; nothing to do if it is already set to the same id. */
    public Decision<String> initializeCluster(MetadataImage image, String clusterId) {
        if (image.clusterId().filter(clusterId::equals).isPresent()) {
            return new Decision.Accepted<>(clusterId, MetadataBatch.getDefaultInstance());
        }
        return checked(image, clusterId, List.of(MetadataRecords.clusterId(clusterId)));
    }

    /** Creates one topic with its partitions, placed on the unfenced brokers. */
    public Decision<CreatedTopic> createTopic(MetadataImage image, NewTopic request) {
        String name = request.name();
        Optional<String> nameProblem = TopicNames.problem(name);
        if (nameProblem.isPresent()) {
            return refused(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem.get());
        }
        if (image.topic(name).isPresent()) {
            return refused(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        String unified = TopicNames.unifyCollisionChars(name);
        for (TopicImage existing : image.topics()) {
            if (TopicNames.unifyCollisionChars(existing.name()).equals(unified)) {
                return refused(
                        ErrorCode.INVALID_TOPIC_EXCEPTION,
                        "Topic '" + name + "' collides with existing topic: " + existing.name()
                                + " (topic names that differ only in '.' and '_' collide in metric names; pick"
                                + " another name)");
            }
        }
        int partitions = request.partitions() == NewTopic.DEFAULT ? settings.defaultPartitions() : request.partitions();
        int replicationFactor = request.replicationFactor() == NewTopic.DEFAULT
                ? settings.defaultReplicationFactor()
                : request.replicationFactor();
        Optional<Decision<CreatedTopic>> countProblem = checkPartitionCount(partitions);
        if (countProblem.isPresent()) {
            return countProblem.get();
        }
        ReplicaPlacer placer = new ReplicaPlacer(image, List.of(), random.nextInt());
        Optional<Decision<CreatedTopic>> factorProblem =
                checkReplicationFactor(replicationFactor, placer.brokerCount());
        if (factorProblem.isPresent()) {
            return factorProblem.get();
        }
        Optional<String> configProblem = configValidator.problem(ConfigResource.topic(name), request.configs());
        if (configProblem.isPresent()) {
            return refused(ErrorCode.INVALID_CONFIG, "Invalid config for topic '" + name + "': " + configProblem.get());
        }
        Uuid topicId = newTopicId(image);
        List<MetadataRecord> records = new ArrayList<>(partitions + 1);
        records.add(MetadataRecords.topic(name, topicId, request.configs()));
        for (int index = 0; index < partitions; index++) {
            records.add(MetadataRecords.partition(topicId, newPartition(index, placer.placeNext(replicationFactor))));
        }
        return checked(image, new CreatedTopic(name, topicId, partitions, replicationFactor), records);
    }

    /**
     * Creates several topics, each decided on the image as changed by the ones accepted before it
     * (so duplicates within the request are refused and placement stays even). The answers are in
     * request order; commit each accepted batch (they are independent: one may fail alone).
     */
    public List<Decision<CreatedTopic>> createTopics(MetadataImage image, List<NewTopic> requests) {
        List<Decision<CreatedTopic>> decisions = new ArrayList<>(requests.size());
        MetadataImage working = image;
        for (NewTopic request : requests) {
            Decision<CreatedTopic> decision = createTopic(working, request);
            if (decision instanceof Decision.Accepted<CreatedTopic> accepted
                    && working.apply(accepted.batch()) instanceof ApplyResult.Applied applied) {
                working = applied.image();
            }
            decisions.add(decision);
        }
        return decisions;
    }

    /** Deletes a topic, its partitions and its configs. The answer is the deleted topic's id. */
    public Decision<Uuid> deleteTopic(MetadataImage image, String name) {
        Optional<TopicImage> topic = image.topic(name);
        if (topic.isEmpty()) {
            return unknownTopic(name);
        }
        return checked(
                image,
                topic.get().id(),
                List.of(MetadataRecords.deleteTopic(topic.get().id())));
    }

    /** Raises a topic's partition count to {@code newCount} (it never shrinks). The answer is the new count. */
    public Decision<Integer> createPartitions(MetadataImage image, String name, int newCount) {
        Optional<TopicImage> found = image.topic(name);
        if (found.isEmpty()) {
            return unknownTopic(name);
        }
        TopicImage topic = found.get();
        if (newCount <= topic.partitionCount()) {
            return refused(
                    ErrorCode.INVALID_PARTITIONS,
                    "Topic currently has " + topic.partitionCount() + " partitions, which is higher than or equal to"
                            + " the requested " + newCount + ": partitions can only be added");
        }
        Optional<Decision<Integer>> countProblem = checkPartitionCount(newCount);
        if (countProblem.isPresent()) {
            return countProblem.get();
        }
        ReplicaPlacer placer = new ReplicaPlacer(image, topic.partitions(), random.nextInt());
        int replicationFactor = topic.replicationFactor();
        Optional<Decision<Integer>> factorProblem = checkReplicationFactor(replicationFactor, placer.brokerCount());
        if (factorProblem.isPresent()) {
            return factorProblem.get();
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (int index = topic.partitionCount(); index < newCount; index++) {
            records.add(
                    MetadataRecords.partition(topic.id(), newPartition(index, placer.placeNext(replicationFactor))));
        }
        return checked(image, newCount, records);
    }

    /**
     * Sets and deletes dynamic configs of a topic or a broker (Kafka's IncrementalAlterConfigs). The
     * answer is the resource's complete dynamic configs afterwards.
     */
    public Decision<Map<String, String>> alterConfigs(
            MetadataImage image, ConfigResource resource, List<ConfigOp> ops) {
        if (resource.type() == ConfigResource.Type.TOPIC
                && image.topic(resource.name()).isEmpty()) {
            return unknownTopic(resource.name());
        }
        if (resource.type() == ConfigResource.Type.BROKER && !RecordApplier.isBrokerResourceName(resource.name())) {
            return refused(
                    ErrorCode.INVALID_REQUEST,
                    "'" + resource.name() + "' does not name a broker: use a node id, or an empty name for the"
                            + " default of every broker");
        }
        Map<String, String> configs = new TreeMap<>(image.configs(resource));
        Set<String> keys = new HashSet<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (ConfigOp op : ops) {
            if (!keys.add(op.key())) {
                return refused(
                        ErrorCode.INVALID_REQUEST,
                        "config key '" + op.key() + "' of " + resource + " appears twice in one request");
            }
            if (op.value().isPresent()) {
                if (!op.value().get().equals(configs.put(op.key(), op.value().get()))) {
                    records.add(MetadataRecords.setConfig(
                            resource, op.key(), op.value().get()));
                }
            } else if (configs.remove(op.key()) != null) {
                records.add(MetadataRecords.deleteConfig(resource, op.key()));
            }
        }
        Optional<String> problem = configValidator.problem(resource, configs);
        if (problem.isPresent()) {
            return refused(ErrorCode.INVALID_CONFIG, "Invalid config for " + resource + ": " + problem.get());
        }
        return checked(image, Map.copyOf(configs), records);
    }

    /** Registers a broker whose storage holds what it held before: {@code storageIsNew} false. */
    public Decision<BrokerRegistration> registerBroker(
            MetadataImage image, int nodeId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack) {
        return registerBroker(image, nodeId, incarnationId, endpoints, rack, false);
    }

    /**
     * Registers a broker, fenced until {@link #unfenceBroker}. A new incarnation of a registered
     * broker (it restarted) first loses its ISR memberships and leaderships, as if fenced; the same
     * incarnation registering again with the same endpoints changes nothing.
     *
     * <p>{@code storageIsNew}: the broker's log directories were created empty at this start (no
     * prior data: a first start, or a lost or replaced disk). A new incarnation with new storage
     * then leaves every ISR, including the ones it is the last member of, because its membership
     * vouched for data it no longer has; such a partition is left with an empty ISR and no leader,
     * and gets one again only by unclean election (see {@link LeaderElection}). This holds whether
     * or not the image still knows the broker (it may have been unregistered while the last
     * member of an ISR). For the same incarnation registering again the flag changes nothing: its
     * first registration acted on it.
     */
    public Decision<BrokerRegistration> registerBroker(
            MetadataImage image,
            int nodeId,
            Uuid incarnationId,
            List<Endpoint> endpoints,
            Optional<String> rack,
            boolean storageIsNew) {
        Optional<BrokerRegistration> existing = image.broker(nodeId);
        boolean sameIncarnation =
                existing.filter(e -> e.incarnationId().equals(incarnationId)).isPresent();
        if (sameIncarnation
                && existing.get().endpoints().equals(endpoints)
                && existing.get().rack().equals(rack)) {
            return new Decision.Accepted<>(existing.get(), MetadataBatch.getDefaultInstance());
        }
        boolean lostStorage = storageIsNew && !sameIncarnation;
        List<MetadataRecord> records = new ArrayList<>();
        if (lostStorage) {
            records.addAll(new LeaderElection(image, settings).changesForLostStorage(nodeId));
        } else if (existing.isPresent() && !sameIncarnation) {
            records.addAll(new LeaderElection(image, settings).changesForFencing(nodeId));
        }
        records.add(MetadataRecords.registerBroker(nodeId, incarnationId, endpoints, rack, lostStorage));
        boolean fenced = existing.filter(e -> sameIncarnation)
                .map(BrokerRegistration::fenced)
                .orElse(true);
        return checked(image, new BrokerRegistration(nodeId, incarnationId, endpoints, rack, fenced), records);
    }

    /**
     * Fences a broker (its session timed out, or it is shutting down): out of every ISR but the
     * ones it is the last member of, and out of every leadership. The answer is the number of
     * partitions changed.
     */
    public Decision<Integer> fenceBroker(MetadataImage image, int nodeId) {
        Optional<BrokerRegistration> broker = image.broker(nodeId);
        if (broker.isEmpty()) {
            return notRegistered(nodeId);
        }
        List<MetadataRecord> records = new ArrayList<>(new LeaderElection(image, settings).changesForFencing(nodeId));
        int changed = records.size();
        if (!broker.get().fenced()) {
            records.add(MetadataRecords.fenceBroker(nodeId, broker.get().incarnationId()));
        }
        return checked(image, changed, records);
    }

    /**
     * Unfences a caught-up broker of the named incarnation, and lets it lead the partitions that
     * had no leader while it was away. The answer is the number of partitions that get a leader.
     */
    public Decision<Integer> unfenceBroker(MetadataImage image, int nodeId, Uuid incarnationId) {
        Optional<BrokerRegistration> broker = image.broker(nodeId);
        if (broker.isEmpty()) {
            return notRegistered(nodeId);
        }
        if (!broker.get().incarnationId().equals(incarnationId)) {
            return refused(
                    ErrorCode.STALE_BROKER_EPOCH,
                    "broker " + nodeId + " is registered with incarnation "
                            + broker.get().incarnationId() + ", not " + incarnationId
                            + ": register again before asking to be unfenced");
        }
        if (!broker.get().fenced()) {
            return new Decision.Accepted<>(0, MetadataBatch.getDefaultInstance());
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.unfenceBroker(nodeId, incarnationId));
        ApplyResult unfenced = image.apply(MetadataRecords.batch(records));
        if (unfenced instanceof ApplyResult.Rejected rejected) {
            return refused(rejected.error(), rejected.message());
        }
        MetadataImage after = ((ApplyResult.Applied) unfenced).image();
        records.addAll(new LeaderElection(after, settings).changesForUnfencing(nodeId));
        return checked(image, records.size() - 1, records);
    }

    /** Removes a broker for good: leadership and ISR memberships move first, as for fencing. */
    public Decision<Integer> unregisterBroker(MetadataImage image, int nodeId) {
        if (image.broker(nodeId).isEmpty()) {
            return notRegistered(nodeId);
        }
        List<MetadataRecord> records = new ArrayList<>(new LeaderElection(image, settings).changesForFencing(nodeId));
        int changed = records.size();
        records.add(MetadataRecords.unregisterBroker(nodeId));
        return checked(image, changed, records);
    }

    /**
     * A partition leader's request to change its ISR (shrink a lagging follower, expand a caught-up
     * one), naming the leader epoch and partition epoch it saw. See {@link IsrChange}.
     */
    public Decision<PartitionState> alterPartition(MetadataImage image, IsrChange request) {
        return IsrChange.decide(image, request);
    }

    /**
     * Gives leadership back to the preferred replica of each named partition, or of every partition
     * if none are named (Kafka's ElectLeaders, PREFERRED). See {@link PreferredLeaders}.
     */
    public Decision<List<PreferredLeaders.Result>> electPreferredLeaders(
            MetadataImage image, Optional<? extends List<PreferredLeaders.PartitionRef>> partitions) {
        return PreferredLeaders.elect(image, partitions);
    }

    /**
     * Starts, changes or cancels the reassignment of each named partition (Kafka's
     * AlterPartitionReassignments); each gets its own result. See {@link Reassignments}.
     */
    public Decision<List<Reassignments.Result>> alterReassignments(
            MetadataImage image, List<Reassignments.Request> requests) {
        return Reassignments.alter(image, requests);
    }

    /**
     * Completes every reassignment whose target replicas are all in the ISR; the answer is how
     * many. The active controller runs it now and then, for the ones no ISR change completed.
     */
    public Decision<Integer> completeReassignments(MetadataImage image) {
        return Reassignments.completeAll(image);
    }

    private Uuid newTopicId(MetadataImage image) {
        while (true) {
            Uuid id = Uuid.random(random);
            if (image.topic(id).isEmpty()) {
                return id;
            }
        }
    }

    private static PartitionState newPartition(int index, List<Integer> replicas) {
        return new PartitionState(index, replicas, replicas, replicas.get(0), 0, 0);
    }

    private <T> Optional<Decision<T>> checkPartitionCount(int partitions) {
        if (partitions < 1) {
            return Optional.of(refused(
                    ErrorCode.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0, not " + partitions + "."));
        }
        if (partitions > settings.partitionsPerTopicMax()) {
            return Optional.of(refused(
                    ErrorCode.INVALID_PARTITIONS,
                    partitions + " partitions is over the limit of " + settings.partitionsPerTopicMax()
                            + " partitions per topic"));
        }
        return Optional.empty();
    }

    private static <T> Optional<Decision<T>> checkReplicationFactor(int replicationFactor, int unfencedBrokers) {
        if (replicationFactor < 1) {
            return Optional.of(refused(
                    ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, not " + replicationFactor + "."));
        }
        if (unfencedBrokers == 0) {
            return Optional.of(refused(
                    ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + replicationFactor + " time(s): no broker is registered and"
                            + " unfenced yet. Start a broker, or wait until one has registered, and try again."));
        }
        if (replicationFactor > unfencedBrokers) {
            return Optional.of(refused(
                    ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + replicationFactor + " time(s): The target replication"
                            + " factor of " + replicationFactor + " cannot be reached because only "
                            + unfencedBrokers + " broker(s) are registered and unfenced. Use a replication factor"
                            + " of at most " + unfencedBrokers + ", or start more brokers."));
        }
        return Optional.empty();
    }

    /**
     * The next block of {@value ProducerIdBlock#SIZE} producer ids for {@code brokerId}, starting at
     * the image's next free id. Committed on a newer image that already gave that block away, the
     * record is rejected as stale (INVALID_UPDATE_VERSION): decide again.
     */
    public static Decision<ProducerIdBlock> allocateProducerIds(MetadataImage image, int brokerId) {
        long first = image.nextProducerId();
        if (first > Long.MAX_VALUE - ProducerIdBlock.SIZE) {
            return refused(ErrorCode.UNKNOWN_SERVER_ERROR, "the cluster has used up every producer id");
        }
        ProducerIdBlock block = new ProducerIdBlock(brokerId, first, first + ProducerIdBlock.SIZE);
        return checked(
                image,
                block,
                List.of(MetadataRecords.producerIds(brokerId, block.firstProducerId(), block.nextProducerId())));
    }

    /** Accepted if the records apply cleanly to {@code image}; otherwise refused with apply's reason. */
    static <T> Decision<T> checked(MetadataImage image, T value, List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return new Decision.Accepted<>(value, MetadataBatch.getDefaultInstance());
        }
        MetadataBatch batch = MetadataRecords.batch(records);
        ApplyResult result = image.apply(batch);
        if (result instanceof ApplyResult.Rejected rejected) {
            return refused(rejected.error(), rejected.message());
        }
        return new Decision.Accepted<>(value, batch);
    }

    static <T> Decision<T> refused(ErrorCode error, String message) {
        return new Decision.Refused<>(error, message);
    }

    private static <T> Decision<T> unknownTopic(String name) {
        return refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
    }

    private static <T> Decision<T> notRegistered(int nodeId) {
        return refused(
                ErrorCode.BROKER_NOT_AVAILABLE,
                "broker " + nodeId + " is not registered: it must register before it can be fenced, unfenced"
                        + " or removed");
    }
}
