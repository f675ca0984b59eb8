package dev.skiff.log;

import java.util.List;

/**
 * The actions that {@link LogPropertiesTest} generates and {@link LogPropertiesDriver} runs against
 * a log and its model. Offsets are not generated directly: a per-mille position in the log at the
 * time of the step is, so that a step stays meaningful while jqwik shrinks the steps before it.
 */
final class LogPropertiesSteps {
    private LogPropertiesSteps() {}

    /** One action of a generated run. Offsets are chosen as per-mille positions in the current log. */
    sealed interface Step {}

    /** One record to append: key index (-1: no key), value size (-1: null value, a tombstone). */
    record RecSpec(int key, int valueSize, int timestampDeltaMs, boolean randomBytes) {}

    record BatchSpec(Compression compression, List<RecSpec> records) {}

    /** Appends the batches as one request, as leader; the leader epoch first grows by the bump. */
    record Append(List<BatchSpec> batches, int epochBump) implements Step {}

    /** {@code limitDelta} < 0: no maxOffsetExclusive; else start + delta. */
    record Read(int startPermille, int maxBytes, int limitDelta, boolean minOneBatch) implements Step {}

    record Roll() implements Step {}

    record Advance(long ms) implements Step {}

    record Retention() implements Step {}

    record DeleteRecords(int permille) implements Step {}

    record Truncate(int permille) implements Step {}

    record Flush(boolean onlyIfDue) implements Step {}

    record Clean(int keysMax) implements Step {}

    /** How a crash damages the active segment's {@code .log} file. */
    enum Damage {
        /** Power stays on: every written byte survives. */
        NONE,
        /** Bytes after a random length at or above the flushed ones are lost. */
        CUT,
        /** The last batch, if unflushed, is cut in the middle. */
        TEAR,
        /** One byte of an unflushed batch changes (only bytes the CRC covers). */
        FLIP,
        /** Random bytes follow the last batch. */
        GARBAGE,
        /** A copy of an earlier batch follows the last one: valid CRC, offsets going backwards. */
        DUPLICATE
    }

    /**
     * Crash ({@link Log#abandon}), damage, reopen. {@code uncleanOptions}: {@link
     * LogLoader.Options#unclean()}; else a recovery point at {@code recoveryPermille} of the flushed
     * offset and the model's log start offset. {@code strayCleaned} leaves a half-written compaction
     * output behind.
     */
    record Crash(
            Damage damage,
            int permille,
            int garbageBytes,
            boolean uncleanOptions,
            int recoveryPermille,
            boolean strayCleaned)
            implements Step {}

    /** Clean close and reopen; {@code keepLogStart} false reopens with log start offset 0 (unknown). */
    record Restart(boolean keepLogStart) implements Step {}
}
