package dev.skiff.cli;

import dev.skiff.client.Header;
import dev.skiff.client.internals.RecordBatchCodec;
import dev.skiff.client.internals.RecordBatchCodec.BatchInfo;
import dev.skiff.client.internals.RecordBatchCodec.DecodedBatch;
import dev.skiff.client.internals.RecordBatchCodec.DecodedRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code skiff dump-log}: kafka-dump-log's view of a segment file, read directly (no cluster) through
 * the client's RecordBatch codec: per batch its offsets, count, producer fields, position, size,
 * compression and whether its CRC is valid; with {@code --print-data-log} every record too.
 */
@Command(
        name = "dump-log",
        description = "Print the batches (and records) of .log segment files, as kafka-dump-log does.")
final class DumpLogCommand implements Callable<Integer> {
    @ParentCommand
    private Skiff skiff;

    @Mixin
    private ConnectionOptions ignoredConnection;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Segment files (00000000000000000000.log, ...).")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--files",
            paramLabel = "FILE[,FILE...]",
            split = ",",
            description = "Segment files, as kafka-dump-log takes them.")
    List<Path> moreFiles = new ArrayList<>();

    @Option(
            names = "--print-data-log",
            description = "Print every record's offset, timestamp, key and payload (implies --deep-iteration).")
    boolean printDataLog;

    @Option(names = "--deep-iteration", description = "Print every record's metadata, without its contents.")
    boolean deepIteration;

    @Override
    public Integer call() {
        List<Path> all = new ArrayList<>(files);
        all.addAll(moreFiles);
        if (all.isEmpty()) {
            throw new UserException("Missing segment file: skiff dump-log FILE [FILE...]");
        }
        for (Path f : all) {
            if (!Files.isRegularFile(f)) {
                throw new UserException("No such file: " + f);
            }
        }
        PrintStream out = skiff.out();
        for (Path f : all) {
            dump(f, out);
        }
        return Skiff.OK;
    }

    private void dump(Path file, PrintStream out) {
        out.println("Dumping " + file);
        String name = file.getFileName().toString();
        if (name.matches("\\d+\\.log")) {
            out.println("Log starting offset: " + Long.parseLong(name.substring(0, name.indexOf('.'))));
        }
        boolean deep = printDataLog || deepIteration;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new UserException("File too large to dump (over 2 GiB): " + file);
            }
            MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            long valid = RecordBatchCodec.scan(data, deep, batch -> print(batch, deep, out));
            if (size > valid) {
                out.println("Found " + (size - valid) + " invalid bytes at the end of " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void print(DecodedBatch batch, boolean deep, PrintStream out) {
        out.println(batchLine(batch.info()));
        if (!deep) {
            return;
        }
        if (batch.recordsError() != null) {
            out.println("| records unreadable: " + batch.recordsError());
            return;
        }
        for (DecodedRecord r : batch.records()) {
            out.println(recordLine(batch.info(), r, printDataLog));
        }
    }

    static String batchLine(BatchInfo b) {
        return "baseOffset: " + b.baseOffset()
                + " lastOffset: " + b.lastOffset()
                + " count: " + b.count()
                + " baseSequence: " + b.baseSequence()
                + " lastSequence: " + b.lastSequence()
                + " producerId: " + b.producerId()
                + " producerEpoch: " + b.producerEpoch()
                + " partitionLeaderEpoch: " + b.partitionLeaderEpoch()
                + " isTransactional: " + b.transactional()
                + " isControl: " + b.control()
                + " deleteHorizonMs: " + b.deleteHorizonMs()
                + " position: " + b.position()
                + " " + b.timestampType() + ": " + b.maxTimestamp()
                + " size: " + b.sizeBytes()
                + " magic: " + b.magic()
                + " compresscodec: " + b.compression().configName()
                + " crc: " + b.crc()
                + " isvalid: " + b.valid();
    }

    static String recordLine(BatchInfo b, DecodedRecord r, boolean contents) {
        StringBuilder sb = new StringBuilder("| offset: ")
                .append(r.offset())
                .append(' ')
                .append(b.timestampType())
                .append(": ")
                .append(r.timestampMs())
                .append(" keySize: ")
                .append(r.keySize())
                .append(" valueSize: ")
                .append(r.valueSize())
                .append(" sequence: ")
                .append(r.sequence())
                .append(" headerKeys: ")
                .append(r.headers().stream().map(Header::key).collect(Collectors.joining(",", "[", "]")));
        if (contents && !b.control()) {
            if (r.key() != null) {
                sb.append(" key: ").append(new String(r.key(), StandardCharsets.UTF_8));
            }
            if (r.value() != null) {
                sb.append(" payload: ").append(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }
}
