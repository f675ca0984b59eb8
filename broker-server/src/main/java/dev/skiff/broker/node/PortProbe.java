package dev.skiff.broker.node;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks whether anything still listens at a silent broker's client port, without blocking: a TCP
 * connect that the broker's host refuses (connection refused, so the host is up and nothing is
 * bound to the port) means the broker process is gone, as after kill -9 or a crash. Anything else
 * proves nothing: an accepted connect (the process may be paused or slow: the kernel accepts for
 * it), a timeout or an unreachable host (a network partition, a host that is down) leave the
 * broker to its session timeout.
 *
 * <p>Threads: {@link #probe} and {@link #takeRefused} run on the liveness thread; the connects
 * complete on the JVM's default asynchronous channel group, and only touch the two concurrent
 * collections.
 */
final class PortProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortProbe.class);

    private record Pending(AsynchronousSocketChannel channel, long startedMs) {}

    private final long timeoutMs;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Set<Integer> refused = ConcurrentHashMap.newKeySet();

    /** @param timeoutMs a connect that has not completed after this long is abandoned */
    PortProbe(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /**
     * Starts a connect to {@code host:port} for broker {@code nodeId}, unless one is under way (one
     * older than the timeout is abandoned and started again) or a refusal is waiting to be taken.
     */
    void probe(int nodeId, String host, int port, long nowMs) {
        if (refused.contains(nodeId)) {
            return;
        }
        Pending p = pending.get(nodeId);
        if (p != null) {
            if (nowMs - p.startedMs() < timeoutMs) {
                return;
            }
            pending.remove(nodeId, p);
            closeQuietly(p.channel());
        }
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            LOG.debug("could not open a socket to probe broker {}: {}", nodeId, e.toString());
            return;
        }
        Pending started = new Pending(channel, nowMs);
        pending.put(nodeId, started);
        InetSocketAddress address = new InetSocketAddress(host, port);
        channel.connect(address, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void result, Void attachment) {
                pending.remove(nodeId, started);
                closeQuietly(channel);
            }

            @Override
            public void failed(Throwable t, Void attachment) {
                // ConnectException is ECONNREFUSED; NoRouteToHostException, a timeout or the
                // abandoning close are other exceptions.
                if (pending.remove(nodeId, started) && t instanceof ConnectException) {
                    refused.add(nodeId);
                }
                closeQuietly(channel);
            }
        });
    }

    /** The brokers whose port refused a connect since the last call; forgotten once taken. */
    Set<Integer> takeRefused() {
        Set<Integer> out = new HashSet<>();
        for (Integer id : refused) {
            if (refused.remove(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do: the probe's outcome is already known or no longer wanted
        }
    }

    @Override
    public void close() {
        pending.values().forEach(p -> closeQuietly(p.channel()));
        pending.clear();
        refused.clear();
    }
}
