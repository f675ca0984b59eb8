package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real I/O errors from the kernel, not closed handles: a segment file that is a symbolic link to
 * {@code /dev/full} (every write fails with ENOSPC) or {@code /dev/null} (writes succeed, fdatasync
 * fails with EINVAL). The error names the segment file (LogSegment's {@code withFile}) and the
 * offline log names its directory (README, "Durability").
 */
class LogIoFailureTest {
    private static final Path DEV_FULL = Path.of("/dev/full");
    private static final Path DEV_NULL = Path.of("/dev/null");

    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);
    private Path link;

    @AfterEach
    void removeLink() throws IOException {
        // Remove the link itself (never its target) before the temp dir is cleaned up.
        if (link != null) {
            Files.deleteIfExists(link);
        }
    }

    /** Makes the segment that will start at {@code baseOffset} a link to {@code device}. */
    private Path linkSegment(Path dir, long baseOffset, Path device) throws IOException {
        assumeTrue(Files.isWritable(device), device + " is needed to inject the failure");
        link = Files.createSymbolicLink(SegmentFiles.log(dir, baseOffset), device);
        return link;
    }

    @Test
    void failedWriteNamesTheSegmentFileAndTheDirectory() throws Exception {
        Path dir = tmp.resolve("full-0");
        Log log = LogTestSupport.open(dir, CONFIG, clock);
        log.appendAsLeader(RecoveryFixture.batchNumber(0), 2);
        log.appendAsLeader(RecoveryFixture.batchNumber(1), 2);
        Path segment = linkSegment(dir, log.logEndOffset(), DEV_FULL);
        log.roll();
        assertEquals(2, log.segmentCount());
        long sizeBefore = log.sizeBytes();

        LogOfflineException e =
                assertThrows(LogOfflineException.class, () -> log.appendAsLeader(RecoveryFixture.batchNumber(2), 2));

        assertTrue(e.getMessage().contains(dir.toString()), "names the directory: " + e.getMessage());
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), "names the file: " + e.getMessage());
        IOException cause = assertInstanceOf(IOException.class, e.getCause());
        assertTrue(cause.getMessage().contains(segment.toString()), cause.getMessage());
        assertTrue(cause.getMessage().contains("append at position 0"), cause.getMessage());
        assertNotNull(cause.getCause(), "the kernel's error is kept as the cause");
        assertTrue(log.isOffline());
        assertEquals(6, log.logEndOffset(), "the failed append did not advance the log");
        assertEquals(sizeBefore, log.sizeBytes());

        LogOfflineException later = assertThrows(LogOfflineException.class, () -> log.read(0, 1 << 20, 6, true));
        assertTrue(later.getMessage().contains(segment.toString()), "later calls name the first failure: " + later);
        log.close();
    }

    @Test
    void failedFsyncNamesTheSegmentFileAndNothingIsReportedDurable() throws Exception {
        Path dir = tmp.resolve("fsync-0");
        LogConfig fsync = CONFIG.with(Map.of(LogConfig.FLUSH_POLICY, "fsync"));
        Log log = LogTestSupport.open(dir, fsync, clock);
        log.appendAsLeader(RecoveryFixture.batchNumber(0), 2);
        assertEquals(3, log.flushedOffset());
        Path segment = linkSegment(dir, log.logEndOffset(), DEV_NULL);
        log.roll();

        LogOfflineException e =
                assertThrows(LogOfflineException.class, () -> log.appendAsLeader(RecoveryFixture.batchNumber(1), 2));

        assertTrue(e.getMessage().contains(dir.toString()), "names the directory: " + e.getMessage());
        IOException cause = assertInstanceOf(IOException.class, e.getCause());
        assertTrue(cause.getMessage().contains("fsync of " + segment), cause.getMessage());
        assertEquals(3, log.flushedOffset(), "the batch whose fsync failed is not durable");
        assertTrue(log.isOffline());
        assertThrows(LogOfflineException.class, log::flush);
        log.close();
    }

    @Test
    void openingALogWhoseSegmentCannotBeFsyncedNamesTheFile() throws Exception {
        Path dir = tmp.resolve("open-0");
        Files.createDirectories(dir);
        Path segment = linkSegment(dir, 0, DEV_FULL);

        long handlesBefore = openHandles();
        IOException e = assertThrows(IOException.class, () -> LogTestSupport.open(dir, CONFIG, clock));

        assertFalse(e instanceof LogOfflineException, "no log was opened to go offline");
        assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
        assertEquals(handlesBefore, openHandles(), "the failed open closed the files it opened");
    }

    /** This JVM's open file descriptors (Linux), or -1 where /proc cannot tell. */
    private static long openHandles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (var list = Files.list(fds)) {
            return list.count() - 1; // the listing's own descriptor
        }
    }
}
