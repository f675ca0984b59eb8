package dev.skiff.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.Consumer;
import dev.skiff.client.ConsumerConfig;
import dev.skiff.client.ConsumerRecord;
import dev.skiff.client.TopicPartition;
import dev.skiff.client.testing.FakeCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer against the client's fake cluster over TCP: lines in the file become records. */
class FileTailProducerTest {
    @TempDir
    Path dir;

    @Test
    void sendsEachLineAsARecordWithoutAKeyAndFlushesWhenStopped() throws Exception {
        Path file = Files.writeString(dir.resolve("app.log"), "already there\n");
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (FakeCluster cluster = new FakeCluster(1).startTcp()) {
            cluster.createTopic("logs", 1, 1);
            FileTailProducer.Arguments arguments =
                    FileTailProducer.parse("--from-beginning", cluster.bootstrap(), "logs", file.toString());
            CountDownLatch stop = new CountDownLatch(1);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Future<?> run = runner.submit(() -> {
                FileTailProducer.run(arguments, stop, new PrintStream(err, true, StandardCharsets.UTF_8));
                return null;
            });
            List<String> sent = new ArrayList<>(List.of("already there"));
            for (int i = 0; i < 5; i++) {
                sent.add("line " + i);
                Files.writeString(file, "line " + i + "\n", StandardOpenOption.APPEND);
            }
            List<String> read = new ArrayList<>();
            try (Consumer consumer =
                    new Consumer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
                TopicPartition tp = new TopicPartition("logs", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                        assertEquals(null, r.key());
                        read.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    return read.size() >= sent.size();
                });
            }
            stop.countDown();
            run.get();
            assertEquals(sent, read);
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        } finally {
            runner.shutdownNow();
        }
    }
}
