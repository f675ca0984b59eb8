package dev.skiff.client.testing;

import dev.skiff.client.ChannelFactory;
import dev.skiff.client.CompressionType;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.proto.v1.ErrorCode;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An in-memory cluster of fake brokers that serve skiff's Broker, Admin and Group services with
 * canned but consistent behaviour: topics with leaders and replicas, partitions that store produced
 * batches and assign offsets, long-poll fetches, ListOffsets, configs, and consumer groups with a
 * coordinator per group ({@link FakeGroupService}, state in {@link #groups()}). Tests reach it through
 * in-process channels ({@link #channelFactory()}) or real TCP ({@link #startTcp()}), and inject
 * faults through {@link #hooks()}. All state is guarded by this object's monitor.
 */
public final class FakeCluster implements AutoCloseable {
    /** A stored batch as the leader wrote it. */
    public record StoredBatch(
            long baseOffset, CompressionType compression, List<RecordBatchCodec.RecordData> records, int leaderEpoch) {
        public long lastOffset() {
            return baseOffset + records.size() - 1;
        }
    }

    /** A partition's placement and log. */
    public static final class FakePartition {
        public int leader;
        public int leaderEpoch;
        public List<Integer> replicas;
        public List<Integer> isr;
        public long logStartOffset;
        public long nextOffset;
        public final List<StoredBatch> batches = new ArrayList<>();
    }

    /** A topic: id, configs, partitions. */
    public static final class FakeTopic {
        public final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        public final Map<String, String> configs = new LinkedHashMap<>();
        public final List<FakePartition> partitions = new ArrayList<>();
        public boolean internal;
    }

    final String clusterId = "fake-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, FakeTopic> topics = new LinkedHashMap<>();
    /** The brokers' idempotent-producer state, shared by the fake nodes as replicas would share it. */
    final FakeProducerState producerState = new FakeProducerState();

    final Map<Integer, Map<String, String>> brokerConfigs = new HashMap<>();
    private final int brokerCount;
    final FakeGroups groups;
    private final List<FakeGroupService> groupServices = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String prefix = "fake-" + UUID.randomUUID();
    private final Map<Integer, String> hosts = new HashMap<>();
    private final Map<Integer, Integer> ports = new HashMap<>();
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, Integer> inProcessByAddress = new ConcurrentHashMap<>();
    private final FakeHooks hooks = new FakeHooks();
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-cluster-timer");
        t.setDaemon(true);
        return t;
    });
    int defaultPartitions = 1;
    boolean autoCreateTopics;
    /** Fenced brokers: listed as registered but not live, offline replicas, never elected. */
    final java.util.Set<Integer> fenced = new java.util.TreeSet<>();
    /** Each voter's lag, as only the active controller (node 1) reports it. */
    final Map<Integer, Long> voterLags = new HashMap<>();

    public FakeCluster(int brokerCount) {
        this.brokerCount = brokerCount;
        this.groups = new FakeGroups(brokerCount);
        for (int id = 1; id <= brokerCount; id++) {
            brokerConfigs.put(id, new LinkedHashMap<>());
        }
    }

    /** Serves every node in-process; addresses are {@code node<id>:9092}. */
    public FakeCluster startInProcess() {
        for (int id = 1; id <= brokerCount; id++) {
            hosts.put(id, "node" + id);
            ports.put(id, 9092);
            inProcessByAddress.put("node" + id + ":9092", id);
            try {
                servers.add(InProcessServerBuilder.forName(prefix + "-" + id)
                        .addService(new FakeBrokerService(this, id))
                        .addService(new FakeAdminService(this, id))
                        .addService(groupService(id))
                        .build()
                        .start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /** Serves every node on 127.0.0.1 over real TCP (plaintext gRPC), on free ports. */
    public FakeCluster startTcp() {
        for (int id = 1; id <= brokerCount; id++) {
            try {
                Server s = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                        .addService(new FakeBrokerService(this, id))
                        .addService(new FakeAdminService(this, id))
                        .addService(groupService(id))
                        .build()
                        .start();
                servers.add(s);
                hosts.put(id, "127.0.0.1");
                ports.put(id, s.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    private FakeGroupService groupService(int id) {
        FakeGroupService service = new FakeGroupService(this, id);
        if (groupServices.isEmpty()) {
            timers.scheduleWithFixedDelay(this::tickGroups, 10, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        groupServices.add(service);
        return service;
    }

    private void tickGroups() {
        try {
            if (!groupServices.isEmpty()) {
                groupServices.get(0).tick();
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(FakeCluster.class).error("fake group tick failed", e);
        }
    }

    /** The consumer groups: coordinators, members, generations, committed offsets, clock. */
    public FakeGroups groups() {
        return groups;
    }

    /** In-process channels; an address no fake node serves gets a channel that fails with UNAVAILABLE. */
    public ChannelFactory channelFactory() {
        return (host, port) -> {
            Integer id = inProcessByAddress.get(host + ":" + port);
            String name = id == null ? prefix + "-nobody-" + host + "-" + port : prefix + "-" + id;
            ManagedChannel c = InProcessChannelBuilder.forName(name).build();
            return c;
        };
    }

    /** In-process channels whose calls pass through {@code interceptors} (e.g. one that loses answers). */
    public ChannelFactory channelFactory(io.grpc.ClientInterceptor... interceptors) {
        return (host, port) -> {
            Integer id = inProcessByAddress.get(host + ":" + port);
            String name = id == null ? prefix + "-nobody-" + host + "-" + port : prefix + "-" + id;
            return InProcessChannelBuilder.forName(name).intercept(interceptors).build();
        };
    }

    public String bootstrap() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= brokerCount; id++) {
            sb.append(sb.length() == 0 ? "" : ",")
                    .append(hosts.get(id))
                    .append(':')
                    .append(ports.get(id));
        }
        return sb.toString();
    }

    public String host(int nodeId) {
        return hosts.get(nodeId);
    }

    public int port(int nodeId) {
        return ports.get(nodeId);
    }

    public int brokerCount() {
        return brokerCount;
    }

    public FakeHooks hooks() {
        return hooks;
    }

    public synchronized void setAutoCreateTopics(boolean enabled, int partitions) {
        autoCreateTopics = enabled;
        defaultPartitions = partitions;
    }

    /** Creates a topic directly; replicas of partition p are nodes p+1, p+2, ... (wrapping); the first leads. */
    public synchronized FakeTopic createTopic(String name, int partitions, int replicationFactor) {
        FakeTopic t = new FakeTopic();
        t.internal = name.startsWith("__");
        topics.put(name, t);
        addPartitions(t, partitions, replicationFactor);
        notifyAll();
        return t;
    }

    synchronized void addPartitions(FakeTopic t, int total, int replicationFactor) {
        for (int p = t.partitions.size(); p < total; p++) {
            FakePartition fp = new FakePartition();
            fp.replicas = new ArrayList<>();
            for (int i = 0; i < replicationFactor; i++) {
                fp.replicas.add((p + i) % brokerCount + 1);
            }
            fp.isr = new ArrayList<>(fp.replicas);
            fp.leader = fp.replicas.get(0);
            t.partitions.add(fp);
        }
    }

    /** Fences or unfences a broker; fencing does not move leadership (use {@link #setLeader}). */
    public synchronized void setFenced(int nodeId, boolean isFenced) {
        if (isFenced) {
            fenced.add(nodeId);
        } else {
            fenced.remove(nodeId);
        }
    }

    /** The lag node 1, the fake active controller, reports for a voter. */
    public synchronized void setVoterLag(int nodeId, long lagEntries) {
        voterLags.put(nodeId, lagEntries);
    }

    /** Moves leadership (epoch +1); -1 leaves the partition without a leader. */
    public synchronized void setLeader(TopicPartition tp, int nodeId) {
        FakePartition p = partition(tp);
        p.leader = nodeId;
        p.leaderEpoch++;
    }

    public synchronized FakePartition partition(TopicPartition tp) {
        FakeTopic t = topics.get(tp.topic());
        if (t == null || tp.partition() >= t.partitions.size()) {
            throw new IllegalArgumentException("no partition " + tp);
        }
        return t.partitions.get(tp.partition());
    }

    public synchronized FakeTopic topic(String name) {
        return topics.get(name);
    }

    /** Every record of a partition in offset order. */
    public synchronized List<RecordBatchCodec.DecodedRecord> records(TopicPartition tp) {
        List<RecordBatchCodec.DecodedRecord> out = new ArrayList<>();
        for (StoredBatch b : partition(tp).batches) {
            for (int i = 0; i < b.records().size(); i++) {
                RecordBatchCodec.RecordData r = b.records().get(i);
                out.add(new RecordBatchCodec.DecodedRecord(
                        b.baseOffset() + i, r.timestampMs(), r.key(), r.value(), r.headers(), -1));
            }
        }
        return out;
    }

    /** Appends records to a partition as its leader would; returns the base offset. */
    public synchronized long append(
            TopicPartition tp, CompressionType compression, List<RecordBatchCodec.RecordData> records) {
        FakePartition p = partition(tp);
        long base = p.nextOffset;
        p.batches.add(new StoredBatch(base, compression, List.copyOf(records), p.leaderEpoch));
        p.nextOffset += records.size();
        notifyAll();
        return base;
    }

    static ErrorCode code(dev.skiff.client.Errors e) {
        return ErrorCode.forNumber(e.code());
    }

    @Override
    public void close() {
        for (Server s : servers) {
            s.shutdownNow();
        }
        timers.shutdownNow();
    }
}
