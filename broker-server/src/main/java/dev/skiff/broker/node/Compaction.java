package dev.skiff.broker.node;

import dev.skiff.log.Log;
import dev.skiff.log.LogCleaner;
import dev.skiff.log.LogManager;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's duty for compacted topics ({@code cleanup.policy=compact}, __consumer_offsets
 * among them): log-engine has no threads, so the node's scheduler runs a cleaning pass over every
 * compacted log every {@link #INTERVAL_MS} ms (Kafka's log.cleaner.backoff.ms).
 */
final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    static final long INTERVAL_MS = 15_000;
    /** Keys held in memory per pass; more are left to the next pass. */
    static final int KEYS_MAX = 1_000_000;

    private final List<LogManager> logDirs;
    private final LogCleaner cleaner;

    Compaction(List<LogManager> logDirs, Clock clock) {
        this.logDirs = List.copyOf(logDirs);
        this.cleaner = new LogCleaner(KEYS_MAX, clock);
    }

    void runOnce() {
        for (LogManager m : logDirs) {
            for (Log log : m.logs()) {
                if (log.isOffline() || !log.config().compact()) {
                    continue;
                }
                try {
                    LogCleaner.CleanResult r = cleaner.clean(log);
                    if (r.recordsRemoved() > 0) {
                        LOG.info("compacted {}: {} records removed", log.topicPartition(), r.recordsRemoved());
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.error("compaction of {} failed", log.topicPartition(), e);
                }
            }
        }
    }
}
