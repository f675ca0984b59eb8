package dev.skiff.cli;

import dev.skiff.client.Admin;
import dev.skiff.client.AlterConfigOp;
import dev.skiff.client.ClientEnvironment;
import dev.skiff.client.ConfigEntry;
import dev.skiff.client.ConfigResource;
import dev.skiff.client.Futures;
import dev.skiff.client.Node;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code skiff configs}: kafka-configs' describe and alter for topics and brokers. */
@Command(name = "configs", description = "Describe or alter topic and broker configs, as kafka-configs does.")
final class ConfigsCommand implements Callable<Integer> {
    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--describe", description = "List configs for the given entity.")
    boolean describe;

    @Option(names = "--alter", description = "Alter the configuration of the entity.")
    boolean alter;

    @Option(names = "--entity-type", paramLabel = "topics|brokers", description = "Type of entity.")
    String entityType;

    @Option(
            names = "--entity-name",
            paramLabel = "NAME",
            description = "Name of the entity: a topic name or a broker id.")
    String entityName;

    @Option(
            names = "--entity-default",
            description = "With --entity-type brokers: the default of every broker in the cluster.")
    boolean entityDefault;

    @Option(
            names = "--add-config",
            paramLabel = "K=V,K2=[A,B],...",
            description = "Configs to set; list values go in square brackets.")
    String addConfig;

    @Option(names = "--delete-config", paramLabel = "K,K2,...", description = "Configs to remove.")
    String deleteConfig;

    @Option(names = "--all", description = "With --describe: every config, not only the dynamic ones.")
    boolean all;

    @Override
    public Integer call() {
        ConfigResource.Type type = validate();
        try (Admin admin = new Admin(connection.clientProps(), ClientEnvironment.system())) {
            if (alter) {
                alter(admin, new ConfigResource(type, entityDefault ? "" : entityName));
            } else {
                for (ConfigResource r : targets(admin, type)) {
                    describe(admin, r, skiff.out());
                }
            }
        }
        return Skiff.OK;
    }

    private ConfigResource.Type validate() {
        if (describe == alter) {
            throw new UserException("Command must include exactly one action: --describe, --alter");
        }
        if (entityType == null) {
            throw new UserException("Missing required argument --entity-type");
        }
        ConfigResource.Type type =
                switch (entityType) {
                    case "topics" -> ConfigResource.Type.TOPIC;
                    case "brokers" -> ConfigResource.Type.BROKER;
                    default -> throw new UserException(
                            "Invalid entity type " + entityType + ", the entity type must be one of topics, brokers");
                };
        if (entityDefault && type != ConfigResource.Type.BROKER) {
            throw new UserException(
                    "--entity-default is only for --entity-type brokers; name a topic with" + " --entity-name");
        }
        if (entityDefault && entityName != null) {
            throw new UserException("Use either --entity-name or --entity-default, not both");
        }
        if (alter && entityName == null && !entityDefault) {
            throw new UserException("An entity name must be specified with --alter of " + entityType
                    + (type == ConfigResource.Type.BROKER ? " (or --entity-default for every broker)" : ""));
        }
        if (type == ConfigResource.Type.BROKER && entityName != null && !entityName.matches("\\d+")) {
            throw new UserException(
                    "The entity name for brokers must be a valid integer broker id, but it is: " + entityName);
        }
        if (alter && addConfig == null && deleteConfig == null) {
            throw new UserException("At least one of --add-config or --delete-config must be specified with --alter");
        }
        if (describe && (addConfig != null || deleteConfig != null)) {
            throw new UserException("Options --add-config and --delete-config can only be used with --alter");
        }
        if (all && !describe) {
            throw new UserException("Option --all can only be used with --describe");
        }
        return type;
    }

    private void alter(Admin admin, ConfigResource resource) {
        List<AlterConfigOp> ops = new ArrayList<>();
        Map<String, String> toSet = addConfig == null ? Map.of() : KeyValues.configList(addConfig, "--add-config");
        List<String> toDelete = deleteConfig == null ? List.of() : KeyValues.names(deleteConfig);
        for (String key : toDelete) {
            if (toSet.containsKey(key)) {
                throw new UserException("Config " + key + " is both added and deleted");
            }
        }
        toSet.forEach((k, v) -> ops.add(AlterConfigOp.set(k, v)));
        toDelete.forEach(k -> ops.add(AlterConfigOp.delete(k)));
        admin.incrementalAlterConfigs(Map.of(resource, ops)).get();
        skiff.out()
                .println(
                        isDefault(resource)
                                ? "Completed updating default config for brokers in the cluster."
                                : "Completed updating config for " + noun(resource) + " " + resource.name() + ".");
    }

    private List<ConfigResource> targets(Admin admin, ConfigResource.Type type) {
        List<ConfigResource> out = new ArrayList<>();
        if (entityDefault) {
            out.add(new ConfigResource(type, ""));
        } else if (entityName != null) {
            out.add(new ConfigResource(type, entityName));
        } else if (type == ConfigResource.Type.TOPIC) {
            Futures.get(admin.listTopics(true)).forEach(t -> out.add(new ConfigResource(type, t)));
        } else {
            for (Node n : Futures.get(admin.describeCluster()).brokers()) {
                out.add(new ConfigResource(type, String.valueOf(n.id())));
            }
        }
        return out;
    }

    private void describe(Admin admin, ConfigResource resource, PrintStream out) {
        List<ConfigEntry> entries =
                admin.describeConfigs(List.of(resource)).get().get(resource);
        out.println(
                isDefault(resource)
                        ? "Default configs for brokers in the cluster are:"
                        : (all ? "All" : "Dynamic") + " configs for " + noun(resource) + " " + resource.name()
                                + " are:");
        // As kafka-configs: without --all, only what is set on the entity itself.
        ConfigEntry.Source own = resource.type() == ConfigResource.Type.TOPIC
                ? ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG
                : isDefault(resource)
                        ? ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG
                        : ConfigEntry.Source.DYNAMIC_BROKER_CONFIG;
        for (ConfigEntry e : entries) {
            if (all || e.source() == own) {
                out.println("  " + e.name() + "=" + e.value() + " sensitive=false synonyms={" + e.source() + ":"
                        + e.name() + "=" + e.value() + "}");
            }
        }
    }

    private static boolean isDefault(ConfigResource r) {
        return r.type() == ConfigResource.Type.BROKER && r.name().isEmpty();
    }

    private static String noun(ConfigResource r) {
        return r.type() == ConfigResource.Type.TOPIC ? "topic" : "broker";
    }
}
