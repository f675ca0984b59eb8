package dev.skiff.log;

import dev.skiff.log.LogPropertiesSteps.Advance;
import dev.skiff.log.LogPropertiesSteps.Append;
import dev.skiff.log.LogPropertiesSteps.BatchSpec;
import dev.skiff.log.LogPropertiesSteps.Clean;
import dev.skiff.log.LogPropertiesSteps.Crash;
import dev.skiff.log.LogPropertiesSteps.Damage;
import dev.skiff.log.LogPropertiesSteps.DeleteRecords;
import dev.skiff.log.LogPropertiesSteps.Flush;
import dev.skiff.log.LogPropertiesSteps.Read;
import dev.skiff.log.LogPropertiesSteps.RecSpec;
import dev.skiff.log.LogPropertiesSteps.Restart;
import dev.skiff.log.LogPropertiesSteps.Retention;
import dev.skiff.log.LogPropertiesSteps.Roll;
import dev.skiff.log.LogPropertiesSteps.Step;
import dev.skiff.log.LogPropertiesSteps.Truncate;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Model-based properties of {@link Log}: random sequences of appends, reads, rolls, retention,
 * delete-records, truncation, compaction, flushes, crashes that damage the unflushed tail, and clean
 * restarts run against a real log in a temp directory and against {@link LogPropertiesModel};
 * {@link LogPropertiesDriver} checks the log after every step (offsets, contents, batch validity,
 * flushed data surviving crashes, leader epochs, compaction guarantees).
 *
 * <p>Tries come from {@code jqwik.tries.default} (100 in CI; {@code mvn verify -Pproperties-long}
 * runs 2000), so no property sets {@code tries}. Segments and indexes are tiny so that rolls, full
 * indexes and many segments happen within a few dozen steps.
 *
 * <p>Replaying a failure: jqwik prints {@code seed = <n>}, the shrunk sample and, in the assertion
 * message, the config, the steps run so far and the model. Rerunning the property, e.g. {@code mvn
 * -o -pl log-engine test -Dtest='LogPropertiesTest#compactedLogMatchesModel'}, tries the failing
 * sample first (jqwik keeps it in {@code log-engine/.jqwik-database}; {@code
 * jqwik.failures.after.default} is SAMPLE_FIRST); to pin the whole run, add {@code seed = "<n>"}
 * to its {@code @Property} while debugging. A shrunk sample also makes a good {@code @Example}, as
 * the regressions below are.
 */
class LogPropertiesTest {
    private static final int STEPS_MAX = 80;

    /** cleanup.policy=delete, fsync or interval flushes: offsets stay dense. */
    @Property
    void deletePolicyLogMatchesModel(
            @ForAll("deleteConfigs") LogConfig config, @ForAll("deleteLogSteps") List<Step> steps) throws Exception {
        run(config, steps);
    }

    /** cleanup.policy=compact or compact,delete, with tombstones and LogCleaner passes. */
    @Property
    void compactedLogMatchesModel(
            @ForAll("compactConfigs") LogConfig config, @ForAll("compactedLogSteps") List<Step> steps)
            throws Exception {
        run(config, steps);
    }

    /** Interval flushes and frequent crashes: unflushed tails get cut, torn, corrupted or padded. */
    @Property
    void crashesNeverLoseFlushedDataNorServeCorruptBatches(
            @ForAll("intervalFlushConfigs") LogConfig config, @ForAll("crashHeavySteps") List<Step> steps)
            throws Exception {
        run(config, steps);
    }

    // ---------------------------------------------------------------- regressions

    private static final LogConfig TINY = LogConfig.defaults()
            .with(java.util.Map.of(
                    LogConfig.SEGMENT_BYTES, "256",
                    LogConfig.SEGMENT_INDEX_BYTES, "24",
                    LogConfig.INDEX_INTERVAL_BYTES, "0"));

    private static RecSpec rec(int key, int valueSize) {
        return new RecSpec(key, valueSize, 0, false);
    }

    private static Append append(RecSpec... records) {
        return new Append(List.of(new BatchSpec(Compression.NONE, List.of(records))), 0);
    }

    /** Truncating into a batch that starts below the log start offset must not leave start > end. */
    @Example
    void truncationIntoBatchBelowLogStart() throws Exception {
        run(TINY, List.of(append(rec(0, 5), rec(1, 5)), new DeleteRecords(500), new Truncate(0)));
    }

    /** A first batch over maxBytes (minOneBatch false) must not make the read serve the next segment. */
    @Example
    void readDoesNotSkipABatchThatIsOverMaxBytes() throws Exception {
        run(TINY, List.of(append(rec(0, 34)), new Roll(), append(rec(1, 1)), new Read(0, 80, -1, false)));
    }

