package dev.skiff.log;

import static dev.skiff.log.RecoveryFixture.CONFIG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batch whose length field disagrees with the bytes sent is refused with a typed {@link
 * LogException} before anything is written: the log end offset, the size, every file of the
 * partition directory and the caller's buffer stay as they were (README, "Using the engine").
 */
class LogBatchValidationTest {
    @TempDir
    Path tmp;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(RecoveryFixture.T0_MS);

    /** What a refused append must leave untouched. */
    private record Snapshot(
            long logStartOffset, long logEndOffset, long sizeBytes, List<Long> segments, Map<String, byte[]> files) {
        void assertSame(Snapshot after, String what) {
            assertEquals(logStartOffset, after.logStartOffset, what + ": log start offset");
            assertEquals(logEndOffset, after.logEndOffset, what + ": log end offset");
            assertEquals(sizeBytes, after.sizeBytes, what + ": size");
            assertEquals(segments, after.segments, what + ": segments");
            assertEquals(files.keySet(), after.files.keySet(), what + ": files of the partition directory");
            files.forEach(
                    (name, bytes) -> assertArrayEquals(bytes, after.files.get(name), what + ": bytes of " + name));
        }
    }

    private static Snapshot snapshot(Log log) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(log.dir())) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return new Snapshot(log.logStartOffset(), log.logEndOffset(), log.sizeBytes(), log.segmentBaseOffsets(), files);
    }

    /** A log with two batches (offsets 0..5), so that a refused append has something to disturb. */
    private Log logWithData(String name) throws IOException {
        Log log = LogTestSupport.open(tmp.resolve(name), CONFIG, clock);
        log.appendAsLeader(RecoveryFixture.batchNumber(0), 3);
        log.appendAsLeader(RecoveryFixture.batchNumber(1), 3);
        log.flush();
        assertEquals(6, log.logEndOffset());
        return log;
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static ByteBuffer withLengthField(ByteBuffer b, int batchLength) {
        b.putInt(BatchHeader.LENGTH_OFFSET, batchLength);
        return b;
    }

    /** Two valid batches back to back in one buffer. */
    private static ByteBuffer twoBatches(ByteBuffer first, ByteBuffer second) {
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first.duplicate()).put(second.duplicate());
        return both.flip();
    }

    private static ByteBuffer prefix(ByteBuffer b, int bytes) {
        ByteBuffer cut = b.duplicate();
        cut.limit(cut.position() + bytes);
        return cut.slice();
    }

    static Stream<Arguments> malformedBatches() {
        // batchLength counts the bytes after the length field: a whole batch is batchLength + 12.
        int header = BatchHeader.HEADER_BYTES - BatchHeader.LOG_OVERHEAD;
        return Stream.of(
                malformed("length one byte short of a header", b -> withLengthField(b, header - 1), "smaller than"),
                malformed("length zero", b -> withLengthField(b, 0), "smaller than"),
                malformed("negative length", b -> withLengthField(b, -100), "smaller than"),
                malformed(
                        "length one byte larger than the buffer",
                        b -> withLengthField(b, b.getInt(BatchHeader.LENGTH_OFFSET) + 1),
                        "runs past the end"),
                malformed(
                        "length one byte smaller than the batch",
                        b -> withLengthField(b, b.getInt(BatchHeader.LENGTH_OFFSET) - 1),
                        "CRC"),
                malformed("buffer ends inside the header", b -> prefix(b, 30), "truncated batch header"),
                malformed("buffer is the length field only", b -> prefix(b, BatchHeader.LOG_OVERHEAD), "truncated"),
                malformed(
                        "second batch ends inside its header",
                        b -> twoBatches(b, prefix(RecoveryFixture.batchNumber(9), 40)),
                        "truncated batch header"),
                malformed(
                        "second batch shorter than its length says",
                        b -> {
                            ByteBuffer second = RecoveryFixture.batchNumber(9);
                            return twoBatches(b, prefix(second, second.remaining() - 1));
                        },
                        "runs past the end"),
                malformed(
                        "second batch's length larger than the buffer",
                        b -> {
                            ByteBuffer second = RecoveryFixture.batchNumber(9);
                            withLengthField(second, second.getInt(BatchHeader.LENGTH_OFFSET) + 5);
                            return twoBatches(b, second);
                        },
                        "runs past the end"));
    }

    private static Arguments malformed(String name, UnaryOperator<ByteBuffer> damage, String hint) {
        return Arguments.of(name, damage, hint);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBatches")
    void leaderAppendOfAMalformedBatchIsRefusedAndChangesNothing(
            String name, UnaryOperator<ByteBuffer> damage, String hint) throws IOException {
        try (Log log = logWithData("leader-0")) {
            Snapshot before = snapshot(log);
            ByteBuffer bad = damage.apply(RecoveryFixture.batchNumber(2));
            byte[] sent = bytesOf(bad);

            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(bad, 3), name);

            assertEquals(LogError.CORRUPT_MESSAGE, e.error(), e.getMessage());
            assertTrue(e.getMessage().contains(hint), e.getMessage());
            before.assertSame(snapshot(log), name);
            assertArrayEquals(sent, bytesOf(bad), "the refused buffer was not stamped with offsets or epochs");
            assertFalse(log.isOffline(), "bad input is not an I/O failure");
            assertEquals(
                    6, log.appendAsLeader(RecoveryFixture.batchNumber(2), 3).firstOffset());
            RecoveryFixture.assertHolds(log, 0, 9);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBatches")
    void followerAppendOfAMalformedBatchIsRefusedAndChangesNothing(
            String name, UnaryOperator<ByteBuffer> damage, String hint) throws IOException {
        try (Log log = logWithData("follower-0")) {
            Snapshot before = snapshot(log);
            ByteBuffer good = RecoveryFixture.batchNumber(2);
            BatchHeader.setBaseOffset(good, 0, 6);
            ByteBuffer bad = damage.apply(good);

            LogException e = assertThrows(LogException.class, () -> log.appendAsFollower(bad), name);

            assertEquals(LogError.CORRUPT_MESSAGE, e.error(), e.getMessage());
            assertTrue(e.getMessage().contains(hint), e.getMessage());
            before.assertSame(snapshot(log), name);
        }
    }

    @Test
    void aLengthPastMaxMessageBytesIsMessageTooLargeEvenIfTheBytesAreMissing() throws IOException {
        try (Log log = logWithData("large-0")) {
            Snapshot before = snapshot(log);
            ByteBuffer bad = withLengthField(RecoveryFixture.batchNumber(2), CONFIG.maxMessageBytes());

            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(bad, 3));

            assertEquals(LogError.MESSAGE_TOO_LARGE, e.error(), e.getMessage());
            assertTrue(e.getMessage().contains("max.message.bytes"), e.getMessage());
            before.assertSame(snapshot(log), "oversized length");
        }
    }

    @Test
    void aLengthThatWouldOverflowAnIntIsReportedAsTheSizeItClaims() throws IOException {
        try (Log log = logWithData("overflow-0")) {
            Snapshot before = snapshot(log);
            ByteBuffer bad = withLengthField(RecoveryFixture.batchNumber(2), Integer.MAX_VALUE);

            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(bad, 3));

            assertEquals(LogError.MESSAGE_TOO_LARGE, e.error(), e.getMessage());
            // 2^31 - 1 after the length field, plus the 12 bytes of offset and length: no wrap.
            assertTrue(e.getMessage().contains("batch of 2147483659 bytes exceeds max.message.bytes"), e.getMessage());
            before.assertSame(snapshot(log), "overflowing length");
        }
    }

    @Test
    void anEmptyBufferIsRefusedAndChangesNothing() throws IOException {
        try (Log log = logWithData("empty-0")) {
            Snapshot before = snapshot(log);
            LogException e = assertThrows(LogException.class, () -> log.appendAsLeader(ByteBuffer.allocate(0), 3));
            assertEquals(LogError.CORRUPT_MESSAGE, e.error());
            before.assertSame(snapshot(log), "empty buffer");
        }
    }
}
