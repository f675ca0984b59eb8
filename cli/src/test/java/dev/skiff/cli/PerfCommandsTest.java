package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.TopicPartition;
import dev.skiff.client.testing.FakeCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PerfCommandsTest {
    private static final String FINAL_LINE =
            "\\d+ records sent, \\d+\\.\\d{6} records/sec \\(\\d+\\.\\d{2} MB/sec\\), \\d+\\.\\d{2} ms avg latency, "
                    + "\\d+\\.\\d{2} ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99\\.9th\\.";

    private final FakeCluster cluster = new FakeCluster(1).startTcp();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void producerPerfSendsAndReports() {
        cluster.createTopic("perf", 2, 1);
        Cli.Result r = Cli.run(
                "producer-perf-test",
                "--topic",
                "perf",
                "--num-records",
                "300",
                "--record-size",
                "100",
                "--throughput",
                "-1",
                "--producer-props",
                "acks=1",
                "linger.ms=1",
                "--bootstrap-server",
                cluster.bootstrap());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.outLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches(FINAL_LINE), last);
        assertTrue(last.startsWith("300 records sent, "), last);
        long stored = cluster.records(new TopicPartition("perf", 0)).size()
                + cluster.records(new TopicPartition("perf", 1)).size();
        assertEquals(300, stored);
        assertEquals(
                100,
                cluster.records(new TopicPartition("perf", 0)).isEmpty()
                        ? cluster.records(new TopicPartition("perf", 1)).get(0).value().length
                        : cluster.records(new TopicPartition("perf", 0)).get(0).value().length);
    }

    @Test
    void producerPerfHonoursThroughput() {
        cluster.createTopic("perf", 1, 1);
        long start = System.nanoTime();
        Cli.Result r = Cli.run(
                "producer-perf-test",
                "--topic",
                "perf",
                "--num-records",
                "20",
                "--record-size",
                "10",
                "--throughput",
                "50",
                "--bootstrap-server",
                cluster.bootstrap());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exit(), r.toString());
        assertTrue(tookMs >= 350, "20 records at 50/s take about 400 ms: " + tookMs);
    }

    @Test
    void statsPrintKafkasWindowAndTotalLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PerfStats stats = new PerfStats(4, 5_000, 0, out);
        stats.record(0, 10, 1_048_576, 1_000);
        stats.record(1, 30, 1_048_576, 2_000);
        stats.record(2, 20, 1_048_576, 5_000);
        stats.record(3, 40, 1_048_576, 8_000);
        stats.printTotal(10_000);
        assertEquals(
                "3 records sent, 0.6 records/sec (0.60 MB/sec), 20.0 ms avg latency, 30.0 ms max latency.\n"
                        + "4 records sent, 0.400000 records/sec (0.40 MB/sec), 25.00 ms avg latency, 40.00 ms max latency, 30 ms 50th, 40 ms 95th, 40 ms 99th, 40 ms 99.9th.\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void throttlerSpacesSends() {
        Throttler t = new Throttler(100, 1_000);
        assertEquals(0, t.waitMs(0, 1_000));
        assertEquals(100, t.waitMs(10, 1_000));
        assertEquals(0, t.waitMs(10, 1_100));
        assertEquals(0, new Throttler(-1, 0).waitMs(1_000_000, 0));
    }

    @Test
    void consumerPerfReadsAndPrintsTheCsv() {
        cluster.createTopic("perf", 2, 1);
        Cli.run(
                "producer-perf-test",
                "--topic",
                "perf",
                "--num-records",
                "100",
                "--record-size",
                "50",
                "--throughput",
                "-1",
                "--bootstrap-server",
                cluster.bootstrap());
        Cli.Result r = Cli.run(
                "consumer-perf-test",
                "--topic",
                "perf",
                "--messages",
                "100",
                "--bootstrap-server",
                cluster.bootstrap());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.outLines();
        assertEquals(ConsumerPerfCommand.HEADER, lines.get(0));
        assertEquals(
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                lines.get(0));
        assertTrue(
                lines.get(1)
                        .matches(
                                "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}, 0\\.0048, \\d+\\.\\d{4}, 100, \\d+\\.\\d{4}, 0, \\d+, \\d+\\.\\d{4}, \\d+\\.\\d{4}"),
                lines.get(1));
        assertEquals("", r.err());
    }

    @Test
    void consumerPerfWarnsOnTimeout() {
        cluster.createTopic("perf", 1, 1);
        Cli.Result r = Cli.run(
                "consumer-perf-test",
                "--topic",
                "perf",
                "--messages",
                "5",
                "--timeout",
                "300",
                "--hide-header",
                "--bootstrap-server",
                cluster.bootstrap());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.outLines().size());
        assertTrue(r.outLines().get(0).contains(", 0.0000, 0.0000, 0, 0.0000, 0, "), r.out());
        assertEquals(
                "WARNING: Exiting before consuming the expected number of messages: timeout (300 ms) exceeded. You can use the --timeout option to increase the timeout.\n",
                r.err());
    }

    @Test
    void csvRowNumbers() {
        String row = ConsumerPerfCommand.row(0, 2_000, 10L * 1024 * 1024, 1_000, 0);
        assertTrue(row.endsWith(", 10.0000, 5.0000, 1000, 500.0000, 0, 2000, 5.0000, 500.0000"), row);
    }
}
