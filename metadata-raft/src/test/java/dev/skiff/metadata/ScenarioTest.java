package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden scenarios (STYLE 16): commands in, transcript out. Each {@code scenarios/NAME.txt} under
 * the test resources holds commands; the test runs them through {@link ControllerDecisions} and
 * {@link MetadataImage#apply} and compares the transcript (every command with its outcome, and the
 * image wherever a {@code show} asks for it) with {@code scenarios/NAME.golden}. After an intended
 * change, rewrite the golden files with {@code -Dgolden.update=true} and review the diff.
 *
 * <p>Commands: {@code register ID [rack=R] [incarnation=N] [storage=new]}, {@code unfence ID}, {@code fence ID},
 * {@code unregister ID}, {@code create TOPIC PARTITIONS RF [k=v…]}, {@code delete TOPIC}, {@code
 * add-partitions TOPIC COUNT}, {@code config TOPIC k=v|k=}, {@code shrink-isr TOPIC INDEX
 * BROKER…} (as the leader, with the current epochs), {@code stale-isr TOPIC INDEX BROKER…} (with
 * the partition epoch before the last change), {@code show}.
 */
class ScenarioTest {
    private static final Path DIR = Path.of("src/test/resources/scenarios");

    private final ControllerDecisions decisions =
            new ControllerDecisions(ControllerSettings.DEFAULTS, ConfigValidator.ACCEPT_ALL, new Random(0));
    private MetadataImage image = Fixtures.applied(MetadataImage.EMPTY, MetadataRecords.clusterId("golden"));
    private final StringBuilder transcript = new StringBuilder();

    @ParameterizedTest
    @ValueSource(strings = {"create-and-describe", "broker-failover", "stale-changes", "lost-storage"})
    void transcriptMatchesTheGoldenFile(String name) throws IOException {
        for (String line : Files.readAllLines(DIR.resolve(name + ".txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            transcript.append("> ").append(line).append('\n');
            run(line.trim().split("\\s+"));
        }
        Path golden = DIR.resolve(name + ".golden");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, transcript.toString(), StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), transcript.toString());
    }

    private void run(String[] words) {
        List<String> args = Arrays.asList(words).subList(1, words.length);
        switch (words[0]) {
            case "register" -> {
                Map<String, String> options = options(args.subList(1, args.size()));
                int id = Integer.parseInt(args.get(0));
                Uuid incarnation = new Uuid(id, Long.parseLong(options.getOrDefault("incarnation", "1")));
                outcome(decisions.registerBroker(
                        image,
                        id,
                        incarnation,
                        List.of(new Endpoint("PLAINTEXT", "127.0.0." + id, 9092)),
                        Optional.ofNullable(options.get("rack")),
                        "new".equals(options.get("storage"))));
            }
            case "unfence" -> {
                int id = Integer.parseInt(args.get(0));
                Uuid incarnation =
                        image.broker(id).map(BrokerRegistration::incarnationId).orElse(Uuid.ZERO);
                outcome(decisions.unfenceBroker(image, id, incarnation));
            }
            case "fence" -> outcome(decisions.fenceBroker(image, Integer.parseInt(args.get(0))));
            case "unregister" -> outcome(decisions.unregisterBroker(image, Integer.parseInt(args.get(0))));
            case "create" -> outcome(decisions.createTopic(
                    image,
                    new NewTopic(
                            args.get(0),
                            Integer.parseInt(args.get(1)),
                            Integer.parseInt(args.get(2)),
                            options(args.subList(3, args.size())))));
            case "delete" -> outcome(decisions.deleteTopic(image, args.get(0)));
            case "add-partitions" -> outcome(
                    decisions.createPartitions(image, args.get(0), Integer.parseInt(args.get(1))));
            case "config" -> {
                List<ConfigOp> ops = new ArrayList<>();
                options(args.subList(1, args.size()))
                        .forEach((k, v) -> ops.add(v.isEmpty() ? ConfigOp.delete(k) : ConfigOp.set(k, v)));
                outcome(decisions.alterConfigs(image, ConfigResource.topic(args.get(0)), ops));
            }
            case "shrink-isr", "stale-isr" -> outcome(isrChange(args, words[0].equals("stale-isr")));
            case "show" -> transcript.append(render(image));
            default -> throw new IllegalArgumentException("unknown scenario command: " + words[0]);
        }
    }

