package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.cli.ResetPlan.PartitionState;
import dev.skiff.cli.ResetPlan.Scenario;
import dev.skiff.client.TopicPartition;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The reset plan as a pure function of (log range, committed offset, offset for a time). */
class ResetPlanTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    /** t-0: log [10, 100), committed 40; t-1: log [0, 5), nothing committed. */
    private static Map<TopicPartition, PartitionState> partitions(long forTime0, long forTime1) {
        return Map.of(
                T0, new PartitionState(10, 100, OptionalLong.of(40), OptionalLong.of(forTime0)),
                T1, new PartitionState(0, 5, OptionalLong.empty(), OptionalLong.of(forTime1)));
    }

    private static Map<TopicPartition, Long> plan(Scenario s) {
        return ResetPlan.plan(s, partitions(-1, -1)).offsets();
    }

    @Test
    void earliestAndLatestAreTheLogBounds() {
        assertEquals(Map.of(T0, 10L, T1, 0L), plan(new Scenario.ToEarliest()));
        assertEquals(Map.of(T0, 100L, T1, 5L), plan(new Scenario.ToLatest()));
    }

    @Test
    void toOffsetIsClampedToTheLog() {
        assertEquals(Map.of(T0, 50L, T1, 5L), plan(new Scenario.ToOffset(50)));
        assertEquals(Map.of(T0, 10L, T1, 0L), plan(new Scenario.ToOffset(-3)));
        assertEquals(Map.of(T0, 100L, T1, 5L), plan(new Scenario.ToOffset(Long.MAX_VALUE)));
    }

    @Test
    void shiftByMovesTheCommittedOffsetWithinTheLog() {
        Map<TopicPartition, PartitionState> one = Map.of(T0, partitions(-1, -1).get(T0));
        assertEquals(
                Map.of(T0, 35L), ResetPlan.plan(new Scenario.ShiftBy(-5), one).offsets());
        assertEquals(
                Map.of(T0, 10L), ResetPlan.plan(new Scenario.ShiftBy(-500), one).offsets());
        assertEquals(
                Map.of(T0, 100L),
                ResetPlan.plan(new Scenario.ShiftBy(Long.MAX_VALUE), one).offsets());
        assertEquals(
                Map.of(T0, 10L),
                ResetPlan.plan(new Scenario.ShiftBy(Long.MIN_VALUE), one).offsets());
    }

    @Test
    void shiftByWithoutACommittedOffsetIsRefused() {
        UserException e = assertThrows(UserException.class, () -> plan(new Scenario.ShiftBy(1)));
        assertEquals(
                "Cannot shift offset for partition t-1 since there is no current committed offset", e.getMessage());
    }

    @Test
    void toCurrentKeepsTheCommittedOffsetElseTakesTheLogEnd() {
        assertEquals(Map.of(T0, 40L, T1, 5L), plan(new Scenario.ToCurrent()));
    }

    @Test
    void aTimePastEveryRecordFallsBackToTheLogEndWithKafkasWarning() {
        ResetPlan.Plan p = ResetPlan.plan(new Scenario.ToTime(1_000), partitions(42, -1));
        assertEquals(Map.of(T0, 42L, T1, 5L), p.offsets());
        assertEquals(
                List.of("Warn: Partition 1 from topic t is empty. Falling back to latest known offset."), p.warnings());
    }

    @Test
    void datetimesWithAndWithoutZones() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        long utc = Instant.parse("2026-12-06T10:00:00.123Z").toEpochMilli();
        assertEquals(utc, ResetPlan.parseDateTime("2026-12-06T10:00:00.123Z", paris));
        assertEquals(utc, ResetPlan.parseDateTime("2026-12-06T11:00:00.123+01:00", paris));
        assertEquals(utc, ResetPlan.parseDateTime("2026-12-06T11:00:00.123+0100", paris));
        assertEquals(utc, ResetPlan.parseDateTime("2026-12-06T05:00:00.123-05", paris));
        assertEquals(utc, ResetPlan.parseDateTime("2026-12-06T11:00:00.123", paris));
        assertEquals(utc - 123, ResetPlan.parseDateTime("2026-12-06T10:00:00Z", paris));
        assertThrows(UserException.class, () -> ResetPlan.parseDateTime("2026-12-06 10:00:00.000", paris));
        assertThrows(UserException.class, () -> ResetPlan.parseDateTime("2026-13-06T10:00:00.000", paris));
    }

    @Test
    void durationsCountBackFromNow() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertEquals(
                Instant.parse("2026-12-05T08:30:00Z").toEpochMilli(), ResetPlan.parseDurationBefore("P1DT1H30M", now));
        assertEquals(now.toEpochMilli(), ResetPlan.parseDurationBefore("PT0S", now));
    }

    @Test
    void topicArguments() {
        assertEquals(new ResetPlan.TopicArg("t", List.of()), ResetPlan.parseTopicArg("t"));
        assertEquals(new ResetPlan.TopicArg("t", List.of(0, 2)), ResetPlan.parseTopicArg("t:0,2"));
        assertEquals(
                "Invalid topic arg ':1', expected topic name and partitions",
                assertThrows(UserException.class, () -> ResetPlan.parseTopicArg(":1"))
                        .getMessage());
        assertEquals(
                "Invalid partition '-1' specified in topic arg 't:-1'",
                assertThrows(UserException.class, () -> ResetPlan.parseTopicArg("t:-1"))
                        .getMessage());
    }
}
