package dev.skiff.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Kafka ProducerPerformance's statistics: a window line every reporting interval and a total with
 * latency percentiles (from a sample of at most 500,000 latencies). Time comes in as arguments.
 * Thread-safe: producer callbacks record from the network thread.
 */
final class PerfStats {
    private final long startMs;
    private final int reportingIntervalMs;
    private final int sampling;
    private final int[] latencies;
    private final PrintStream out;
    private int index;
    private long count;
    private long bytes;
    private int maxLatency;
    private long totalLatency;
    private long windowStartMs;
    private long windowCount;
    private int windowMaxLatency;
    private long windowTotalLatency;
    private long windowBytes;

    PerfStats(long numRecords, int reportingIntervalMs, long startMs, PrintStream out) {
        this.startMs = startMs;
        this.windowStartMs = startMs;
        this.reportingIntervalMs = reportingIntervalMs;
        this.sampling = (int) (numRecords / Math.min(Math.max(numRecords, 1), 500_000));
        this.latencies = new int[(int) (numRecords / Math.max(1, sampling)) + 1];
        this.out = out;
    }

    synchronized void record(long iteration, int latencyMs, int recordBytes, long nowMs) {
        count++;
        bytes += recordBytes;
        totalLatency += latencyMs;
        maxLatency = Math.max(maxLatency, latencyMs);
        windowCount++;
        windowBytes += recordBytes;
        windowTotalLatency += latencyMs;
        windowMaxLatency = Math.max(windowMaxLatency, latencyMs);
        if (iteration % Math.max(1, sampling) == 0 && index < latencies.length) {
            latencies[index++] = latencyMs;
        }
        if (nowMs - windowStartMs >= reportingIntervalMs) {
            printWindow(nowMs);
            windowStartMs = nowMs;
            windowCount = 0;
            windowMaxLatency = 0;
            windowTotalLatency = 0;
            windowBytes = 0;
        }
    }

    private void printWindow(long nowMs) {
        long elapsed = Math.max(1, nowMs - windowStartMs);
        double recsPerSec = 1000.0 * windowCount / elapsed;
        double mbPerSec = 1000.0 * windowBytes / elapsed / (1024.0 * 1024.0);
        out.printf(
                Locale.ROOT,
                "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n",
                windowCount,
                recsPerSec,
                mbPerSec,
                windowTotalLatency / (double) windowCount,
                (double) windowMaxLatency);
    }

    synchronized void printTotal(long nowMs) {
        long elapsed = Math.max(1, nowMs - startMs);
        double recsPerSec = 1000.0 * count / elapsed;
        double mbPerSec = 1000.0 * bytes / elapsed / (1024.0 * 1024.0);
        int[] percs = percentiles(0.5, 0.95, 0.99, 0.999);
        out.printf(
                Locale.ROOT,
                "%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
                count,
                recsPerSec,
                mbPerSec,
                count == 0 ? 0.0 : totalLatency / (double) count,
                (double) maxLatency,
                percs[0],
                percs[1],
                percs[2],
                percs[3]);
    }

    private int[] percentiles(double... ps) {
        int size = Math.min(index, latencies.length);
        Arrays.sort(latencies, 0, size);
        int[] values = new int[ps.length];
        for (int i = 0; i < ps.length; i++) {
            values[i] = size == 0 ? 0 : latencies[Math.min(size - 1, (int) (ps[i] * size))];
        }
        return values;
    }
}