    private Decision<PartitionState> isrChange(List<String> args, boolean stale) {
        TopicImage topic = image.topic(args.get(0)).orElseThrow();
        PartitionState p = topic.partition(Integer.parseInt(args.get(1))).orElseThrow();
        List<Integer> isr =
                args.subList(2, args.size()).stream().map(Integer::parseInt).toList();
        int partitionEpoch = stale ? p.partitionEpoch() - 1 : p.partitionEpoch();
        return decisions.alterPartition(
                image,
                new IsrChange(
                        topic.id(),
                        p.index(),
                        p.leader(),
                        p.leaderEpoch(),
                        partitionEpoch,
                        isr,
                        Fixtures.incarnations(image, isr)));
    }

    private void outcome(Decision<?> decision) {
        if (decision instanceof Decision.Refused<?> refused) {
            transcript
                    .append("refused ")
                    .append(refused.error())
                    .append(": ")
                    .append(refused.message())
                    .append('\n');
            return;
        }
        Decision.Accepted<?> accepted = (Decision.Accepted<?>) decision;
        if (accepted.changesNothing()) {
            transcript.append("ok, nothing to change\n");
            return;
        }
        ApplyResult result = image.apply(accepted.batch());
        if (result instanceof ApplyResult.Rejected rejected) {
            transcript.append("REJECTED BY APPLY ").append(rejected).append('\n');
            return;
        }
        image = ((ApplyResult.Applied) result).image();
        transcript
                .append("ok, ")
                .append(accepted.batch().getRecordsCount())
                .append(" record(s): ")
                .append(accepted.batch().getRecordsList().stream()
                        .map(r -> r.getRecordCase().name().toLowerCase(java.util.Locale.ROOT))
                        .collect(Collectors.joining(", ")))
                .append('\n');
    }

    /** The image as `kafka-topics --describe` users read it, plus the brokers. */
    static String render(MetadataImage image) {
        StringBuilder out = new StringBuilder();
        for (BrokerRegistration b : image.brokers().values()) {
            out.append("Broker: ")
                    .append(b.nodeId())
                    .append("\tEndpoints: ")
                    .append(b.endpoints())
                    .append("\tRack: ")
                    .append(b.rack().orElse("-"))
                    .append('\t')
                    .append(b.fenced() ? "fenced" : "unfenced")
                    .append('\n');
        }
        for (TopicImage t : image.topics()) {
            out.append("Topic: ")
                    .append(t.name())
                    .append("\tTopicId: ")
                    .append(t.id())
                    .append("\tPartitionCount: ")
                    .append(t.partitionCount())
                    .append("\tReplicationFactor: ")
                    .append(t.replicationFactor())
                    .append("\tConfigs: ")
                    .append(new TreeMap<>(t.configs())
                            .entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .collect(Collectors.joining(",")))
                    .append('\n');
            for (PartitionState p : t.partitions()) {
                out.append("\tTopic: ")
                        .append(t.name())
                        .append("\tPartition: ")
                        .append(p.index())
                        .append("\tLeader: ")
                        .append(p.hasLeader() ? Integer.toString(p.leader()) : "none")
                        .append("\tReplicas: ")
                        .append(join(p.replicas()))
                        .append("\tIsr: ")
                        .append(join(p.isr()))
                        .append("\tLeaderEpoch: ")
                        .append(p.leaderEpoch())
                        .append("\tPartitionEpoch: ")
                        .append(p.partitionEpoch())
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Map<String, String> options(List<String> words) {
        Map<String, String> options = new TreeMap<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            options.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return options;
    }
}
