package dev.skiff.broker.replica;

import com.google.protobuf.ByteString;
import dev.skiff.log.TopicPartition;
import dev.skiff.proto.RpcVersion;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.ReplicaFetchPartition;
import dev.skiff.proto.v1.ReplicaFetchRequest;
import dev.skiff.proto.v1.ReplicaFetchResponse;
import dev.skiff.proto.v1.ReplicaPartitionData;
import dev.skiff.proto.v1.ReplicationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's follower side towards one leader broker: one thread and one long-lived gRPC
 * stream that carry every partition the pair shares (DESIGN §6). Each round sends the log end
 * offset and last epoch of every partition, waits for the leader's answer, and applies it:
 * appends batches, truncates a diverging tail (KIP-101/279), or restarts a log that fell below the
 * leader's log start. A broken or silent stream is reopened after a short back-off.
 *
 * <p>Threads: partitions are added and removed from the metadata publisher's thread; everything
 * else runs on this fetcher's own thread.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);
    static final int MAX_WAIT_MS = 500;
    static final int MAX_BYTES = 10 * 1024 * 1024;
    static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final long SILENCE_MS = MAX_WAIT_MS + 5_000L;
    private static final long BACKOFF_MS = 100;
    /** A partition the leader answered with an error waits this long before it is asked again. */
    private static final long PARTITION_BACKOFF_MS = 200;

    private final int nodeId;
    private final String incarnationId;
    private final int leaderId;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final Clock clock;
    private final BooleanSupplier paused;
    /** The partitions followed, each with the leader epoch it follows. */
    private final Map<TopicPartition, Followed> partitions = new ConcurrentHashMap<>();

    private final Map<TopicPartition, Long> delayedUntil = new HashMap<>();
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running = true;
    private ManagedChannel channel;
    private StreamObserver<ReplicaFetchRequest> requests;
    private volatile BlockingQueue<Object> answers;

    private record Followed(Partition partition, int leaderEpoch) {}

    /** Put in the answer queue to abandon the round in flight (a partition was added). */
    private static final Object RESTART_ROUND = new Object();

    /** The round in flight was abandoned; the stream is cancelled and the next round starts at once. */
    private static final class RoundRestarted extends Exception {
        RoundRestarted() {
            super("a partition was added", null, false, false);
        }
    }

    ReplicaFetcher(
            int nodeId,
            String incarnationId,
            int leaderId,
            IntFunction<Optional<InetSocketAddress>> endpoints,
            Clock clock,
            BooleanSupplier paused) {
        this.nodeId = nodeId;
        this.incarnationId = incarnationId;
        this.paused = paused;
        this.leaderId = leaderId;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /**
     * Adds (or re-adds at a new epoch) a partition. A request parked at the leader (up to {@link
     * #MAX_WAIT_MS}) does not name it, so that round is abandoned and a new one starts at once:
     * after a failover the new leader's acks=all writes wait for this follower.
     */
    void follow(Partition p, int leaderEpoch) {
        partitions.put(p.assignment().topicPartition(), new Followed(p, leaderEpoch));
        wakeups.release();
        BlockingQueue<Object> waiting = answers;
        if (waiting != null) {
            waiting.add(RESTART_ROUND);
        }
    }

    void unfollow(TopicPartition tp) {
        partitions.remove(tp);
    }

    boolean isIdle() {
        return partitions.isEmpty();
    }

    void stop() {
        running = false;
        wakeups.release();
        BlockingQueue<Object> waiting = answers;
        if (waiting != null) {
            waiting.add(new IOException("stopped"));
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                ReplicaFetchRequest request = nextRequest();
                if (request.getPartitionsCount() == 0) {
                    wakeups.tryAcquire(BACKOFF_MS, TimeUnit.MILLISECONDS);
                    continue;
                }
                ReplicaFetchResponse response = roundTrip(request);
                apply(request, response);
            } catch (RoundRestarted e) {
                cancelStream();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.debug("fetching from broker {} failed: {}", leaderId, e.toString());
                }
                closeStream();
                try {
                    wakeups.tryAcquire(BACKOFF_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closeStream();
    }

    private ReplicaFetchRequest nextRequest() {
        long now = clock.millis();
        ReplicaFetchRequest.Builder r = ReplicaFetchRequest.newBuilder()
                .setReplicaId(nodeId)
                .setReplicaIncarnationId(incarnationId)
                .setMaxWaitMs(MAX_WAIT_MS)
                .setMaxBytes(MAX_BYTES);
        if (paused.getAsBoolean()) {
            return r.build();
        }
        for (Map.Entry<TopicPartition, Followed> e : partitions.entrySet()) {
            Long until = delayedUntil.get(e.getKey());
            if (until != null && until > now) {
                continue;
            }
            delayedUntil.remove(e.getKey());
            Partition p = e.getValue().partition();
            r.addPartitions(ReplicaFetchPartition.newBuilder()
                    .setTopic(e.getKey().topic())
                    .setIndex(e.getKey().partition())
                    .setCurrentLeaderEpoch(e.getValue().leaderEpoch())
                    .setFetchOffset(p.log().logEndOffset())
                    .setLastFetchedEpoch(p.lastFetchedEpoch())
                    .setPartitionMaxBytes(PARTITION_MAX_BYTES));
        }
        return r.build();
    }

    private ReplicaFetchResponse roundTrip(ReplicaFetchRequest request)
            throws IOException, InterruptedException, RoundRestarted {
        if (requests == null) {
            openStream();
        }
        requests.onNext(request);
        Object answer = answers.poll(SILENCE_MS, TimeUnit.MILLISECONDS);
        if (answer == RESTART_ROUND) {
            throw new RoundRestarted();
        }
        if (answer == null) {
            throw new IOException("broker " + leaderId + " did not answer a fetch within " + SILENCE_MS + " ms");
        }
        if (answer instanceof Throwable t) {
            throw new IOException("the stream to broker " + leaderId + " broke: " + t.getMessage(), t);
        }
        return (ReplicaFetchResponse) answer;
    }

    private void openStream() throws IOException {
        if (channel == null) {
            InetSocketAddress address = endpoints
                    .apply(leaderId)
                    .orElseThrow(() -> new IOException("broker " + leaderId + " has no known endpoint"));
            channel = NettyChannelBuilder.forAddress(address)
                    .usePlaintext()
                    // max_bytes, plus one batch that may be as large as a topic's max.message.bytes
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .intercept(RpcVersion.clientInterceptor())
                    .build();
        }
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        answers = inbox;
        requests = ReplicationGrpc.newStub(channel).replicate(new StreamObserver<>() {
            @Override
            public void onNext(ReplicaFetchResponse value) {
                inbox.add(value);
            }

            @Override
            public void onError(Throwable t) {
                inbox.add(t);
            }

            @Override
            public void onCompleted() {
                inbox.add(new IOException("broker " + leaderId + " closed the replication stream"));
            }
        });
    }

    /** Abandons the call in flight but keeps the connection. */
    private void cancelStream() {
        if (requests instanceof ClientCallStreamObserver<ReplicaFetchRequest> call) {
            call.cancel("a partition was added; starting a new round", null);
        }
        requests = null;
        answers = null;
    }

    private void closeStream() {
        if (requests != null) {
            try {
                requests.onCompleted();
            } catch (RuntimeException e) {
                // already broken
            }
            requests = null;
        }
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
    }

    private void apply(ReplicaFetchRequest request, ReplicaFetchResponse response) throws IOException {
        Map<TopicPartition, Integer> epochs = new HashMap<>();
        for (ReplicaFetchPartition p : request.getPartitionsList()) {
            epochs.put(new TopicPartition(p.getTopic(), p.getIndex()), p.getCurrentLeaderEpoch());
        }
        for (ReplicaPartitionData data : response.getPartitionsList()) {
            TopicPartition tp = new TopicPartition(data.getTopic(), data.getIndex());
            Followed f = partitions.get(tp);
            Integer askedEpoch = epochs.get(tp);
            if (f == null || askedEpoch == null || f.leaderEpoch() != askedEpoch) {
                continue; // no longer followed, or followed at another epoch since the request
            }
            try {
                applyPartition(tp, f, data);
            } catch (IOException | RuntimeException e) {
                // One partition's trouble (a bad batch, an offline log) holds back only that partition.
                LOG.warn("could not apply batches of {} fetched from broker {}: {}", tp, leaderId, e.toString());
                delayedUntil.put(tp, clock.millis() + PARTITION_BACKOFF_MS);
            }
        }
    }

    private void applyPartition(TopicPartition tp, Followed f, ReplicaPartitionData data) throws IOException {
        Partition p = f.partition();
        if (data.getError() == ErrorCode.NONE && data.hasDivergingEpoch()) {
            long end = p.truncateDiverging(
                    f.leaderEpoch(),
                    data.getDivergingEpoch().getEpoch(),
                    data.getDivergingEpoch().getEndOffset());
            LOG.info(
                    "{}: log diverged from leader {} at epoch {}; truncated to {}",
                    tp,
                    leaderId,
                    data.getDivergingEpoch().getEpoch(),
                    end);
        } else if (data.getError() == ErrorCode.NONE) {
            p.appendAsFollower(copy(data.getRecords()), f.leaderEpoch(), data.getHighWatermark());
        } else if (data.getError() == ErrorCode.OFFSET_OUT_OF_RANGE) {
            // Outside the leader's log (behind its start, or an epoch it no longer holds): start
            // over at the leader's log start; everything from there is fetched again.
            LOG.info(
                    "{}: out of range of leader {}'s log ({}); restarting the log at {}",
                    tp,
                    leaderId,
                    data.getErrorMessage(),
                    data.getLogStartOffset());
            p.restartFollowerLogAt(f.leaderEpoch(), data.getLogStartOffset());
        } else {
            LOG.debug("{}: leader {} answered {}: {}", tp, leaderId, data.getError(), data.getErrorMessage());
            delayedUntil.put(tp, clock.millis() + PARTITION_BACKOFF_MS);
        }
    }

    private static ByteBuffer copy(ByteString bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.size());
        bytes.copyTo(b);
        return b.flip();
    }
}
