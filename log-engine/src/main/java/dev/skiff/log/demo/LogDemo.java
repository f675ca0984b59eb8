package dev.skiff.log.demo;

import dev.skiff.log.AppendInfo;
import dev.skiff.log.Compression;
import dev.skiff.log.KafkaRecordFormat;
import dev.skiff.log.Log;
import dev.skiff.log.LogConfig;
import dev.skiff.log.LogManager;
import dev.skiff.log.LogReadInfo;
import dev.skiff.log.LogRecord;
import dev.skiff.log.RecordData;
import dev.skiff.log.TimestampType;
import dev.skiff.log.TopicPartition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tour of the storage engine until the node exists: writes a partition the way a producer would,
 * reads it back the way a consumer would, and shows the files. {@code mvn -q -pl log-engine compile
 * exec:java [-Ddemo.dir=DIR] [-Ddemo.records=N] [-Ddemo.compression=lz4]}.
 */
public final class LogDemo {
    private LogDemo() {}

    public static void main(String[] args) {
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("skiff log demo: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("skiff log demo: I/O error: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args, PrintStream out) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: LogDemo DIR RECORDS COMPRESSION");
        }
        Path logDir = Path.of(args[0]).toAbsolutePath();
        int records = parseRecords(args[1]);
        Compression compression = Compression.parse(args[2]);
        Clock clock = Clock.systemUTC();
        LogConfig config = LogConfig.defaults().with(Map.of(LogConfig.SEGMENT_BYTES, Integer.toString(64 * 1024)));
        TopicPartition tp = new TopicPartition("quickstart-events", 0);

        try (LogManager manager = LogManager.open(logDir, topic -> config, clock)) {
            out.printf(
                    "opened %s in %d ms (%s shutdown before)%n",
                    logDir, manager.openDurationMs(), manager.hadCleanShutdown() ? "clean" : "no clean");
            Log log = manager.getOrCreate(tp, "demo-topic-id");
            long first = log.logEndOffset();
            AppendInfo hi = log.appendAsLeader(encode(clock, compression, List.of("hi consumer")), 0);
            out.printf("appended 'hi consumer' at offset %d%n", hi.firstOffset());
            List<String> values = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                values.add("This is event " + i);
                if (values.size() == 100 || i == records - 1) {
                    log.appendAsLeader(encode(clock, compression, values), 0);
                    values.clear();
                }
            }
            out.printf(
                    "appended %d more records (%s): log end offset %d, %d segment(s), %d bytes, fsynced up to %d%n",
                    records,
                    compression.name().toLowerCase(java.util.Locale.ROOT),
                    log.logEndOffset(),
                    log.segmentCount(),
                    log.sizeBytes(),
                    log.flushedOffset());
            LogReadInfo read = log.read(first, 4096, log.logEndOffset(), true);
            List<LogRecord> got =
                    KafkaRecordFormat.decode(read.slice().orElseThrow().readAll());
            out.printf(
                    "read from offset %d: %d record(s) in whole batches, first = '%s'%n",
                    first, got.size(), new String(got.get(0).value(), StandardCharsets.UTF_8));
            out.printf("segment files in %s:%n", log.dir());
            for (long base : log.segmentBaseOffsets()) {
                out.printf("  %020d.log  .index  .timeindex%n", base);
            }
            out.printf(
                    "look at the bytes: xxd %s | grep -A1 'hi con'%n", log.dir().resolve("00000000000000000000.log"));
        }
    }

    private static int parseRecords(String raw) {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n < 0 || n > 10_000_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "demo.records '" + raw + "' must be a whole number from 0 to 10000000", e);
        }
    }

    private static java.nio.ByteBuffer encode(Clock clock, Compression compression, List<String> values) {
        List<RecordData> batch = new ArrayList<>();
        for (String v : values) {
            batch.add(new RecordData(null, v.getBytes(StandardCharsets.UTF_8), clock.millis()));
        }
        return KafkaRecordFormat.encode(0, compression, TimestampType.CREATE_TIME, batch);
    }
}
