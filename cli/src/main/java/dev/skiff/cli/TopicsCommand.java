package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.CreateTopicsOptions;
import dev.skiff.client.CreatedTopic;
import dev.skiff.client.Futures;
import dev.skiff.client.NewTopic;
import dev.skiff.client.TopicDescription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff topics}: kafka-topics' create, list, describe, alter and delete. */
@Command(
        name = "topics",
        description = "Create, list, describe, alter (add partitions) and delete topics, as kafka-topics does.")
final class TopicsCommand implements Callable<Integer> {
    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--create", description = "Create a new topic.")
    boolean create;

    @Option(names = "--list", description = "List all available topics.")
    boolean list;

    @Option(names = "--describe", description = "List details for the given topics.")
    boolean describe;

    @Option(names = "--alter", description = "Alter the number of partitions of a topic.")
    boolean alter;

    @Option(names = "--delete", description = "Delete a topic.")
    boolean delete;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "The topic to create, alter, describe or delete; a regular expression except with --create.")
    String topic;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "The number of partitions for the topic being created or altered.")
    Integer partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "The replication factor for each partition of the topic being created.")
    Integer replicationFactor;

    @Option(
            names = "--config",
            paramLabel = "KEY=VALUE",
            description = "A topic config override for the topic being created (repeatable).")
    List<String> configs = new ArrayList<>();

    @Option(
            names = "--if-not-exists",
            description = "With --create: only create the topic if it does not already exist.")
    boolean ifNotExists;

    @Option(names = "--if-exists", description = "With --alter, --describe or --delete: act only if the topic exists.")
    boolean ifExists;

    @Option(
            names = "--under-replicated-partitions",
            description = "With --describe: only show partitions whose ISR is smaller than their replica set.")
    boolean underReplicated;

    @Option(
            names = "--unavailable-partitions",
            description = "With --describe: only show partitions without a leader, or led by a fenced broker.")
    boolean unavailable;

    @Option(
            names = "--under-min-isr-partitions",
            description = "With --describe: only show partitions whose ISR is smaller than the topic's"
                    + " min.insync.replicas (its override, else the broker's).")
    boolean underMinIsr;

    @Option(names = "--exclude-internal", description = "Leave internal topics out of --list and --describe.")
    boolean excludeInternal;

    @Override
    public Integer call() {
        validate();
        PrintStream out = skiff.out();
        try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
            if (create) {
                create(admin, out);
            } else if (list) {
                resolve(admin, false).forEach(out::println);
            } else if (describe) {
                describe(admin, out);
            } else if (alter) {
                Map<String, Integer> counts = new java.util.LinkedHashMap<>();
                resolve(admin, true).forEach(t -> counts.put(t, partitions));
                admin.createPartitions(counts).get();
            } else {
                List<String> names = resolve(admin, true);
                if (!names.isEmpty()) {
                    admin.deleteTopics(names).get();
                }
            }
        }
        return Skiff.OK;
    }

    private void validate() {
        int actions = (create ? 1 : 0) + (list ? 1 : 0) + (describe ? 1 : 0) + (alter ? 1 : 0) + (delete ? 1 : 0);
        if (actions != 1) {
            throw new UserException(
                    "Command must include exactly one action: --list, --describe, --create, --alter or --delete");
        }
        if ((create || alter || delete) && topic == null) {
            throw new UserException("Missing required argument --topic");
        }
        String action =
                create ? "--create" : list ? "--list" : describe ? "--describe" : alter ? "--alter" : "--delete";
        refuse(replicationFactor != null && !create, "--replication-factor", action);
        refuse(partitions != null && !create && !alter, "--partitions", action);
        refuse(!configs.isEmpty() && !create, "--config", action);
        refuse(ifNotExists && !create, "--if-not-exists", action);
        refuse(ifExists && !(alter || delete || describe), "--if-exists", action);
        refuse(underReplicated && !describe, "--under-replicated-partitions", action);
        refuse(unavailable && !describe, "--unavailable-partitions", action);
        refuse(underMinIsr && !describe, "--under-min-isr-partitions", action);
        if (alter && partitions == null) {
            throw new UserException(
                    "--alter needs --partitions (topic configs are changed with 'skiff configs --alter')");
        }
        if (partitions != null && partitions < 1) {
            throw new UserException("The partitions must be greater than 0");
        }
        if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
            throw new UserException("The replication factor must be between 1 and " + Short.MAX_VALUE + " inclusive");
        }
        KeyValues.pairs(configs, "--config");
    }

    private static void refuse(boolean misplaced, String option, String action) {
        if (misplaced) {
            throw new UserException("Option " + option + " can't be used with " + action);
        }
    }

    private void create(Admin admin, PrintStream out) {
        NewTopic t = new NewTopic(
                topic,
                partitions == null ? -1 : partitions,
                replicationFactor == null ? -1 : replicationFactor,
                KeyValues.pairs(configs, "--config"));
        CreatedTopic created = admin.createTopics(List.of(t), new CreateTopicsOptions(false, ifNotExists))
                .get()
                .get(topic);
        if (created.created()) {
            out.println("Created topic " + topic + ".");
        }
    }

    private void describe(Admin admin, PrintStream out) {
        List<String> names = resolve(admin, topic != null);
        if (names.isEmpty()) {
            return;
        }
        TopicDescribeFormat.Filter filter = new TopicDescribeFormat.Filter(underReplicated, unavailable, underMinIsr);
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).get();
        for (String name : names) {
            TopicDescribeFormat.lines(descriptions.get(name), filter).forEach(out::println);
        }
    }

    /**
     * The topics {@code --topic} names (a regular expression, as in kafka-topics), or all of them.
     *
     * @param mustMatch with a --topic that matches nothing: an error unless --if-exists
     */
    private List<String> resolve(Admin admin, boolean mustMatch) {
        SortedSet<String> all = Futures.get(admin.listTopics(!excludeInternal));
        if (topic == null) {
            return new ArrayList<>(all);
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(topic);
        } catch (PatternSyntaxException e) {
            pattern = Pattern.compile(Pattern.quote(topic));
        }
        List<String> matched = new ArrayList<>();
        for (String name : all) {
            if (name.equals(topic) || pattern.matcher(name).matches()) {
                matched.add(name);
            }
        }
        if (matched.isEmpty() && mustMatch && !ifExists) {
            throw new UserException("Topic '" + topic + "' does not exist as expected");
        }
        return matched;
    }
}
