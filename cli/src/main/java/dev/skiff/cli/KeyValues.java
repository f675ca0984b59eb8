package dev.skiff.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsing of {@code k=v} arguments as Kafka's tools accept them. */
final class KeyValues {
    private KeyValues() {}

    /** Each argument is one {@code key=value}; the value may contain '='. */
    static Map<String, String> pairs(List<String> args, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null) {
            return out;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UserException("Invalid " + flag + " '" + a + "': expected key=value");
            }
            out.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * {@code k1=v1,k2=[a,b],k3=v3} as kafka-configs' {@code --add-config}: commas separate entries
     * except inside square brackets, which hold a list value.
     */
    static Map<String, String> configList(String text, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : splitOutsideBrackets(text)) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new UserException("Invalid " + flag + " entry '" + entry.trim() + "': expected key=value");
            }
            String value = entry.substring(eq + 1).trim();
            if (value.startsWith("[") && value.endsWith("]")) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(entry.substring(0, eq).trim(), value);
        }
        return out;
    }

    /** {@code k1,k2} as kafka-configs' {@code --delete-config}. */
    static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        for (String n : text.split(",")) {
            if (!n.isBlank()) {
                out.add(n.trim());
            }
        }
        return out;
    }

    private static List<String> splitOutsideBrackets(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ',' && depth == 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
