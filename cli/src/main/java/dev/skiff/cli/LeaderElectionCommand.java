package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ApiException;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ElectionType;
import dev.skiff.client.Errors;
import dev.skiff.client.Futures;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff leader-election}: kafka-leader-election's flags and output. */
@Command(
        name = "leader-election",
        description = "Elect partition leaders, as kafka-leader-election does: --election-type preferred gives"
                + " leadership back to each partition's preferred replica (its first) where that replica is"
                + " unfenced and in the ISR.")
final class LeaderElectionCommand implements Callable<Integer> {
    static final String UNCLEAN_REFUSED = "--election-type unclean is not supported yet: set"
            + " unclean.leader.election.enable=true on the topic (skiff configs --alter --entity-type topics"
            + " --entity-name T --add-config unclean.leader.election.enable=true) and the controller elects an"
            + " out-of-sync replica when no in-sync replica is alive (acknowledged writes may be lost)";

    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--election-type",
            paramLabel = "preferred|unclean",
            description = "Type of election: preferred (unclean is not supported yet).")
    String electionType;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic of the partition (needs --partition).")
    String topic;

    @Option(names = "--partition", paramLabel = "P", description = "The partition to elect a leader for.")
    Integer partition;

    @Option(
            names = "--all-topic-partitions",
            description = "Elect for every partition of every topic (those already led by the replica the"
                    + " election would pick are not reported).")
    boolean allTopicPartitions;

    @Override
    public Integer call() {
        ElectionType type = validate();
        Map<TopicPartition, Optional<ApiException>> results;
        try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
            results = Futures.get(
                    allTopicPartitions
                            ? admin.electLeaders(type)
                            : admin.electLeaders(type, Set.of(new TopicPartition(topic, partition))));
        }
        lines(type, results).forEach(skiff.out()::println);
        long failed = results.values().stream()
                .filter(e -> e.isPresent() && e.get().error() != Errors.ELECTION_NOT_NEEDED)
                .count();
        if (failed > 0) {
            throw new UserException(failed + " replica(s) could not be elected");
        }
        return Skiff.OK;
    }

    private ElectionType validate() {
        if (electionType == null) {
            throw new UserException("Missing required option --election-type (preferred or unclean)");
        }
        ElectionType type;
        try {
            type = ElectionType.valueOf(electionType.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("Invalid --election-type '" + electionType + "': use preferred or unclean");
        }
        if (allTopicPartitions && (topic != null || partition != null)) {
            throw new UserException("--all-topic-partitions can't be used with --topic or --partition");
        }
        if (!allTopicPartitions && topic == null && partition == null) {
            throw new UserException("Exactly one of --all-topic-partitions and --topic (with --partition) is required");
        }
        if (topic != null && partition == null) {
            throw new UserException(
                    "--topic needs --partition: name one partition, or use --all-topic-partitions for all of them");
        }
        if (partition != null && topic == null) {
            throw new UserException("--partition needs --topic");
        }
        if (partition != null && partition < 0) {
            throw new UserException("--partition must be 0 or more, not " + partition);
        }
        if (type == ElectionType.UNCLEAN) {
            throw new UserException(UNCLEAN_REFUSED);
        }
        return type;
    }

    /** kafka-leader-election's lines: elected, already elected, then one line per failure. */
    static List<String> lines(ElectionType type, Map<TopicPartition, Optional<ApiException>> results) {
        List<String> elected = new ArrayList<>();
        List<String> notNeeded = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        results.forEach((tp, error) -> {
            if (error.isEmpty()) {
                elected.add(tp.toString());
            } else if (error.get().error() == Errors.ELECTION_NOT_NEEDED) {
                notNeeded.add(tp.toString());
            } else {
                failures.add("Error completing leader election (" + type + ") for partition: " + tp + ": "
                        + error.get().error() + ": " + Skiff.oneLine(error.get().getMessage()));
            }
        });
        if (!elected.isEmpty()) {
            out.add("Successfully completed leader election (" + type + ") for partitions "
                    + String.join(", ", elected));
        }
        if (!notNeeded.isEmpty()) {
            out.add("Valid replica already elected for partitions " + String.join(", ", notNeeded));
        }
        out.addAll(failures);
        return out;
    }
}
