package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.testing.FakeCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigsCommandTest {
    private final FakeCluster cluster = new FakeCluster(2).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Cli.Result configs(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "configs";
        all[1] = "--bootstrap-server";
        all[2] = cluster.bootstrap();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    @Test
    void alterAndDescribeATopic() {
        cluster.createTopic("t", 1, 1);
        Cli.Result set = configs(
                "--alter",
                "--entity-type",
                "topics",
                "--entity-name",
                "t",
                "--add-config",
                "retention.ms=1000,cleanup.policy=[compact,delete]");
        assertEquals(0, set.exit(), set.toString());
        assertEquals("Completed updating config for topic t.\n", set.out());
        assertEquals(Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete"), cluster.topic("t").configs);

        assertEquals(
                List.of(
                        "Dynamic configs for topic t are:",
                        "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete}",
                        "  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}"),
                configs("--describe", "--entity-type", "topics", "--entity-name", "t")
                        .outLines());

        assertEquals(
                0,
                configs("--alter", "--entity-type", "topics", "--entity-name", "t", "--delete-config", "retention.ms")
                        .exit());
        assertEquals(Map.of("cleanup.policy", "compact,delete"), cluster.topic("t").configs);

        List<String> all = configs("--describe", "--entity-type", "topics", "--entity-name", "t", "--all")
                .outLines();
        assertEquals("All configs for topic t are:", all.get(0));
        assertEquals(
                "  retention.ms=604800000 sensitive=false synonyms={DEFAULT_CONFIG:retention.ms=604800000}",
                all.get(6));
    }

    @Test
    void brokers() {
        Cli.Result set = configs(
                "--alter", "--entity-type", "brokers", "--entity-name", "2", "--add-config", "log.cleaner.threads=2");
        assertEquals("Completed updating config for broker 2.\n", set.out());
        assertEquals(
                List.of(
                        "Dynamic configs for broker 1 are:",
                        "Dynamic configs for broker 2 are:",
                        "  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2}"),
                configs("--describe", "--entity-type", "brokers").outLines());
    }

    @Test
    void errorsFromTheBroker() {
        Cli.Result missing = configs("--describe", "--entity-type", "topics", "--entity-name", "nope");
        assertEquals(1, missing.exit());
        assertEquals("Error: Topic 'nope' does not exist.\n", missing.err());
        cluster.createTopic("t", 1, 1);
        Cli.Result bad = configs("--alter", "--entity-type", "topics", "--entity-name", "t", "--add-config", "bogus=1");
        assertEquals(1, bad.exit());
        assertEquals("Error: Unknown topic config name: bogus\n", bad.err());
    }

    @Test
    void entityDefaultIsForBrokersAlone() {
        Cli.Result topics = configs("--describe", "--entity-type", "topics", "--entity-default");
        assertEquals(1, topics.exit());
        assertEquals(
                "Error: --entity-default is only for --entity-type brokers; name a topic with --entity-name\n",
                topics.err());
        Cli.Result both = configs("--describe", "--entity-type", "brokers", "--entity-default", "--entity-name", "1");
        assertEquals(1, both.exit());
        assertEquals("Error: Use either --entity-name or --entity-default, not both\n", both.err());
        Cli.Result nameless = configs("--alter", "--entity-type", "brokers", "--add-config", "log.retention.ms=1");
        assertEquals(1, nameless.exit());
        assertEquals(
                "Error: An entity name must be specified with --alter of brokers (or --entity-default for every"
                        + " broker)\n",
                nameless.err());
    }
}
