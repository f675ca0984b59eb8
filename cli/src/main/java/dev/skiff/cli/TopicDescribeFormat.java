package dev.skiff.cli;

import dev.skiff.client.PartitionInfo;
import dev.skiff.client.TopicDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code kafka-topics --describe}'s tab-separated lines. Pure. */
final class TopicDescribeFormat {
    /**
     * Which partitions to show, as kafka-topics' filters: a partition is shown if any chosen filter
     * matches it; no filter shows the topic line and every partition.
     */
    record Filter(boolean underReplicated, boolean unavailable, boolean underMinIsr) {
        static final Filter NONE = new Filter(false, false, false);

        boolean any() {
            return underReplicated || unavailable || underMinIsr;
        }

        boolean shows(TopicDescription t, PartitionInfo p) {
            if (!any()) {
                return true;
            }
            return (underReplicated && p.isUnderReplicated())
                    || (unavailable && p.isUnavailable())
                    || (underMinIsr && t.isUnderMinIsr(p));
        }
    }

    private TopicDescribeFormat() {}

    static List<String> lines(TopicDescription t, Filter filter) {
        List<String> out = new ArrayList<>();
        if (!filter.any()) {
            out.add("Topic: " + t.name()
                    + "\tTopicId: " + t.topicId()
                    + "\tPartitionCount: " + t.partitions().size()
                    + "\tReplicationFactor: " + t.replicationFactor()
                    + "\tConfigs: " + configs(t.configs()));
        }
        for (PartitionInfo p : t.partitions()) {
            if (filter.shows(t, p)) {
                out.add("\tTopic: " + t.name()
                        + "\tPartition: " + p.partition()
                        + "\tLeader: " + (p.hasLeader() ? String.valueOf(p.leader()) : "none")
                        + "\tReplicas: " + join(p.replicas())
                        + "\tIsr: " + join(p.isr()));
            }
        }
        return out;
    }

    /** Topic-level overrides as {@code k=v,k2=v2}, sorted by key. */
    static String configs(Map<String, String> configs) {
        return new TreeMap<>(configs)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
