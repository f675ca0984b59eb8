package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One run of {@link CooperativeStickyAssignor}: who owned each partition, who holds it in the plan
 * so far, and the moves that even the counts out. Members are numbered in {@link Members#sorted}
 * order and every tie is broken by that number or by partition order, so a plan is a pure function
 * of its input. Confined to the thread that calls the assignor.
 */
final class StickyPlan {
    /** Which partitions a balancing pass may move. */
    enum Moves {
        /** Only those not held by their owner: completes a previous round without new moves. */
        ONLY_UNKEPT,
        ANY
    }

    private static final int NO_MEMBER = -1;

    private final List<String> memberIds;
    /** Per member, the existing topics (with at least one partition) it subscribes to. */
    private final List<Set<String>> topicsOf = new ArrayList<>();
    /** Every partition of a subscribed, existing topic: what the plan must place. */
    private final TreeSet<TopicPartition> partitions = new TreeSet<>();
    /** The member that owns the partition now, after settling competing claims; absent if none. */
    private final Map<TopicPartition, Integer> owner = new HashMap<>();
    /** Per member, what the plan gives it; together, each partition in {@link #partitions} once. */
    private final List<TreeSet<TopicPartition>> held = new ArrayList<>();

    StickyPlan(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
        this.memberIds = Members.sorted(subscriptions);
        for (String memberId : memberIds) {
            Set<String> topics = new HashSet<>();
            for (String topic : subscriptions.get(memberId).topics()) {
                int count = Members.partitionCount(partitionsPerTopic, topic);
                if (count > 0) {
                    topics.add(topic);
                }
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
            topicsOf.add(topics);
            held.add(new TreeSet<>());
        }
        settleOwners(partitionsPerTopic, subscriptions);
    }

    /**
     * The owner of a partition is its claimant with the highest generation, the first in member
     * order on a tie. Claims count even from a member no longer subscribed to the topic: it still
     * consumes the partition until it revokes it, so handing it to someone else must wait a round.
     */
    private void settleOwners(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
        Map<TopicPartition, Integer> ownerGeneration = new HashMap<>();
        for (int m = 0; m < memberIds.size(); m++) {
            Subscription subscription = subscriptions.get(memberIds.get(m));
            for (TopicPartition tp : subscription.ownedPartitions()) {
                boolean exists =
                        tp.partition() >= 0 && tp.partition() < Members.partitionCount(partitionsPerTopic, tp.topic());
                Integer generation = ownerGeneration.get(tp);
                if (exists && (generation == null || subscription.generation() > generation)) {
                    owner.put(tp, m);
                    ownerGeneration.put(tp, subscription.generation());
                }
            }
        }
    }

    /** Each owner subscribed to its partition's topic keeps it, however many that makes. */
    void keepOwned() {
        for (TopicPartition tp : partitions) {
            Integer m = owner.get(tp);
            if (m != null && topicsOf.get(m).contains(tp.topic())) {
                held.get(m).add(tp);
            }
        }
    }

    /**
     * Places every partition nobody holds on the least loaded member that may take it, the
     * partitions with the fewest candidates first, so that the balancing passes have little left to
     * do.
     */
    void placeUnheld() {
        Set<TopicPartition> placed = new HashSet<>();
        held.forEach(placed::addAll);
        List<TopicPartition> unheld = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!placed.contains(tp)) {
                unheld.add(tp);
            }
        }
        Map<String, Integer> candidates = new HashMap<>();
        for (Set<String> topics : topicsOf) {
            topics.forEach(topic -> candidates.merge(topic, 1, Integer::sum));
        }
        unheld.sort(Comparator.comparing((TopicPartition tp) -> candidates.get(tp.topic()))
                .thenComparing(Comparator.naturalOrder()));
        for (TopicPartition tp : unheld) {
            int best = NO_MEMBER;
            for (int m = 0; m < memberIds.size(); m++) {
                if (topicsOf.get(m).contains(tp.topic()) && (best == NO_MEMBER || load(m) < load(best))) {
                    best = m;
                }
            }
            held.get(best).add(tp);
        }
    }

    /**
     * Passes partitions along chains of members until no chain leads from a member with {@code k}
     * partitions to one with {@code k - 2} or fewer. Each chain lowers the sum of the squared counts,
     * so this ends; when it has, no other placement of the movable partitions has a lower sum. Of
     * the chains at hand it takes the shortest (fewest partitions move), then the one between the
     * most and the least loaded member.
     */
    void balance(Moves moves) {
        while (true) {
            Chain best = null;
            for (int source = 0; source < memberIds.size(); source++) {
                Chain chain = shortestChainFrom(source, moves);
                if (chain != null && (best == null || chain.isBetterThan(best))) {
                    best = chain;
                }
            }
            if (best == null) {
                return;
            }
            // From the target back to the source, so each giver still holds what the search saw.
            for (int y = best.target(); y != best.source(); y = best.parent()[y]) {
                int giver = best.parent()[y];
                TopicPartition tp = pickPartition(giver, y, moves);
                held.get(giver).remove(tp);
                held.get(y).add(tp);
            }
        }
    }

    /** A way to pass one partition each from {@code source} through {@code parent} links to {@code target}. */
    private record Chain(int source, int target, int length, int gap, int[] parent) {
        boolean isBetterThan(Chain other) {
            if (length != other.length) {
                return length < other.length;
            }
            return gap > other.gap;
        }
    }

    /**
     * Breadth-first from {@code source}: an edge X to Y means X holds a movable partition of a topic
     * Y subscribes to. The nearest member with at least two fewer partitions than the source, the
     * least loaded of those, the first of those; null if there is none.
     */
    private Chain shortestChainFrom(int source, Moves moves) {
        int members = memberIds.size();
        int[] parent = new int[members];
        int[] depth = new int[members];
        Arrays.fill(depth, -1);
        depth[source] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(source));
        int target = NO_MEMBER;
        while (!queue.isEmpty()) {
            int x = queue.poll();
            Set<String> givable = movableTopics(x, moves);
            for (int y = 0; y < members; y++) {
                if (depth[y] < 0 && !Collections.disjoint(givable, topicsOf.get(y))) {
                    depth[y] = depth[x] + 1;
                    parent[y] = x;
                    queue.add(y);
                    boolean nearer = target == NO_MEMBER || depth[y] < depth[target];
                    boolean lighter = target != NO_MEMBER && depth[y] == depth[target] && load(y) < load(target);
                    if (load(y) <= load(source) - 2 && (nearer || lighter)) {
                        target = y;
                    }
                }
            }
        }
        return target == NO_MEMBER
                ? null
                : new Chain(source, target, depth[target], load(source) - load(target), parent);
    }

    private Set<String> movableTopics(int member, Moves moves) {
        Set<String> topics = new HashSet<>();
        for (TopicPartition tp : held.get(member)) {
            if (isMovable(tp, member, moves)) {
                topics.add(tp.topic());
            }
        }
        return topics;
    }

    private boolean isMovable(TopicPartition tp, int holder, Moves moves) {
        return moves == Moves.ANY || !isOwner(holder, tp);
    }

    /**
     * What {@code giver} passes to {@code taker}: a partition going back to its owner if there is
     * one, else one the giver does not own, else its last partition the taker may take.
     */
    private TopicPartition pickPartition(int giver, int taker, Moves moves) {
        TopicPartition best = null;
        int bestRank = Integer.MAX_VALUE;
        for (TopicPartition tp : held.get(giver).descendingSet()) {
            if (!isMovable(tp, giver, moves) || !topicsOf.get(taker).contains(tp.topic())) {
                continue;
            }
            int rank = isOwner(taker, tp) ? 0 : isOwner(giver, tp) ? 2 : 1;
            if (rank < bestRank) {
                best = tp;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new IllegalStateException(
                    "no partition for the chain from " + memberIds.get(giver) + " to " + memberIds.get(taker));
        }
        return best;
    }

    private boolean isOwner(int member, TopicPartition tp) {
        Integer m = owner.get(tp);
        return m != null && m == member;
    }

    private int load(int member) {
        return held.get(member).size();
    }

    /** The plan minus each partition that changes owner: its owner must revoke it first. */
    Map<String, List<TopicPartition>> withoutTransfers() {
        Map<String, List<TopicPartition>> assignment = Members.emptyAssignment(memberIds);
        for (int m = 0; m < memberIds.size(); m++) {
            for (TopicPartition tp : held.get(m)) {
                Integer previous = owner.get(tp);
                if (previous == null || previous == m) {
                    assignment.get(memberIds.get(m)).add(tp);
                }
            }
        }
        return assignment;
    }
}
