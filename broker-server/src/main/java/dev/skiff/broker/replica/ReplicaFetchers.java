package dev.skiff.broker.replica;

import dev.skiff.log.TopicPartition;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntFunction;

/**
 * The follower side of every partition this broker follows: one {@link ReplicaFetcher} (one
 * thread, one stream) per leader broker, started when the first partition follows that leader and
 * stopped when the last one leaves.
 *
 * <p>Threads: called from the metadata publisher's thread (and close from the node's); synchronized.
 */
public final class ReplicaFetchers implements AutoCloseable {
    private final int nodeId;
    private final String incarnationId;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final ThreadFactory threads;
    private final Clock clock;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();
    private final Map<ReplicaFetcher, Thread> threadOf = new HashMap<>();
    private final Map<TopicPartition, Integer> leaderOf = new HashMap<>();
    private static final long CLOSE_WAIT_MS = 2_000;
    private boolean closed;
    private volatile boolean paused;

    /**
     * @param endpoints where a broker serves replication (its client listener), from the image
     */
    public ReplicaFetchers(
            int nodeId,
            String incarnationId,
            IntFunction<Optional<InetSocketAddress>> endpoints,
            ThreadFactory threads,
            Clock clock) {
        this.nodeId = nodeId;
        this.incarnationId = incarnationId;
        this.endpoints = endpoints;
        this.threads = threads;
        this.clock = clock;
    }

    /** Follows {@code leader} for the partition at {@code leaderEpoch}, leaving any other leader. */
    synchronized void follow(Partition p, int leader, int leaderEpoch) {
        if (closed) {
            return;
        }
        TopicPartition tp = p.assignment().topicPartition();
        unfollow(tp);
        ReplicaFetcher fetcher = byLeader.computeIfAbsent(leader, id -> {
            ReplicaFetcher f = new ReplicaFetcher(nodeId, incarnationId, id, endpoints, clock, () -> paused);
            Thread t = threads.newThread(f);
            threadOf.put(f, t);
            t.start();
            return f;
        });
        fetcher.follow(p, leaderEpoch);
        leaderOf.put(tp, leader);
    }

    /** Stops fetching the partition (it is led here now, has no leader, or went away). */
    synchronized void unfollow(TopicPartition tp) {
        Integer leader = leaderOf.remove(tp);
        if (leader == null) {
            return;
        }
        ReplicaFetcher f = byLeader.get(leader);
        f.unfollow(tp);
        if (f.isIdle()) {
            f.stop();
            byLeader.remove(leader);
            threadOf.remove(f);
        }
    }

    /**
     * Stops (or resumes) fetching from every leader without leaving any partition: fault
     * injection for tests of a follower that falls behind while alive.
     */
    public void pause(boolean pause) {
        paused = pause;
    }

    /** The leader each followed partition fetches from. */
    public synchronized Map<TopicPartition, Integer> followed() {
        return Map.copyOf(leaderOf);
    }

    /** Stops every fetcher and waits (a little) for its thread, so no fetched batch lands after the logs close. */
    @Override
    public synchronized void close() {
        closed = true;
        byLeader.values().forEach(ReplicaFetcher::stop);
        for (Thread t : threadOf.values()) {
            try {
                t.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        byLeader.clear();
        threadOf.clear();
        leaderOf.clear();
    }
}
