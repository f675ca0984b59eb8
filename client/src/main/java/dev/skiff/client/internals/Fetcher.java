package dev.skiff.client.internals;

import dev.skiff.client.ConsumerConfig;
import dev.skiff.client.ConsumerConfig.OffsetResetStrategy;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.ConsumerRecords;
import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.client.OffsetOutOfRangeException;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.FetchPartition;
import dev.skiff.proto.v1.FetchRequest;
import dev.skiff.proto.v1.FetchResponse;
import dev.skiff.proto.v1.FetchTopic;
import dev.skiff.proto.v1.FetchableTopicResponse;
import dev.skiff.proto.v1.PartitionData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch requests (one in flight per leader, each a long-poll) and the records they bring back,
 * buffered per partition until {@code poll} hands them out. Owned by the consumer's calling thread;
 * answers arrive on gRPC threads only as completed futures, and are read here.
 */
public final class Fetcher {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

    private record PendingFetch(CompletableFuture<FetchResponse> answer, Map<TopicPartition, Long> fetchOffsets) {}

    private final ConsumerConfig config;
    private final Channels channels;
    private final MetadataManager metadata;
    private final SubscriptionState subscriptions;
    private final Map<HostPort, PendingFetch> inFlight = new LinkedHashMap<>();
    private final Map<HostPort, Long> backoffUntilMs = new HashMap<>();
    private final Map<TopicPartition, Deque<ConsumerRecord>> buffered = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> bufferedNextOffset = new HashMap<>();
    private final Backoff backoff;
    private int failuresInARow;

    public Fetcher(
            ConsumerConfig config,
            Channels channels,
            MetadataManager metadata,
            SubscriptionState subscriptions,
            Backoff backoff) {
        this.config = config;
        this.channels = channels;
        this.metadata = metadata;
        this.subscriptions = subscriptions;
        this.backoff = backoff;
    }

    /** Sends a Fetch to each leader with fetchable partitions that have nothing buffered or in flight. */
    public void sendFetches(ClusterSnapshot cluster, long nowMs) {
        Map<Node, List<TopicPartition>> byLeader = new LinkedHashMap<>();
        for (TopicPartition tp : subscriptions.assigned()) {
            if (!subscriptions.isFetchable(tp) || hasBuffered(tp) || isInFlight(tp)) {
                continue;
            }
            Optional<Node> leader = cluster.leader(tp);
            if (leader.isEmpty()) {
                metadata.requestUpdate();
                continue;
            }
            HostPort address = ClusterSnapshot.address(leader.get());
            if (inFlight.containsKey(address) || backoffUntilMs.getOrDefault(address, 0L) > nowMs) {
                continue;
            }
            byLeader.computeIfAbsent(leader.get(), n -> new ArrayList<>()).add(tp);
        }
        byLeader.forEach((node, partitions) -> send(cluster, ClusterSnapshot.address(node), partitions));
    }

