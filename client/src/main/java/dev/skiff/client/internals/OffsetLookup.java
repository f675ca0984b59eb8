package dev.skiff.client.internals;

import dev.skiff.client.Errors;
import dev.skiff.client.Node;
import dev.skiff.client.TimeoutException;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.BrokerGrpc;
import dev.skiff.proto.v1.ListOffsetsPartition;
import dev.skiff.proto.v1.ListOffsetsPartitionResponse;
import dev.skiff.proto.v1.ListOffsetsRequest;
import dev.skiff.proto.v1.ListOffsetsResponse;
import dev.skiff.proto.v1.ListOffsetsTopic;
import dev.skiff.proto.v1.ListOffsetsTopicResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/** ListOffsets for partitions, sent to each leader: earliest (-2), latest (-1) or by timestamp. */
public final class OffsetLookup {
    public static final long EARLIEST = -2;
    public static final long LATEST = -1;

    /** One partition's answer; {@code error} NONE means {@code offset} (-1: none at or after the timestamp) is valid. */
    public record Result(Errors error, String message, long offset, long timestampMs, int leaderEpoch) {}

    private final Channels channels;
    private final MetadataManager metadata;
    private final CommonClientConfigs config;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Backoff backoff;

    public OffsetLookup(
            Channels channels,
            MetadataManager metadata,
            CommonClientConfigs config,
            Clock clock,
            ScheduledExecutorService timers,
            Backoff backoff) {
        this.channels = channels;
        this.metadata = metadata;
        this.config = config;
        this.clock = clock;
        this.timers = timers;
        this.backoff = backoff;
    }

    /**
     * Sends one request per leader. Partitions without a known leader, and requests that fail
     * without an answer, come back as retriable errors; other gRPC failures fail the future.
     */
    public CompletableFuture<Map<TopicPartition, Result>> send(
            ClusterSnapshot cluster, Map<TopicPartition, Long> specs) {
        Map<TopicPartition, Result> immediate = new HashMap<>();
        Map<Node, Map<TopicPartition, Long>> byLeader = new LinkedHashMap<>();
        specs.forEach((tp, spec) -> {
            Optional<Node> leader = cluster.leader(tp);
            if (leader.isPresent()) {
                byLeader.computeIfAbsent(leader.get(), n -> new LinkedHashMap<>())
                        .put(tp, spec);
            } else {
                immediate.put(tp, new Result(Errors.LEADER_NOT_AVAILABLE, "no known leader for " + tp, -1, -1, -1));
            }
        });
        List<CompletableFuture<Map<TopicPartition, Result>>> parts = new ArrayList<>();
        parts.add(CompletableFuture.completedFuture(immediate));
        byLeader.forEach((node, part) -> parts.add(sendTo(node, part)));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    Map<TopicPartition, Result> all = new HashMap<>();
                    parts.forEach(p -> all.putAll(p.join()));
                    return all;
                });
    }

    private CompletableFuture<Map<TopicPartition, Result>> sendTo(Node node, Map<TopicPartition, Long> specs) {
        Map<String, ListOffsetsTopic.Builder> topics = new LinkedHashMap<>();
        specs.forEach((tp, spec) -> topics.computeIfAbsent(
                        tp.topic(), t -> ListOffsetsTopic.newBuilder().setName(t))
                .addPartitions(ListOffsetsPartition.newBuilder()
                        .setIndex(tp.partition())
                        .setTimestamp(spec)));
        ListOffsetsRequest.Builder request = ListOffsetsRequest.newBuilder();
        topics.values().forEach(request::addTopics);
        return channels.call(
                        ClusterSnapshot.address(node),
                        BrokerGrpc.getListOffsetsMethod(),
                        request.build(),
                        config.requestTimeoutMs())
                .handle((response, failure) -> {
                    if (failure != null && !Rpc.isNoAnswer(failure)) {
                        throw Rpc.toException(failure, "ListOffsets");
                    }
                    return results(specs, response, failure);
                });
    }

    private static Map<TopicPartition, Result> results(
            Map<TopicPartition, Long> specs, ListOffsetsResponse response, Throwable noAnswer) {
        Map<TopicPartition, Result> out = new HashMap<>();
        if (response != null) {
            for (ListOffsetsTopicResponse t : response.getTopicsList()) {
                for (ListOffsetsPartitionResponse p : t.getPartitionsList()) {
                    TopicPartition tp = new TopicPartition(t.getName(), p.getIndex());
                    if (specs.containsKey(tp)) {
                        out.put(
                                tp,
                                new Result(
                                        Errors.of(p.getError()),
                                        p.getErrorMessage(),
                                        p.getOffset(),
                                        p.getTimestamp(),
                                        p.getLeaderEpoch()));
                    }
                }
            }
        }
        for (TopicPartition tp : specs.keySet()) {
            if (!out.containsKey(tp)) {
                String why = noAnswer != null ? Rpc.describe(noAnswer) : "the broker's answer did not mention " + tp;
                Errors e = noAnswer != null ? Errors.REQUEST_TIMED_OUT : Errors.UNKNOWN_SERVER_ERROR;
                out.put(tp, new Result(e, why, -1, -1, -1));
            }
        }
        return out;
    }

    /**
     * Looks up every partition, retrying retriable errors after a metadata refresh, until
     * {@code deadlineMs}.
     *
     * @throws dev.skiff.client.ApiException for a non-retriable error
     * @throws TimeoutException at the deadline
     */
    public Map<TopicPartition, Result> lookup(Map<TopicPartition, Long> specs, long deadlineMs, long budgetMs) {
        Map<TopicPartition, Result> done = new HashMap<>();
        Map<TopicPartition, Long> remaining = new HashMap<>(specs);
        int attempts = 0;
        while (!remaining.isEmpty()) {
            if (attempts > 0) {
                metadata.requestUpdate();
                Waits.await(Waits.delay(timers, backoff.backoffMs(attempts)), deadlineMs - clock.millis());
                Waits.await(metadata.refresh(), deadlineMs - clock.millis());
            } else {
                metadata.addTopics(topicsOf(remaining));
                if (remaining.keySet().stream()
                        .anyMatch(tp -> metadata.current().leader(tp).isEmpty())) {
                    Waits.await(metadata.refresh(), deadlineMs - clock.millis());
                }
            }
            attempts++;
            if (clock.millis() >= deadlineMs || channels.neverAnsweredFor(config.connectionSetupTimeoutMs())) {
                break;
            }
            CompletableFuture<Map<TopicPartition, Result>> f = send(metadata.current(), remaining);
            if (!Waits.await(f, deadlineMs - clock.millis())) {
                break;
            }
            for (Map.Entry<TopicPartition, Result> e :
                    Waits.get(f, 0, "ListOffsets").entrySet()) {
                Result r = e.getValue();
                if (r.error() == Errors.NONE) {
                    done.put(e.getKey(), r);
                    remaining.remove(e.getKey());
                } else if (!r.error().isRetriable()) {
                    throw r.error().exception(r.message());
                }
            }
        }
        if (!remaining.isEmpty()) {
            if (!channels.everAnswered()) {
                throw channels.unreachable(config.bootstrapServers());
            }
            throw new TimeoutException("Failed to get offsets by times in " + budgetMs + "ms");
        }
        return done;
    }

    private static List<String> topicsOf(Map<TopicPartition, Long> specs) {
        List<String> out = new ArrayList<>();
        specs.keySet().forEach(tp -> out.add(tp.topic()));
        return out;
    }
}
