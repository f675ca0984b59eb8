package dev.skiff.broker.controller;

import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.PreferredLeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic leader rebalance (Kafka's {@code auto.leader.rebalance.enable}, run every {@code
 * leader.imbalance.check.interval.seconds}): while this node is the active controller, each run
 * gives leadership back to the preferred replicas that can lead again (registered, unfenced and in
 * the ISR), at most {@link #ELECTIONS_PER_RUN_MAX} partitions a run.
 *
 * <p>Like Kafka's KRaft controller, and unlike its ZooKeeper-era one, skiff has no per-broker
 * threshold ({@code leader.imbalance.per.broker.percentage} is not read): every partition whose
 * preferred replica may lead moves, so a returning broker gets all its leaderships back at the
 * next run. The decision is {@link PreferredLeaders#imbalanced} and {@link
 * ControllerDecisions#electPreferredLeaders}, committed through {@link ControllerClient}, which
 * decides again if the image moved on before the commit.
 *
 * <p>Threads: {@link #runOnce} runs on one scheduler thread; runs must not overlap (schedule it
 * with a fixed delay).
 */
public final class LeaderRebalancer {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderRebalancer.class);

    /** A limit on one run (STYLE 6); the rest move at the next run. */
    static final int ELECTIONS_PER_RUN_MAX = 1_000;

    static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

    private final ControllerClient controller;
    private final ControllerDecisions decisions;

    public LeaderRebalancer(ControllerClient controller, ControllerDecisions decisions) {
        this.controller = controller;
        this.decisions = decisions;
    }

    /**
     * One rebalance, if this node is the active controller: returns the number of partitions whose
     * leadership moved to their preferred replica (0 on any other node). Never throws: it is the top
     * of a scheduled task, which would otherwise stop running silently.
     */
    public int runOnce() {
        if (!controller.isActiveController()) {
            return 0;
        }
        try {
            Decision<List<PreferredLeaders.Result>> d = controller.run(
                    image -> decisions.electPreferredLeaders(
                            image, Optional.of(PreferredLeaders.imbalanced(image, ELECTIONS_PER_RUN_MAX))),
                    RUN_TIMEOUT);
            if (d instanceof Decision.Refused<List<PreferredLeaders.Result>> no) {
                LOG.warn("leader rebalance not committed, next run tries again: {}: {}", no.error(), no.message());
                return 0;
            }
            List<PreferredLeaders.PartitionRef> moved = ((Decision.Accepted<List<PreferredLeaders.Result>>) d)
                    .value().stream()
                            .filter(PreferredLeaders.Result::elected)
                            .map(PreferredLeaders.Result::partition)
                            .toList();
            if (!moved.isEmpty()) {
                LOG.info(
                        "leader rebalance: {} partition(s) led by their preferred replica again: {}",
                        moved.size(),
                        moved);
            }
            return moved.size();
        } catch (RuntimeException e) {
            LOG.error("leader rebalance failed; the next run tries again", e);
            return 0;
        }
    }
}
