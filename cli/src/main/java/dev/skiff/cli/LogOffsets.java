package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.Consumer;
import dev.skiff.client.Errors;
import dev.skiff.client.Futures;
import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicDescription;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Which partitions exist and lead, and their log start, log end and offsets for a time, for the
 * consumer-groups tool. Offsets are looked up (ListOffsets) only for partitions that exist and
 * have a leader, so a deleted topic shows {@code -} instead of waiting out the timeout. The
 * consumer that asks is created on first use and never joins a group.
 */
final class LogOffsets implements AutoCloseable {
    private final Admin admin;
    private final Map<String, String> clientProps;
    private Consumer consumer;

    LogOffsets(Admin admin, Map<String, String> clientProps) {
        this.admin = admin;
        this.clientProps = clientProps;
    }

    /** The topics among {@code names} that exist. */
    Map<String, TopicDescription> topics(Collection<String> names) {
        Map<String, TopicDescription> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        Map<String, CompletableFuture<TopicDescription>> results =
                admin.describeTopics(new TreeSet<>(names)).values();
        for (Map.Entry<String, CompletableFuture<TopicDescription>> e : results.entrySet()) {
            try {
                out.put(e.getKey(), Futures.get(e.getValue()));
            } catch (ApiException ex) {
                if (ex.error() != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                    throw ex;
                }
            }
        }
        return out;
    }

    /** The partitions among {@code partitions} that exist and have a leader. */
    Set<TopicPartition> readable(Collection<TopicPartition> partitions) {
        Set<String> names = new TreeSet<>();
        partitions.forEach(tp -> names.add(tp.topic()));
        Map<String, TopicDescription> topics = topics(names);
        Set<TopicPartition> out = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            TopicDescription t = topics.get(tp.topic());
            if (t != null) {
                for (PartitionInfo p : t.partitions()) {
                    if (p.partition() == tp.partition() && p.hasLeader()) {
                        out.add(tp);
                    }
                }
            }
        }
        return out;
    }

    Map<TopicPartition, Long> logEndOffsets(Collection<TopicPartition> partitions) {
        return partitions.isEmpty() ? Map.of() : consumer().endOffsets(partitions);
    }

    Map<TopicPartition, Long> logStartOffsets(Collection<TopicPartition> partitions) {
        return partitions.isEmpty() ? Map.of() : consumer().beginningOffsets(partitions);
    }

    /** The first offset at or after {@code timestampMs} in each partition, or -1 where no record is that new. */
    Map<TopicPartition, Long> offsetsForTime(Collection<TopicPartition> partitions, long timestampMs) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> query = new LinkedHashMap<>();
        partitions.forEach(tp -> query.put(tp, timestampMs));
        return consumer().offsetsForTimes(query);
    }

    /** The partitions of each topic argument, checked against the cluster (Kafka's messages). */
    List<TopicPartition> resolve(List<ResetPlan.TopicArg> args) {
        Set<String> names = new TreeSet<>();
        args.forEach(a -> names.add(a.topic()));
        Map<String, TopicDescription> topics = topics(names);
        List<TopicPartition> out = new ArrayList<>();
        for (ResetPlan.TopicArg a : args) {
            TopicDescription t = topics.get(a.topic());
            if (t == null) {
                throw new UserException("Topic '" + a.topic() + "' does not exist");
            }
            if (a.wholeTopic()) {
                t.partitions().forEach(p -> out.add(new TopicPartition(a.topic(), p.partition())));
            } else {
                a.partitions().forEach(p -> out.add(new TopicPartition(a.topic(), p)));
            }
        }
        return out;
    }

    /** Fails unless every partition exists and has a leader, with Kafka's messages. */
    void checkValid(Collection<TopicPartition> partitions) {
        Set<String> names = new TreeSet<>();
        partitions.forEach(tp -> names.add(tp.topic()));
        Map<String, TopicDescription> topics = topics(names);
        List<String> missing = new ArrayList<>();
        List<String> leaderless = new ArrayList<>();
        for (TopicPartition tp : new TreeSet<>(partitions)) {
            TopicDescription t = topics.get(tp.topic());
            PartitionInfo info = t == null
                    ? null
                    : t.partitions().stream()
                            .filter(p -> p.partition() == tp.partition())
                            .findFirst()
                            .orElse(null);
            if (info == null) {
                missing.add(tp.toString());
            } else if (!info.hasLeader()) {
                leaderless.add(tp.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new UserException("The partitions \"" + String.join(",", missing) + "\" do not exist");
        }
        if (!leaderless.isEmpty()) {
            throw new UserException("The partitions \"" + String.join(",", leaderless) + "\" have no leader");
        }
    }

    private Consumer consumer() {
        if (consumer == null) {
            consumer = new Consumer(clientProps, ClientEnvironment.system());
        }
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
