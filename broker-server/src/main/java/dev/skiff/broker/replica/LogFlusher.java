package dev.skiff.broker.replica;

import dev.skiff.log.Log;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of leader appends under {@code log.flush.policy=fsync} (DESIGN §3): a leader
 * append returns once its bytes are written, and its fsync runs here, off the request's thread.
 * So the requests that arrive while one fsync runs (the next ones of a pipelined produce stream,
 * or other producers') are written meanwhile, and the next fsync covers them all.
 *
 * <p>A log is always flushed by the same thread (chosen by its partition), so its flushes queue
 * behind each other, and a queued flush usually finds its offset already durable: {@link
 * Log#flushUpTo} fsyncs up to the log end, and returns at once when the offset is flushed.
 *
 * <p>Threads: {@link #THREADS} threads from the given factory. Their queues hold one task per
 * unanswered produce request, which the produce streams and gRPC's flow control bound.
 */
public final class LogFlusher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    /** Fsyncs that may run at once, on different logs; two keep a small machine's disk busy. */
    public static final int THREADS = 2;

    private final ExecutorService[] threads = new ExecutorService[THREADS];

    public LogFlusher(ThreadFactory factory) {
        for (int i = 0; i < THREADS; i++) {
            threads[i] = Executors.newSingleThreadExecutor(factory);
        }
    }

    /**
     * Completes once every offset below {@code offset} of {@code log} is durable, or exceptionally
     * with the I/O error that took the log offline.
     */
    public CompletableFuture<Void> flushUpTo(Log log, long offset) {
        if (log.flushedOffset() >= offset) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable flush = () -> {
            try {
                log.flushUpTo(offset);
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        try {
            threads[Math.floorMod(log.topicPartition().hashCode(), THREADS)].execute(flush);
        } catch (RejectedExecutionException closing) {
            flush.run(); // closing: the caller's thread fsyncs, so no acknowledged write waits forever
        }
        return done;
    }

    /** Runs the flushes already queued, then stops. */
    @Override
    public void close() {
        for (ExecutorService t : threads) {
            t.shutdown();
        }
        try {
            for (ExecutorService t : threads) {
                if (!t.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("log flushes still running after 10 s at shutdown; the logs' close flushes them");
                    t.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
