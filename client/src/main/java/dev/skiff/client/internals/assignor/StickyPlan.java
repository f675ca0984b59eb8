package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    /** Per existing, subscribed topic, its subscribers in member order. */
    private final Map<String, List<Integer>> subscribers = new TreeMap<>();

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
            for (String topic : topics) {
                subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(topicsOf.size() - 1);
            }
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
     * so this ends; when it has, no other placement of the movable partitions has a lower sum. A
     * direct move (one partition moves) is preferred to a chain, and the shortest chain to a longer
     * one.
     */
    void balance(Moves moves) {
        List<TreeMap<String, Integer>> movable = movableCounts(moves);
        while (moveDirectly(movable, moves) || shiftAlongAChain(movable, moves)) {
            // Each pass moved something; movable follows the moves.
        }
    }

    /**
     * The one-partition move with the widest gap: from a member to the least loaded subscriber of
     * the partition's topic, if that one has at least two fewer.
     */
    private boolean moveDirectly(List<TreeMap<String, Integer>> movable, Moves moves) {
        Map<String, Integer> lightest = new HashMap<>();
        subscribers.forEach((topic, members) -> {
            int best = members.get(0);
            for (int m : members) {
                best = load(m) < load(best) ? m : best;
            }
            lightest.put(topic, best);
        });
        int giver = NO_MEMBER;
        int taker = NO_MEMBER;
        int gap = 1;
        for (int x = 0; x < memberIds.size(); x++) {
            for (String topic : movable.get(x).keySet()) {
                int y = lightest.get(topic);
                if (load(x) - load(y) > gap) {
                    giver = x;
                    taker = y;
                    gap = load(x) - load(y);
                }
            }
        }
        if (giver == NO_MEMBER) {
            return false;
        }
        move(giver, taker, movable, moves);
        return true;
    }

    /**
     * Breadth-first from each member in order of falling load: an edge X to Y means X holds a
     * movable partition of a topic Y subscribes to. The first source that reaches a member with at
     * least two fewer partitions passes one partition along each edge of the shortest way there.
     * What a failed search reached is skipped after: it holds no target for a less loaded source.
     */
    private boolean shiftAlongAChain(List<TreeMap<String, Integer>> movable, Moves moves) {
        int members = memberIds.size();
        boolean[] searched = new boolean[members];
        Integer[] byLoad = new Integer[members];
        Arrays.setAll(byLoad, m -> m);
        Arrays.sort(byLoad, Comparator.comparing((Integer m) -> -load(m)).thenComparing(m -> m));
        for (int source : byLoad) {
            if (searched[source]) {
                continue;
            }
            int[] parent = new int[members];
            int[] depth = new int[members];
            Arrays.fill(depth, -1);
            depth[source] = 0;
            int target = search(source, movable, searched, parent, depth);
            if (target != NO_MEMBER) {
                // From the target back to the source, so each giver still holds what the search saw.
                for (int y = target; y != source; y = parent[y]) {
                    move(parent[y], y, movable, moves);
                }
                return true;
            }
            for (int m = 0; m < members; m++) {
                searched[m] |= depth[m] >= 0;
            }
        }
        return false;
    }

    /** The nearest, then least loaded, then first member with two fewer than the source, if any. */
    private int search(
            int source, List<TreeMap<String, Integer>> movable, boolean[] searched, int[] parent, int[] depth) {
        Set<String> expanded = new HashSet<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(source));
        int target = NO_MEMBER;
        while (!queue.isEmpty()) {
            int x = queue.poll();
            if (target != NO_MEMBER && depth[x] >= depth[target]) {
                break;
            }
            for (String topic : movable.get(x).keySet()) {
                if (!expanded.add(topic)) {
                    continue;
                }
                for (int y : subscribers.get(topic)) {
                    if (depth[y] >= 0 || searched[y]) {
                        continue;
                    }
                    depth[y] = depth[x] + 1;
                    parent[y] = x;
                    queue.add(y);
                    // Every member found so far is as near as the target: the loop stops a level after it.
                    boolean lighter = target == NO_MEMBER || load(y) < load(target);
                    if (load(y) <= load(source) - 2 && lighter) {
                        target = y;
                    }
                }
            }
        }
        return target;
    }

    private void move(int giver, int taker, List<TreeMap<String, Integer>> movable, Moves moves) {
        TopicPartition tp = pickPartition(giver, taker, moves);
        held.get(giver).remove(tp);
        movable.get(giver).computeIfPresent(tp.topic(), (topic, count) -> count == 1 ? null : count - 1);
        held.get(taker).add(tp);
        if (isMovable(tp, taker, moves)) {
            movable.get(taker).merge(tp.topic(), 1, Integer::sum);
        }
    }

    /** Per member, by topic, how many partitions it holds that {@code moves} lets go. */
    private List<TreeMap<String, Integer>> movableCounts(Moves moves) {
        List<TreeMap<String, Integer>> movable = new ArrayList<>();
        for (int m = 0; m < memberIds.size(); m++) {
            TreeMap<String, Integer> counts = new TreeMap<>();
            for (TopicPartition tp : held.get(m)) {
                if (isMovable(tp, m, moves)) {
                    counts.merge(tp.topic(), 1, Integer::sum);
                }
            }
            movable.add(counts);
        }
        return movable;
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
