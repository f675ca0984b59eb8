package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad command lines exit 1 with exactly one line on stderr, before any connection is attempted
 * (the default bootstrap address has no server in tests, which would exit 2).
 */
class ValidationTest {
    private static void userError(String expected, String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(expected, r.errLines().get(0), r.toString());
    }

    @Test
    void noCommand() {
        userError(
                "Error: missing command: one of topics, configs, console-producer, console-consumer, dump-log, producer-perf-test, consumer-perf-test, cluster, leader-election, reassign-partitions, metadata-quorum, consumer-groups (see 'skiff --help')");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Error: Command must include exactly one action: --list, --describe, --create, --alter or --delete|topics",
                "Error: Command must include exactly one action: --generate, --execute, --verify, --cancel or --list|reassign-partitions",
                "Error: Command must include exactly one action: --generate, --execute, --verify, --cancel or --list|reassign-partitions --execute --verify",
                "Error: --generate needs --topics-to-move-json-file and --broker-list|reassign-partitions --generate --broker-list 1,2",
                "Error: --execute needs --reassignment-json-file|reassign-partitions --execute",
                "Error: --throttle can only be used with --execute|reassign-partitions --verify --reassignment-json-file p.json --throttle 10",
                "Error: --throttle must be at least 1 byte per second, not 0|reassign-partitions --execute --reassignment-json-file p.json --throttle 0",
                "Error: Cannot read no-such-plan.json: no-such-plan.json|reassign-partitions --execute --reassignment-json-file no-such-plan.json",
                "Error: Missing required option --broker ID|cluster decommission",
                "Error: Missing required option --controller-id ID|metadata-quorum add-controller",
                "Error: --controller-id must be a node id (0 or more), not -2|metadata-quorum remove-controller --controller-id -2",
                "Error: --broker must be a broker id (0 or more), not -1|cluster decommission --broker -1",
                "Error: Command must include exactly one action: --list, --describe, --create, --alter or --delete|topics --list --describe",
                "Error: Missing required argument --topic|topics --create",
                "Error: Missing required argument --topic|topics --delete",
                "Error: The partitions must be greater than 0|topics --create --topic t --partitions 0",
                "Error: The replication factor must be between 1 and 32767 inclusive|topics --create --topic t --replication-factor 0",
                "Error: Invalid --config 'retention.ms': expected key=value|topics --create --topic t --config retention.ms",
                "Error: Option --replication-factor can't be used with --alter|topics --alter --topic t --partitions 3 --replication-factor 2",
                "Error: Option --config can't be used with --describe|topics --describe --config a=b",
                "Error: Option --if-not-exists can't be used with --list|topics --list --if-not-exists",
                "Error: Option --under-replicated-partitions can't be used with --list|topics --list --under-replicated-partitions",
                "Error: --alter needs --partitions (topic configs are changed with 'skiff configs --alter')|topics --alter --topic t",
                "Error: Unknown option: '--bogus' (see 'skiff topics --help')|topics --list --bogus",
                "Error: Invalid value for option '--partitions': 'many' is not an int (see 'skiff topics --help')|topics --create --topic t --partitions many",
                "Error: Invalid --bootstrap-server 'localhost': Invalid url: localhost (expected host:port)|topics --list --bootstrap-server localhost",
                "Error: Command must include exactly one action: --describe, --alter|configs --entity-type topics",
                "Error: Missing required argument --entity-type|configs --describe",
                "Error: Invalid entity type users, the entity type must be one of topics, brokers|configs --describe --entity-type users",
                "Error: At least one of --add-config or --delete-config must be specified with --alter|configs --alter --entity-type topics --entity-name t",
                "Error: An entity name must be specified with --alter of topics|configs --alter --entity-type topics --add-config a=b",
                "Error: The entity name for brokers must be a valid integer broker id, but it is: one|configs --describe --entity-type brokers --entity-name one",
                "Error: Invalid --add-config entry 'retention.ms': expected key=value|configs --alter --entity-type topics --entity-name t --add-config retention.ms",
                "Error: Missing required option: '--topic=TOPIC' (see 'skiff console-producer --help')|console-producer",
                "Error: Unknown --property parse.kye (known: parse.key, key.separator, ignore.error, null.marker)|console-producer --topic t --property parse.kye=true",
                "Error: The partition is required when offset is specified.|console-consumer --topic t --offset 5",
                "Error: Options from-beginning and offset cannot be specified together.|console-consumer --topic t --partition 0 --offset 5 --from-beginning",
                "Error: The provided offset value is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.|console-consumer --topic t --partition 0 --offset soon",
                "Error: Options group and partition cannot be specified together.|console-consumer --topic t --group g --partition 0",
                "Error: Options group and partition cannot be specified together.|console-consumer --topic t --consumer-property group.id=g --partition 0",
                "Error: The partition is required when offset is specified.|console-consumer --topic t --group g --offset 5",
                "Error: The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'|console-consumer --topic t --group a --consumer-property group.id=b",
                "Error: Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option|console-consumer --topic t --group g --from-beginning --consumer-property auto.offset.reset=latest",
                "Error: Missing required options: '--num-records=N', '--record-size=BYTES', '--throughput=RECORDS/SEC' (see 'skiff producer-perf-test --help')|producer-perf-test --topic t",
                "Error: Missing required option: '--num-records=N' (see 'skiff consumer-perf-test --help')|consumer-perf-test --topic t",
                "Error: Missing segment file: skiff dump-log FILE [FILE...]|dump-log",
                "Error: No such file: /nonexistent/00000000000000000000.log|dump-log /nonexistent/00000000000000000000.log",
                "Error: Option --under-min-isr-partitions can't be used with --list|topics --list --under-min-isr-partitions",
                "Error: Missing required option --election-type (preferred or unclean)|leader-election --all-topic-partitions",
                "Error: Invalid --election-type 'fastest': use preferred or unclean|leader-election --election-type fastest --all-topic-partitions",
                "Error: Exactly one of --all-topic-partitions and --topic (with --partition) is required|leader-election --election-type preferred",
                "Error: --all-topic-partitions can't be used with --topic or --partition|leader-election --election-type preferred --all-topic-partitions --topic t",
                "Error: --topic needs --partition: name one partition, or use --all-topic-partitions for all of them|leader-election --election-type preferred --topic t",
                "Error: --partition needs --topic|leader-election --election-type PREFERRED --partition 0",
                "Error: --partition must be 0 or more, not -1|leader-election --election-type preferred --topic t --partition -1",
                "Error: Invalid value for option '--partition': 'first' is not an int (see 'skiff leader-election --help')|leader-election --election-type preferred --topic t --partition first",
            })
    void badFlagsAreOneLineUserErrors(String expected, String args) {
        userError(expected, args.split(" "));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {
            "topics",
            "configs",
            "console-producer",
            "console-consumer",
            "dump-log",
            "producer-perf-test",
            "leader-election",
            "consumer-perf-test",
            "consumer-groups"
        }) {
            List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(new String[0]));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("Usage: skiff " + command), r.toString());
            assertTrue(r.out().contains("--bootstrap-server"), command + " takes --bootstrap-server");
        }
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("console-consumer"));
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("skiff \\d+\\.\\d+\\.\\d+.*\n"), r.out());
        assertEquals(r.out(), Cli.run("topics", "--version").out());
    }
}
