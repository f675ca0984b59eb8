package dev.skiff.cli;

import dev.skiff.client.ConsumerRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/** Kafka's DefaultMessageFormatter: timestamp, partition, offset, key, value, each on demand, joined by key.separator. */
final class RecordFormatter {
    static final Set<String> PROPERTIES = Set.of(
            "print.key",
            "print.value",
            "print.offset",
            "print.partition",
            "print.timestamp",
            "key.separator",
            "line.separator",
            "null.literal");

    private final boolean printTimestamp;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printKey;
    private final boolean printValue;
    private final String keySeparator;
    private final String lineSeparator;
    private final String nullLiteral;

    RecordFormatter(Map<String, String> props) {
        for (String key : props.keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw new UserException("Unknown --property " + key + " (known: "
                        + String.join(", ", new java.util.TreeSet<>(PROPERTIES)) + ")");
            }
        }
        printTimestamp = flag(props, "print.timestamp", false);
        printPartition = flag(props, "print.partition", false);
        printOffset = flag(props, "print.offset", false);
        printKey = flag(props, "print.key", false);
        printValue = flag(props, "print.value", true);
        keySeparator = unescape(props.getOrDefault("key.separator", "\t"));
        lineSeparator = unescape(props.getOrDefault("line.separator", "\n"));
        nullLiteral = props.getOrDefault("null.literal", "null");
    }

    private static boolean flag(Map<String, String> props, String key, boolean defaultValue) {
        String v = props.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new UserException("Invalid value " + v + " for --property " + key + ": expected true or false");
        }
        return Boolean.parseBoolean(v);
    }

    private static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r");
    }

    void write(ConsumerRecord r, PrintStream out) {
        StringBuilder sb = new StringBuilder();
        if (printTimestamp) {
            sb.append(r.timestampType()).append(':').append(r.timestampMs());
            separator(sb, printPartition || printOffset || printKey || printValue);
        }
        if (printPartition) {
            sb.append("Partition:").append(r.partition());
            separator(sb, printOffset || printKey || printValue);
        }
        if (printOffset) {
            sb.append("Offset:").append(r.offset());
            separator(sb, printKey || printValue);
        }
        if (printKey) {
            sb.append(text(r.key()));
            separator(sb, printValue);
        }
        if (printValue) {
            sb.append(text(r.value())).append(lineSeparator);
        }
        out.print(sb);
    }

    private void separator(StringBuilder sb, boolean moreColumns) {
        sb.append(moreColumns ? keySeparator : lineSeparator);
    }

    private String text(byte[] b) {
        return b == null ? nullLiteral : new String(b, StandardCharsets.UTF_8);
    }
}
