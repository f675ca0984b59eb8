package dev.skiff.client.internals.assignor;

import dev.skiff.client.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * Kafka's "cooperative-sticky" assignor (KIP-54's stickiness with KIP-429's incremental protocol).
 *
 * <ul>
 *   <li>Balanced: no partition can be passed along a chain of members, each subscribed to the
 *       topic of the partition it takes, from a member with {@code k} partitions to one with {@code
 *       k - 2} or fewer. So members with the same subscriptions differ by at most one, and the
 *       counts are as even as the subscriptions allow.
 *   <li>Sticky: a member keeps the partitions it owns unless balance needs them elsewhere. A
 *       partition claimed by two members goes to the one with the higher generation (the other
 *       one's claim is stale); on a tie, to the first in {@link Members#sorted} order.
 *   <li>Cooperative: a partition that moves from its current owner to another member is left out
 *       of this round. Its owner sees it missing, revokes it and rejoins, and the next round, in
 *       which nobody owns it, assigns it. So no partition is ever owned by two members at once.
 * </ul>
 *
 * <p>The next round completes the previous one without moving anything else: what the members
 * kept is part of a balanced assignment, and {@link StickyPlan} first balances by moving only the
 * partitions nobody kept.
 */
public final class CooperativeStickyAssignor implements PartitionAssignor {
    public static final String NAME = "cooperative-sticky";

    public CooperativeStickyAssignor() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RebalanceProtocol protocol() {
        return RebalanceProtocol.COOPERATIVE;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(
            Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
        StickyPlan plan = new StickyPlan(partitionsPerTopic, subscriptions);
        plan.keepOwned();
        plan.placeUnheld();
        plan.balance(StickyPlan.Moves.ONLY_UNKEPT);
        plan.balance(StickyPlan.Moves.ANY);
        return Members.sealed(plan.withoutTransfers());
    }
}