    private void send(ClusterSnapshot cluster, HostPort address, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        Map<String, FetchTopic.Builder> topics = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long position = subscriptions.position(tp).orElseThrow();
            offsets.put(tp, position);
            topics.computeIfAbsent(tp.topic(), t -> FetchTopic.newBuilder().setName(t))
                    .addPartitions(FetchPartition.newBuilder()
                            .setIndex(tp.partition())
                            .setFetchOffset(position)
                            .setPartitionMaxBytes(config.maxPartitionFetchBytes())
                            .setCurrentLeaderEpoch(cluster.leaderEpoch(tp)));
        }
        FetchRequest.Builder request = FetchRequest.newBuilder()
                .setReplicaId(-1)
                .setMaxWaitMs(config.fetchMaxWaitMs())
                .setMinBytes(config.fetchMinBytes())
                .setMaxBytes(config.fetchMaxBytes());
        topics.values().forEach(request::addTopics);
        long timeoutMs = (long) config.fetchMaxWaitMs() + config.common().requestTimeoutMs();
        CompletableFuture<FetchResponse> answer =
                channels.call(address, BrokerGrpc.getFetchMethod(), request.build(), timeoutMs);
        inFlight.put(address, new PendingFetch(answer, offsets));
    }

    /** A future that completes when any fetch in flight does; empty if none is in flight. */
    public Optional<CompletableFuture<Object>> anyCompletion() {
        if (inFlight.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CompletableFuture.anyOf(
                inFlight.values().stream().map(PendingFetch::answer).toArray(CompletableFuture<?>[]::new)));
    }

    /**
     * Moves completed answers into the buffer, handling per-partition errors.
     *
     * @throws OffsetOutOfRangeException with {@code auto.offset.reset=none}
     * @throws dev.skiff.client.SkiffException for an error no retry can cure
     */
    public void processCompleted(long nowMs) {
        Iterator<Map.Entry<HostPort, PendingFetch>> it = inFlight.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<HostPort, PendingFetch> e = it.next();
            if (!e.getValue().answer().isDone()) {
                continue;
            }
            it.remove();
            PendingFetch pending = e.getValue();
            FetchResponse response;
            try {
                response = pending.answer().join();
            } catch (RuntimeException failure) {
                if (!Rpc.isNoAnswer(failure)) {
                    throw Rpc.toException(failure, "Fetch");
                }
                failuresInARow++;
                backoffUntilMs.put(e.getKey(), nowMs + backoff.backoffMs(failuresInARow));
                metadata.requestUpdate();
                log.debug("Fetch from {} failed: {}", e.getKey(), Rpc.describe(failure));
                continue;
            }
            failuresInARow = 0;
            backoffUntilMs.remove(e.getKey());
            for (FetchableTopicResponse t : response.getTopicsList()) {
                for (PartitionData p : t.getPartitionsList()) {
                    TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                    Long fetchOffset = pending.fetchOffsets().get(tp);
                    if (fetchOffset != null) {
                        handlePartition(tp, fetchOffset, p);
                    }
                }
            }
        }
    }

    private void handlePartition(TopicPartition tp, long fetchOffset, PartitionData data) {
        if (!subscriptions.isFetchable(tp) || subscriptions.position(tp).orElse(-1) != fetchOffset) {
            return; // reassigned or sought since the fetch went out: the answer is stale
        }
        Errors error = Errors.of(data.getError());
        if (error == Errors.NONE) {
            buffer(tp, fetchOffset, data);
        } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
            if (subscriptions.defaultReset() == OffsetResetStrategy.NONE) {
                throw new OffsetOutOfRangeException(Map.of(tp, fetchOffset));
            }
            log.info("Fetch position {} is out of range for partition {}, resetting offset", fetchOffset, tp);
            subscriptions.requestReset(tp, subscriptions.defaultReset());
        } else if (error.isRetriable()) {
            log.debug("Fetch of {} got {}; refreshing metadata", tp, error);
            metadata.requestUpdate();
        } else {
            throw error.exception(data.getErrorMessage());
        }
    }

    private void buffer(TopicPartition tp, long fetchOffset, PartitionData data) {
        if (data.getRecords().isEmpty()) {
            return;
        }
        Deque<ConsumerRecord> records = buffered.computeIfAbsent(tp, k -> new ArrayDeque<>());
        long next = fetchOffset;
        for (RecordBatchCodec.DecodedBatch batch :
                RecordBatchCodec.decode(data.getRecords().asReadOnlyByteBuffer(), config.checkCrcs())) {
            next = Math.max(next, batch.info().lastOffset() + 1);
            if (batch.info().control()) {
                continue;
            }
            for (RecordBatchCodec.DecodedRecord r : batch.records()) {
                if (r.offset() >= fetchOffset) {
                    records.add(new ConsumerRecord(
                            tp.topic(),
                            tp.partition(),
                            r.offset(),
                            r.timestampMs(),
                            batch.info().timestampType(),
                            r.key(),
                            r.value(),
                            r.headers(),
                            batch.info().partitionLeaderEpoch()));
                }
            }
        }
        bufferedNextOffset.put(tp, next);
        if (records.isEmpty()) {
            buffered.remove(tp);
            subscriptions.advance(tp, next, -1);
        }
    }

    /** Hands out up to {@code maxRecords} buffered records, advancing positions past them. */
    public ConsumerRecords collect(int maxRecords) {
        Map<TopicPartition, List<ConsumerRecord>> out = new LinkedHashMap<>();
        int count = 0;
        Iterator<Map.Entry<TopicPartition, Deque<ConsumerRecord>>> it =
                buffered.entrySet().iterator();
        while (it.hasNext() && count < maxRecords) {
            Map.Entry<TopicPartition, Deque<ConsumerRecord>> e = it.next();
            TopicPartition tp = e.getKey();
            if (subscriptions.isPaused(tp)) {
                continue; // kept for resume; the position has not moved past these records
            }
            if (!subscriptions.isFetchable(tp)) {
                it.remove();
                bufferedNextOffset.remove(tp);
                continue;
            }
            List<ConsumerRecord> taken = new ArrayList<>();
            while (!e.getValue().isEmpty() && count < maxRecords) {
                ConsumerRecord r = e.getValue().pollFirst();
                taken.add(r);
                count++;
                subscriptions.advance(tp, r.offset() + 1, r.leaderEpoch());
            }
            if (e.getValue().isEmpty()) {
                it.remove();
                subscriptions.advance(tp, bufferedNextOffset.getOrDefault(tp, -1L), -1);
                bufferedNextOffset.remove(tp);
            }
            if (!taken.isEmpty()) {
                out.put(tp, taken);
            }
        }
        rotate(out.keySet());
        return out.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords(out);
    }

    /** Partitions served this time go to the back, so that a busy partition cannot starve the others. */
    private void rotate(Iterable<TopicPartition> served) {
        for (TopicPartition tp : served) {
            Deque<ConsumerRecord> rest = buffered.remove(tp);
            if (rest != null) {
                buffered.put(tp, rest);
            }
        }
    }

    /** Drops what is buffered for {@code tp} (after a seek or reassignment). */
    public void clear(TopicPartition tp) {
        buffered.remove(tp);
        bufferedNextOffset.remove(tp);
    }

    public boolean hasBuffered(TopicPartition tp) {
        Deque<ConsumerRecord> d = buffered.get(tp);
        return d != null && !d.isEmpty();
    }

    private boolean isInFlight(TopicPartition tp) {
        for (PendingFetch p : inFlight.values()) {
            if (p.fetchOffsets().containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** Earliest time a backed-off leader may be fetched from again, or Long.MAX_VALUE. */
    public long nextBackoffEndMs(long nowMs) {
        // A backoff that ended is forgotten: its broker may lead nothing any more, and an end in
        // the past would make the poll loop wait for nothing, i.e. spin.
        backoffUntilMs.values().removeIf(t -> t <= nowMs);
        long min = Long.MAX_VALUE;
        for (long t : backoffUntilMs.values()) {
            min = Math.min(min, t);
        }
        return min;
    }
}
