package dev.skiff.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.Log;
import dev.skiff.log.LogConfig;
import dev.skiff.log.LogLoader;
import dev.skiff.log.LogOfflineException;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on real logs: queued flushes share fsyncs; a failed fsync fails its waiters. */
class LogFlusherTest {
    @TempDir
    Path tmp;

    private final LogFlusher flusher = new LogFlusher(Executors.defaultThreadFactory());

    @AfterEach
    void close() {
        flusher.close();
    }

    private static ByteBuffer batch(String value) {
        return KafkaRecordFormat.encode(
                0,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                List.of(new RecordData(null, value.getBytes(StandardCharsets.UTF_8), 1_000)));
    }

    private Log open(String name) throws Exception {
        return Log.open(tmp.resolve(name), LogConfig.defaults(), Clock.systemUTC(), LogLoader.Options.unclean());
    }

    @Test
    void flushesQueuedBehindOneFsyncAreCoveredByItAndTheNext() throws Exception {
        try (Log log = open("t-0")) {
            List<CompletableFuture<Void>> durable = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                AppendInfo a = log.appendAsLeaderWithoutFsync(batch("v" + i), 0);
                durable.add(flusher.flushUpTo(log, a.lastOffset() + 1));
            }
            CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(20, log.flushedOffset());
            assertTrue(log.fsyncCount() < 20, "20 appends need fewer fsyncs: " + log.fsyncCount());
            assertTrue(flusher.flushUpTo(log, 20).isDone(), "what is durable needs no fsync");
        }
    }

    @Test
    void aFailedFsyncFailsItsWaitersAndTakesTheLogOffline() throws Exception {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.isWritable(devNull), "/dev/null is needed to inject the failure");
        Log log = open("t-1");
        log.appendAsLeader(batch("durable"), 0);
        // The next segment's file is /dev/null: writes succeed, fdatasync fails with EINVAL.
        Files.createSymbolicLink(tmp.resolve("t-1").resolve(String.format("%020d.log", 1)), devNull);
        log.roll();
        AppendInfo a = log.appendAsLeaderWithoutFsync(batch("lost"), 0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> flusher.flushUpTo(log, a.lastOffset() + 1)
                .get(30, TimeUnit.SECONDS));
        assertInstanceOf(LogOfflineException.class, e.getCause());
        assertEquals(1, log.flushedOffset(), "the batch whose fsync failed is not durable");
        assertTrue(log.isOffline());
        log.close();
    }
}
