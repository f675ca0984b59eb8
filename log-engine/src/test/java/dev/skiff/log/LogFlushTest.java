package dev.skiff.log;

import static dev.skiff.log.LogTestSupport.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LogFlushTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_000_000L);

    @Test
    void fsyncPolicyMakesEveryAppendDurableBeforeItReturns() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), LogConfig.defaults(), clock)) {
            for (int i = 0; i < 5; i++) {
                AppendInfo info = log.appendAsLeader(batch(clock.millis(), "v" + i), 0);
                assertTrue(log.flushedOffset() > info.lastOffset());
            }
            assertEquals(5, log.fsyncCount());
        }
    }

    @Test
    void anAppendWithoutFsyncLeavesTheFsyncOfTheFsyncPolicyToTheCaller() throws Exception {
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), LogConfig.defaults(), clock)) {
            List<AppendInfo> appends = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                appends.add(log.appendAsLeaderWithoutFsync(batch(clock.millis(), "v" + i), 0));
            }
            assertEquals(0, log.flushedOffset(), "written, not yet durable");
            assertEquals(0, log.fsyncCount());
            for (AppendInfo a : appends) {
                log.flushUpTo(a.lastOffset() + 1);
            }
            assertEquals(4, log.flushedOffset());
            assertEquals(1, log.fsyncCount(), "one fsync covers the four (group commit)");
        }
    }

    @Test
    void oneFsyncCoversEveryAppendBeforeIt() throws Exception {
        LogConfig interval = LogConfig.defaults().with(Map.of("flush.policy", "interval"));
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), interval, clock)) {
            List<AppendInfo> appends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                appends.add(log.appendAsLeader(batch(clock.millis(), "v" + i), 0));
            }
            assertEquals(0, log.flushedOffset());
            // Each appender now waits for its own offset, as the fsync policy does; the first
            // fsync covers all of them.
            for (AppendInfo a : appends) {
                log.flushUpTo(a.lastOffset() + 1);
            }
            assertEquals(1, log.fsyncCount());
            assertEquals(10, log.flushedOffset());
        }
    }

    @Test
    @Timeout(60)
    void concurrentAppendersShareFsyncs() throws Exception {
        int threads = 8;
        int appendsEach = 40;
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), LogConfig.defaults(), clock)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<AppendInfo>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    results.add(pool.submit(() -> {
                        List<AppendInfo> mine = new ArrayList<>();
                        for (int i = 0; i < appendsEach; i++) {
                            AppendInfo info = log.appendAsLeader(batch(clock.millis(), id + "-" + i), 0);
                            assertTrue(log.flushedOffset() > info.lastOffset(), "durable before return");
                            mine.add(info);
                        }
                        return mine;
                    }));
                }
                for (Future<List<AppendInfo>> f : results) {
                    assertEquals(appendsEach, f.get(50, TimeUnit.SECONDS).size());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(threads * appendsEach, log.logEndOffset());
            assertEquals(threads * appendsEach, LogTestSupport.readAll(log).size());
            assertTrue(
                    log.fsyncCount() < threads * appendsEach,
                    "group commit: " + log.fsyncCount() + " fsyncs for " + threads * appendsEach + " appends");
        }
    }

    @Test
    void intervalPolicyFlushesAfterFlushMessagesOrFlushMs() throws Exception {
        LogConfig interval = LogConfig.defaults()
                .with(Map.of("flush.policy", "interval", "flush.messages", "3", "flush.ms", "1000"));
        try (Log log = LogTestSupport.open(tmp.resolve("t-0"), interval, clock)) {
            log.appendAsLeader(batch(clock.millis(), "a"), 0);
            log.appendAsLeader(batch(clock.millis(), "b"), 0);
            assertEquals(0, log.flushedOffset());
            log.appendAsLeader(batch(clock.millis(), "c"), 0);
            assertEquals(3, log.flushedOffset(), "third record reaches flush.messages");
            log.appendAsLeader(batch(clock.millis(), "d"), 0);
            log.maybeFlush();
            assertEquals(3, log.flushedOffset());
            clock.advanceMs(1000);
            log.maybeFlush();
            assertEquals(4, log.flushedOffset(), "flush.ms passed");
        }
    }
}
