package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad flag combination of {@code skiff consumer-groups} is one line on stderr, exit 1, before
 * anything connects (the default bootstrap address has no server in tests, which would exit 2).
 */
class ConsumerGroupsValidationTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Error: Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets|consumer-groups",
                "Error: Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets|consumer-groups --list --describe --group g",
                "Error: Option --describe takes one of these options: --group, --all-groups|consumer-groups --describe",
                "Error: Option --delete takes one of these options: --group, --all-groups|consumer-groups --delete",
                "Error: Option --reset-offsets takes one of these options: --group, --all-groups|consumer-groups --reset-offsets --to-earliest --all-topics",
                "Error: Options --group and --all-groups can't be used together|consumer-groups --describe --group g --all-groups",
                "Error: Option --list lists every group: drop --group/--all-groups, or use --describe|consumer-groups --list --group g",
                "Error: Option --describe takes at most one of these options: --members, --offsets, --state|consumer-groups --describe --group g --members --state",
                "Error: Option --describe takes at most one of these options: --members, --offsets, --state|consumer-groups --describe --group g --members --offsets",
                "Error: Option --describe does not take a value for --state (state filters work with --list)|consumer-groups --describe --group g --state stable",
                "Error: Option --members can only be used with --describe|consumer-groups --list --members",
                "Error: Option --verbose can only be used with --describe|consumer-groups --delete --group g --verbose",
                "Error: Option --state can only be used with --list or --describe|consumer-groups --delete --group g --state",
                "Error: Invalid state list 'stabel'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty|consumer-groups --list --state stabel",
                "Error: The consumer does not support topic-specific offset deletion from a consumer group (use --delete-offsets --group G --topic T)|consumer-groups --delete --group g --topic t",
                "Error: Option --topic can only be used with --reset-offsets or --delete-offsets|consumer-groups --describe --group g --topic t",
                "Error: Option --delete-offsets takes the following options: --group (exactly one), --topic (one or more)|consumer-groups --delete-offsets --group g",
                "Error: Option --delete-offsets takes the following options: --group (exactly one), --topic (one or more)|consumer-groups --delete-offsets --topic t",
                "Error: Option --delete-offsets takes the following options: --group (exactly one), --topic (one or more)|consumer-groups --delete-offsets --group a --group b --topic t",
                "Error: Option --all-topics can only be used with --reset-offsets|consumer-groups --describe --group g --all-topics",
                "Error: Option --execute can only be used with --reset-offsets|consumer-groups --delete --group g --execute",
                "Error: Option --dry-run can only be used with --reset-offsets|consumer-groups --describe --group g --dry-run",
                "Error: Option --to-earliest can only be used with --reset-offsets|consumer-groups --describe --group g --to-earliest",
                "Error: Option --reset-offsets only accepts one of --execute and --dry-run|consumer-groups --reset-offsets --group g --all-topics --to-earliest --execute --dry-run",
                "Error: Option --reset-offsets requires one of the following scenarios: --to-earliest, --to-latest, --to-offset, --to-datetime, --by-duration, --shift-by, --to-current|consumer-groups --reset-offsets --group g --all-topics --execute",
                "Error: Option --reset-offsets takes exactly one scenario, but got --to-earliest and --to-latest|consumer-groups --reset-offsets --group g --all-topics --to-earliest --to-latest",
                "Error: Option --reset-offsets takes exactly one scenario, but got --to-offset and --shift-by|consumer-groups --reset-offsets --group g --all-topics --to-offset 3 --shift-by -2",
                "Error: One of the reset scopes should be defined: --all-topics, --topic.|consumer-groups --reset-offsets --group g --to-earliest",
                "Error: Options --all-topics and --topic can't be used together: pick one reset scope|consumer-groups --reset-offsets --group g --to-earliest --all-topics --topic t",
                "Error: Invalid topic arg 't:', expected topic name and partitions|consumer-groups --reset-offsets --group g --to-earliest --topic t:",
                "Error: Invalid partition 'x' specified in topic arg 't:0,x'|consumer-groups --reset-offsets --group g --to-earliest --topic t:0,x",
                "Error: Invalid partition 'x' specified in topic arg 't:x'|consumer-groups --delete-offsets --group g --topic t:x",
                "Error: Invalid --to-datetime 'yesterday': expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +hh:mm), e.g. 2026-12-06T10:00:00.000Z|consumer-groups --reset-offsets --group g --all-topics --to-datetime yesterday",
                "Error: Invalid --by-duration '1h': expected an ISO-8601 duration PnDTnHnMnS, e.g. PT1H or P1DT12H|consumer-groups --reset-offsets --group g --all-topics --by-duration 1h",
                "Error: Invalid --by-duration '-PT1H': the duration must not be negative|consumer-groups --reset-offsets --group g --all-topics --by-duration -PT1H",
                "Error: Invalid value for option '--to-offset': 'first' is not a long (see 'skiff consumer-groups --help')|consumer-groups --reset-offsets --group g --all-topics --to-offset first",
                "Error: --timeout must be at least 1 ms, not 0|consumer-groups --list --timeout 0",
            })
    void badFlagsAreOneLineUserErrors(String expected, String args) {
        Cli.Result r = Cli.run(args.split(" "));
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(expected, r.errLines().get(0), r.toString());
    }
}
