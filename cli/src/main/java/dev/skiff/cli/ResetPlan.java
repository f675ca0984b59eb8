package dev.skiff.cli;

import dev.skiff.client.TopicPartition;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The new offsets of {@code consumer-groups --reset-offsets}, as a pure function of each
 * partition's log start and end, the group's committed offset and (for the time scenarios) the
 * first offset at or after the timestamp. Kafka's rules: {@code --to-offset} and {@code --shift-by}
 * are clamped to [log start, log end]; a time past every record falls back to the log end; {@code
 * --to-current} keeps the committed offset, or takes the log end without one.
 */
final class ResetPlan {
    private ResetPlan() {}

    /** One of the reset scenarios. */
    sealed interface Scenario {
        record ToEarliest() implements Scenario {}

        record ToLatest() implements Scenario {}

        record ToOffset(long offset) implements Scenario {}

        record ShiftBy(long delta) implements Scenario {}

        /** Both --to-datetime and --by-duration: the first offset at or after this time. */
        record ToTime(long timestampMs) implements Scenario {}

        record ToCurrent() implements Scenario {}

        default boolean needsTimeLookup() {
            return this instanceof ToTime;
        }
    }

    /**
     * What is known of one partition: its log range, the group's committed offset, and the offset
     * for the scenario's timestamp ({@code -1}: no record that new), if one was looked up.
     */
    record PartitionState(long logStartOffset, long logEndOffset, OptionalLong committed, OptionalLong offsetForTime) {}

    /** New offsets by partition, and warnings to print (a time past every record). */
    record Plan(SortedMap<TopicPartition, Long> offsets, List<String> warnings) {}

    static Plan plan(Scenario scenario, Map<TopicPartition, PartitionState> partitions) {
        SortedMap<TopicPartition, Long> out = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : new TreeMap<>(partitions).entrySet()) {
            TopicPartition tp = e.getKey();
            PartitionState p = e.getValue();
            long offset;
            if (scenario instanceof Scenario.ToEarliest) {
                offset = p.logStartOffset();
            } else if (scenario instanceof Scenario.ToLatest) {
                offset = p.logEndOffset();
            } else if (scenario instanceof Scenario.ToOffset to) {
                offset = clamp(to.offset(), p);
            } else if (scenario instanceof Scenario.ShiftBy shift) {
                if (p.committed().isEmpty()) {
                    throw new UserException(
                            "Cannot shift offset for partition " + tp + " since there is no current committed offset");
                }
                offset = clamp(saturatedAdd(p.committed().getAsLong(), shift.delta()), p);
            } else if (scenario instanceof Scenario.ToTime) {
                long found = p.offsetForTime().orElse(-1);
                if (found < 0) {
                    warnings.add("Warn: Partition " + tp.partition() + " from topic " + tp.topic()
                            + " is empty. Falling back to latest known offset.");
                    offset = p.logEndOffset();
                } else {
                    offset = found;
                }
            } else {
                offset = p.committed().orElse(p.logEndOffset());
            }
            out.put(tp, offset);
        }
        return new Plan(Collections.unmodifiableSortedMap(out), List.copyOf(warnings));
    }

    private static long clamp(long offset, PartitionState p) {
        return Math.max(p.logStartOffset(), Math.min(p.logEndOffset(), offset));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }

    private static final Pattern DATETIME =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(Z|[+-]\\d{2}(?::?\\d{2})?)?");

    /**
     * Parses {@code --to-datetime}: {@code YYYY-MM-DDTHH:mm:SS.sss}, optionally followed by a zone
     * ({@code Z}, {@code +hh}, {@code +hhmm}, {@code +hh:mm}); without one, in {@code zone} (Kafka
     * uses the local time zone).
     */
    static long parseDateTime(String text, ZoneId zone) {
        Matcher m = DATETIME.matcher(text.trim());
        if (!m.matches()) {
            throw badDateTime(text);
        }
        try {
            LocalDateTime local = LocalDateTime.parse(m.group(1), DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            if (m.group(2) == null) {
                return local.atZone(zone).toInstant().toEpochMilli();
            }
            String offset = m.group(2);
            if (offset.equals("Z")) {
                offset = "+00:00";
            } else if (offset.length() == 3) {
                offset = offset + ":00";
            } else if (offset.length() == 5) {
                offset = offset.substring(0, 3) + ":" + offset.substring(3);
            }
            return OffsetDateTime.parse(m.group(1) + offset).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw badDateTime(text);
        }
    }

    private static UserException badDateTime(String text) {
        return new UserException(
                "Invalid --to-datetime '" + text
                        + "': expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +hh:mm), e.g. 2026-12-06T10:00:00.000Z");
    }

    /** The timestamp {@code --by-duration} (ISO-8601 {@code PnDTnHnMnS}) before {@code now}. */
    static long parseDurationBefore(String text, Instant now) {
        Duration d;
        try {
            d = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new UserException("Invalid --by-duration '" + text
                    + "': expected an ISO-8601 duration PnDTnHnMnS, e.g. PT1H or P1DT12H");
        }
        if (d.isNegative()) {
            throw new UserException("Invalid --by-duration '" + text + "': the duration must not be negative");
        }
        return now.minus(d).toEpochMilli();
    }

    /** What one {@code --topic} names: a whole topic, or some of its partitions ({@code T:0,1}). */
    record TopicArg(String topic, List<Integer> partitions) {
        boolean wholeTopic() {
            return partitions.isEmpty();
        }
    }

    static TopicArg parseTopicArg(String arg) {
        int colon = arg.indexOf(':');
        if (colon < 0) {
            if (arg.isEmpty()) {
                throw new UserException("Invalid --topic '': expected a topic name, or TOPIC:P[,P...]");
            }
            return new TopicArg(arg, List.of());
        }
        String topic = arg.substring(0, colon);
        String list = arg.substring(colon + 1);
        if (topic.isEmpty() || list.isEmpty() || list.indexOf(':') >= 0) {
            throw new UserException("Invalid topic arg '" + arg + "', expected topic name and partitions");
        }
        List<Integer> partitions = new ArrayList<>();
        for (String p : list.split(",", -1)) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(n);
            } catch (NumberFormatException e) {
                throw new UserException("Invalid partition '" + p + "' specified in topic arg '" + arg + "'");
            }
        }
        return new TopicArg(topic, List.copyOf(partitions));
    }
}
