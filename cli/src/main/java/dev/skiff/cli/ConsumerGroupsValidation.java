package dev.skiff.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The flag rules of {@code skiff consumer-groups}, checked before anything connects: each broken
 * rule is one line that names the fix.
 */
final class ConsumerGroupsValidation {
    private ConsumerGroupsValidation() {}

    static void validate(ConsumerGroupsCommand c) {
        String action = action(c);
        if (c.groups.size() > 0 && c.allGroups) {
            throw new UserException("Options --group and --all-groups can't be used together");
        }
        if (c.list && (!c.groups.isEmpty() || c.allGroups)) {
            throw new UserException("Option --list lists every group: drop --group/--all-groups, or use --describe");
        }
        if ((c.describe || c.delete || c.resetOffsets) && c.groups.isEmpty() && !c.allGroups) {
            throw new UserException("Option " + action + " takes one of these options: --group, --all-groups");
        }
        refuse(c.members && !c.describe, "--members", "--describe");
        refuse(c.offsets && !c.describe, "--offsets", "--describe");
        refuse(c.verbose && !c.describe, "--verbose", "--describe");
        if (c.state != null && !c.describe && !c.list) {
            throw new UserException("Option --state can only be used with --list or --describe");
        }
        if (c.describe) {
            int views = (c.members ? 1 : 0) + (c.offsets ? 1 : 0) + (c.state != null ? 1 : 0);
            if (views > 1) {
                throw new UserException(
                        "Option --describe takes at most one of these options: --members, --offsets, --state");
            }
            if (c.state != null && !c.state.isEmpty()) {
                throw new UserException(
                        "Option --describe does not take a value for --state (state filters work with" + " --list)");
            }
        }
        if (c.list && c.state != null && !c.state.isEmpty()) {
            ConsumerGroupsCommand.parseStates(c.state);
        }
        if (c.delete && !c.topics.isEmpty()) {
            throw new UserException("The consumer does not support topic-specific offset deletion from a consumer"
                    + " group (use --delete-offsets --group G --topic T)");
        }
        if (!c.topics.isEmpty() && !c.resetOffsets && !c.deleteOffsets) {
            throw new UserException("Option --topic can only be used with --reset-offsets or --delete-offsets");
        }
        if (c.deleteOffsets) {
            validateDeleteOffsets(c);
        }
        refuse(c.allTopics && !c.resetOffsets, "--all-topics", "--reset-offsets");
        refuse(c.dryRun && !c.resetOffsets, "--dry-run", "--reset-offsets");
        refuse(c.execute && !c.resetOffsets, "--execute", "--reset-offsets");
        List<String> scenarios = scenarios(c);
        if (!c.resetOffsets && !scenarios.isEmpty()) {
            throw new UserException("Option " + scenarios.get(0) + " can only be used with --reset-offsets");
        }
        if (c.resetOffsets) {
            validateReset(c, scenarios);
        }
        if (c.timeoutMs != null && c.timeoutMs < 1) {
            throw new UserException("--timeout must be at least 1 ms, not " + c.timeoutMs);
        }
    }

    private static String action(ConsumerGroupsCommand c) {
        List<String> actions = new ArrayList<>();
        if (c.list) {
            actions.add("--list");
        }
        if (c.describe) {
            actions.add("--describe");
        }
        if (c.delete) {
            actions.add("--delete");
        }
        if (c.resetOffsets) {
            actions.add("--reset-offsets");
        }
        if (c.deleteOffsets) {
            actions.add("--delete-offsets");
        }
        if (actions.size() != 1) {
            throw new UserException("Command must include exactly one action: " + ConsumerGroupsCommand.ACTIONS);
        }
        return actions.get(0);
    }

    private static void validateDeleteOffsets(ConsumerGroupsCommand c) {
        if (c.allGroups || c.groups.size() != 1 || c.topics.isEmpty()) {
            throw new UserException("Option --delete-offsets takes the following options: --group (exactly one),"
                    + " --topic (one or more)");
        }
        c.topics.forEach(ResetPlan::parseTopicArg);
    }

    private static void validateReset(ConsumerGroupsCommand c, List<String> scenarios) {
        if (c.dryRun && c.execute) {
            throw new UserException("Option --reset-offsets only accepts one of --execute and --dry-run");
        }
        if (scenarios.isEmpty()) {
            throw new UserException("Option --reset-offsets requires one of the following scenarios: "
                    + ConsumerGroupsCommand.SCENARIOS);
        }
        if (scenarios.size() > 1) {
            throw new UserException(
                    "Option --reset-offsets takes exactly one scenario, but got " + String.join(" and ", scenarios));
        }
        if (c.topics.isEmpty() && !c.allTopics) {
            throw new UserException("One of the reset scopes should be defined: --all-topics, --topic.");
        }
        if (!c.topics.isEmpty() && c.allTopics) {
            throw new UserException("Options --all-topics and --topic can't be used together: pick one reset scope");
        }
        c.topics.forEach(ResetPlan::parseTopicArg);
        if (c.toDatetime != null) {
            ResetPlan.parseDateTime(c.toDatetime, ZoneId.systemDefault());
        }
        if (c.byDuration != null) {
            ResetPlan.parseDurationBefore(c.byDuration, Instant.EPOCH.plusSeconds(1L << 40));
        }
    }

    private static List<String> scenarios(ConsumerGroupsCommand c) {
        List<String> out = new ArrayList<>();
        if (c.toEarliest) {
            out.add("--to-earliest");
        }
        if (c.toLatest) {
            out.add("--to-latest");
        }
        if (c.toOffset != null) {
            out.add("--to-offset");
        }
        if (c.toDatetime != null) {
            out.add("--to-datetime");
        }
        if (c.byDuration != null) {
            out.add("--by-duration");
        }
        if (c.shiftBy != null) {
            out.add("--shift-by");
        }
        if (c.toCurrent) {
            out.add("--to-current");
        }
        return out;
    }

    /** The validated scenario of {@code --reset-offsets}; times are taken from {@code now}. */
    static ResetPlan.Scenario scenario(ConsumerGroupsCommand c, Instant now, ZoneId zone) {
        if (c.toEarliest) {
            return new ResetPlan.Scenario.ToEarliest();
        }
        if (c.toLatest) {
            return new ResetPlan.Scenario.ToLatest();
        }
        if (c.toOffset != null) {
            return new ResetPlan.Scenario.ToOffset(c.toOffset);
        }
        if (c.toDatetime != null) {
            return new ResetPlan.Scenario.ToTime(ResetPlan.parseDateTime(c.toDatetime, zone));
        }
        if (c.byDuration != null) {
            return new ResetPlan.Scenario.ToTime(ResetPlan.parseDurationBefore(c.byDuration, now));
        }
        if (c.shiftBy != null) {
            return new ResetPlan.Scenario.ShiftBy(c.shiftBy);
        }
        return new ResetPlan.Scenario.ToCurrent();
    }

    private static void refuse(boolean misplaced, String option, String needed) {
        if (misplaced) {
            throw new UserException("Option " + option + " can only be used with " + needed);
        }
    }
}