    /** A segment that compaction emptied is passed over, not taken for the end of the log. */
    @Example
    void readPassesOverASegmentThatCompactionEmptied() throws Exception {
        LogConfig compacted = TINY.with(java.util.Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        run(
                compacted,
                List.of(
                        append(rec(1, 5)),
                        new Roll(),
                        append(rec(1, 5)),
                        new Roll(),
                        new Clean(1000),
                        new Read(0, 1000, -1, false)));
    }

    /** Truncating into a compaction gap must not leave the end above the truncation offset. */
    @Example
    void truncationIntoACompactionGap() throws Exception {
        LogConfig compacted = TINY.with(java.util.Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        run(
                compacted,
                List.of(
                        append(rec(1, 5), rec(1, 5), rec(2, 5)),
                        new Roll(),
                        append(rec(1, 5)),
                        new Roll(),
                        new Clean(1000),
                        new Truncate(250),
                        new Restart(true)));
    }

    /** A checkpointed log start past what survived a crash restarts the log empty there. */
    @Example
    void persistedLogStartPastTheRecoveredEnd() throws Exception {
        LogConfig interval = TINY.with(java.util.Map.of(LogConfig.FLUSH_POLICY, "interval"));
        run(
                interval,
                List.of(
                        append(rec(0, 5)),
                        new Flush(false),
                        append(rec(1, 5)),
                        append(rec(2, 5)),
                        new DeleteRecords(1000),
                        new Crash(Damage.CUT, 0, 1, false, 1000, false),
                        append(rec(3, 5))));
    }

    /** Runs the steps; jqwik's statistics report shows how often each kind of event came up. */
    private static void run(LogConfig config, List<Step> steps) throws Exception {
        try (LogPropertiesDriver driver = new LogPropertiesDriver(config)) {
            driver.run(steps);
            for (LogPropertiesDriver.Event e : LogPropertiesDriver.Event.values()) {
                Statistics.label(e.name()).collect(driver.events().contains(e));
            }
        }
    }

    // ---------------------------------------------------------------- configs

    @Provide
    Arbitrary<LogConfig> deleteConfigs() {
        return configs(Arbitraries.just(false), Arbitraries.of(FlushPolicy.class));
    }

    @Provide
    Arbitrary<LogConfig> compactConfigs() {
        return configs(Arbitraries.just(true), Arbitraries.of(FlushPolicy.class));
    }

    @Provide
    Arbitrary<LogConfig> intervalFlushConfigs() {
        return configs(Arbitraries.of(true, false), Arbitraries.just(FlushPolicy.INTERVAL));
    }

    private record Sizes(int segmentBytes, long segmentMs, int segmentIndexBytes, int indexIntervalBytes, int maxMsg) {}

    private record Cleanup(
            boolean compact, boolean delete, long retentionMs, long retentionBytes, long deleteRetentionMs) {}

    private record Flushing(TimestampType timestampType, FlushPolicy policy, long flushMessages, long flushMs) {}

    @SuppressWarnings("unchecked")
    private static Arbitrary<LogConfig> configs(Arbitrary<Boolean> compact, Arbitrary<FlushPolicy> policy) {
        Arbitrary<Sizes> sizes = Combinators.combine(
                        Arbitraries.integers().between(256, 4096),
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(Long.MAX_VALUE)),
                                Tuple.of(1, Arbitraries.longs().between(10_000, 300_000))),
                        Arbitraries.integers().between(TimeIndex.ENTRY_BYTES * 2, 256),
                        Arbitraries.integers().between(0, 1024),
                        Arbitraries.frequencyOf(
                                Tuple.of(4, Arbitraries.just(1024 * 1024 + 12)),
                                Tuple.of(1, Arbitraries.integers().between(100, 1500))))
                .as(Sizes::new);
        Arbitrary<Cleanup> cleanup = compact.flatMap(c -> Combinators.combine(
                        c ? Arbitraries.of(true, false) : Arbitraries.just(true),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(-1L)),
                                Tuple.of(2, Arbitraries.longs().between(1_000, 100_000))),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(-1L)),
                                Tuple.of(1, Arbitraries.longs().between(200, 8_000))),
                        Arbitraries.longs().between(0, 100_000))
                .as((delete, retentionMs, retentionBytes, deleteRetentionMs) ->
                        new Cleanup(c, delete, retentionMs, retentionBytes, deleteRetentionMs)));
        Arbitrary<Flushing> flushing = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(4, Arbitraries.just(TimestampType.CREATE_TIME)),
                                Tuple.of(1, Arbitraries.just(TimestampType.LOG_APPEND_TIME))),
                        policy,
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(Long.MAX_VALUE)),
                                Tuple.of(1, Arbitraries.longs().between(1, 30))),
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(Long.MAX_VALUE)),
                                Tuple.of(1, Arbitraries.longs().between(0, 60_000))))
                .as(Flushing::new);
        return Combinators.combine(sizes, cleanup, flushing)
                .as((s, c, f) -> new LogConfig(
                        s.segmentBytes(),
                        s.segmentMs(),
                        s.segmentIndexBytes(),
                        s.indexIntervalBytes(),
                        s.maxMsg(),
                        c.retentionMs(),
                        c.retentionBytes(),
                        c.compact(),
                        c.delete(),
                        c.deleteRetentionMs(),
                        f.timestampType(),
                        f.policy(),
                        f.flushMessages(),
                        f.flushMs()));
    }

    // ---------------------------------------------------------------- steps

    @Provide
    @SuppressWarnings("unchecked")
    Arbitrary<List<Step>> deleteLogSteps() {
        return Arbitraries.frequencyOf(
                        Tuple.of(40, appends()),
                        Tuple.of(12, reads()),
                        Tuple.of(5, Arbitraries.just(new Roll())),
                        Tuple.of(10, advances()),
                        Tuple.of(8, Arbitraries.just(new Retention())),
                        Tuple.of(4, deleteRecords()),
                        Tuple.of(5, truncations()),
                        Tuple.of(5, flushes()),
                        Tuple.of(5, crashes()),
                        Tuple.of(3, restarts()))
                .list()
                .ofMinSize(1)
                .ofMaxSize(STEPS_MAX);
    }

    @Provide
    @SuppressWarnings("unchecked")
    Arbitrary<List<Step>> compactedLogSteps() {
        return Arbitraries.frequencyOf(
                        Tuple.of(40, appends()),
                        Tuple.of(10, reads()),
                        Tuple.of(7, Arbitraries.just(new Roll())),
                        Tuple.of(8, advances()),
                        Tuple.of(10, cleans()),
                        Tuple.of(4, Arbitraries.just(new Retention())),
                        Tuple.of(3, deleteRecords()),
                        Tuple.of(4, truncations()),
                        Tuple.of(3, flushes()),
                        Tuple.of(4, crashes()),
                        Tuple.of(3, restarts()))
                .list()
                .ofMinSize(1)
                .ofMaxSize(STEPS_MAX);
    }

    @Provide
    @SuppressWarnings("unchecked")
    Arbitrary<List<Step>> crashHeavySteps() {
        return Arbitraries.frequencyOf(
                        Tuple.of(40, appends()),
                        Tuple.of(6, reads()),
                        Tuple.of(4, Arbitraries.just(new Roll())),
                        Tuple.of(5, advances()),
                        Tuple.of(3, Arbitraries.just(new Retention())),
                        Tuple.of(8, deleteRecords()),
                        Tuple.of(5, truncations()),
                        Tuple.of(3, cleans()),
                        Tuple.of(10, flushes()),
                        Tuple.of(15, crashes()),
                        Tuple.of(2, restarts()))
                .list()
                .ofMinSize(1)
                .ofMaxSize(STEPS_MAX);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Step> appends() {
        Arbitrary<RecSpec> record = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(-1)),
                                Tuple.of(24, Arbitraries.integers().between(0, LogPropertiesDriver.KEY_SPACE - 1))),
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(-1)),
                                Tuple.of(40, Arbitraries.integers().between(0, 64)),
                                Tuple.of(1, Arbitraries.integers().between(65, 700))),
                        Arbitraries.integers().between(-120_000, 5_000),
                        Arbitraries.of(true, false))
                .as(RecSpec::new);
        Arbitrary<BatchSpec> batch = Combinators.combine(
                        Arbitraries.of(Compression.class),
                        record.list().ofMinSize(1).ofMaxSize(8))
                .as(BatchSpec::new);
        return Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(6, batch.list().ofSize(1)),
                                Tuple.of(1, batch.list().ofMinSize(2).ofMaxSize(3))),
                        Arbitraries.frequencyOf(
                                Tuple.of(6, Arbitraries.just(0)),
                                Tuple.of(2, Arbitraries.just(1)),
                                Tuple.of(1, Arbitraries.just(2))))
                .as(Append::new);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Step> reads() {
        return Combinators.combine(
                        Arbitraries.integers().between(-50, 1050),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(0)),
                                Tuple.of(3, Arbitraries.integers().between(1, 400)),
                                Tuple.of(3, Arbitraries.integers().between(400, 5000)),
                                Tuple.of(1, Arbitraries.just(1 << 20))),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(-1)),
                                Tuple.of(1, Arbitraries.integers().between(0, 40))),
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false))))
                .as(Read::new);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Step> advances() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.longs().between(0, 5_000)),
                        Tuple.of(2, Arbitraries.longs().between(5_000, 90_000)))
                .map(Advance::new);
    }

    private static Arbitrary<Step> deleteRecords() {
        return Arbitraries.integers().between(-50, 1050).map(DeleteRecords::new);
    }

    private static Arbitrary<Step> truncations() {
        return Arbitraries.integers().between(-30, 1050).map(Truncate::new);
    }

    private static Arbitrary<Step> flushes() {
        return Arbitraries.of(true, false).map(Flush::new);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Step> cleans() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(1000)),
                        Tuple.of(1, Arbitraries.integers().between(1, 5)))
                .map(Clean::new);
    }

    private static Arbitrary<Step> crashes() {
        return Combinators.combine(
                        Arbitraries.of(Damage.class),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(1, 200),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.of(false, false, false, true))
                .as(Crash::new);
    }

    private static Arbitrary<Step> restarts() {
        return Arbitraries.of(true, true, false).map(Restart::new);
    }
}
