package dev.skiff.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.skiff.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Kafka's reassignment JSON, as kafka-reassign-partitions reads and writes it: plans ({@code
 * {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,3]}]}}, where an optional
 * {@code log_dirs} may only say {@code "any"}), topics-to-move files ({@code
 * {"version":1,"topics":[{"topic":"t"}]}}), and the proposal of {@code --generate}. Pure: no I/O.
 */
final class ReassignmentPlan {
    private ReassignmentPlan() {}

    /** A plan's partitions with their target replicas, in file order; every problem named. */
    static Map<TopicPartition, List<Integer>> parsePlan(String json, String file) {
        JsonObject root = object(json, file);
        checkVersion(root, file);
        JsonArray partitions = array(root, "partitions", file);
        if (partitions.isEmpty()) {
            throw new UserException(file + " lists no partitions: give at least one {\"topic\":…,\"partition\":…,"
                    + "\"replicas\":[…]}");
        }
        Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < partitions.size(); i++) {
            String where = file + ": partitions[" + i + "]";
            if (!partitions.get(i).isJsonObject()) {
                throw new UserException(where + " is not an object");
            }
            JsonObject p = partitions.get(i).getAsJsonObject();
            String topic = string(p, "topic", where);
            int partition = integer(p.get("partition"), where + ".partition");
            if (partition < 0) {
                throw new UserException(where + ".partition must be 0 or more, not " + partition);
            }
            List<Integer> replicas = brokerIds(array(p, "replicas", where), where + ".replicas");
            if (replicas.isEmpty()) {
                throw new UserException(where + ".replicas is empty: a partition needs at least one replica"
                        + " (to stop a move, use --cancel)");
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new UserException(where + ".replicas " + replicas + " names a broker twice");
            }
            if (p.has("log_dirs")) {
                JsonArray dirs = array(p, "log_dirs", where);
                for (JsonElement d : dirs) {
                    if (!d.isJsonPrimitive() || !"any".equals(d.getAsString())) {
                        throw new UserException(where + ".log_dirs may only say \"any\": skiff places a replica in"
                                + " the broker's log directories itself");
                    }
                }
                if (dirs.size() != replicas.size()) {
                    throw new UserException(
                            where + ".log_dirs has " + dirs.size() + " entries for " + replicas.size() + " replicas");
                }
            }
            TopicPartition tp = new TopicPartition(topic, partition);
            if (out.put(tp, replicas) != null) {
                throw new UserException(file + " lists partition " + tp + " twice");
            }
        }
        return out;
    }

    /** The topics of a topics-to-move file, in file order. */
    static List<String> parseTopics(String json, String file) {
        JsonObject root = object(json, file);
        checkVersion(root, file);
        JsonArray topics = array(root, "topics", file);
        if (topics.isEmpty()) {
            throw new UserException(file + " lists no topics: give at least one {\"topic\":…}");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            String where = file + ": topics[" + i + "]";
            if (!topics.get(i).isJsonObject()) {
                throw new UserException(where + " is not an object");
            }
            String t = string(topics.get(i).getAsJsonObject(), "topic", where);
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** A plan as Kafka's tool prints it: one line of JSON, partitions in topic and partition order. */
    static String toJson(Map<TopicPartition, List<Integer>> plan) {
        SortedMap<TopicPartition, List<Integer>> sorted =
                new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        sorted.putAll(plan);
        JsonArray partitions = new JsonArray();
        sorted.forEach((tp, replicas) -> {
            JsonObject p = new JsonObject();
            p.addProperty("topic", tp.topic());
            p.addProperty("partition", tp.partition());
            JsonArray r = new JsonArray();
            replicas.forEach(r::add);
            p.add("replicas", r);
            JsonArray dirs = new JsonArray();
            replicas.forEach(x -> dirs.add("any"));
            p.add("log_dirs", dirs);
            partitions.add(p);
        });
        JsonObject root = new JsonObject();
        root.addProperty("version", 1);
        root.add("partitions", partitions);
        return root.toString();
    }

    /**
     * The proposal of {@code --generate}: each partition keeps its replication factor, spread over
     * {@code brokers} so that replicas and preferred leaders (first replicas) are as even as the
     * counts allow. Deterministic: partition i of the n-th topic starts at broker (i + n) mod the
     * broker count, the next replicas following in broker order.
     */
    static Map<TopicPartition, List<Integer>> generate(
            Map<TopicPartition, List<Integer>> current, Collection<Integer> brokerList) {
        List<Integer> brokers = new ArrayList<>(new java.util.TreeSet<>(brokerList));
        Map<String, Integer> topicOrder = new HashMap<>();
        Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
        SortedMap<TopicPartition, List<Integer>> sorted =
                new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        sorted.putAll(current);
        for (Map.Entry<TopicPartition, List<Integer>> e : sorted.entrySet()) {
            TopicPartition tp = e.getKey();
            int rf = e.getValue().size();
            if (rf > brokers.size()) {
                throw new UserException("Replication factor: " + rf + " of " + tp + " larger than available brokers: "
                        + brokers.size() + " in --broker-list " + brokers + "; list more brokers");
            }
            int shift = topicOrder.computeIfAbsent(tp.topic(), t -> topicOrder.size());
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < rf; r++) {
                replicas.add(brokers.get((tp.partition() + shift + r) % brokers.size()));
            }
            out.put(tp, replicas);
        }
        return out;
    }

    /** Parses {@code --broker-list 1,2,3}. */
    static Set<Integer> brokerList(String text) {
        Set<Integer> out = new java.util.LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String s = part.trim();
            try {
                int id = Integer.parseInt(s);
                if (id < 0) {
                    throw new NumberFormatException();
                }
                if (!out.add(id)) {
                    throw new UserException("--broker-list names broker " + id + " twice");
                }
            } catch (NumberFormatException e) {
                throw new UserException(
                        "Invalid --broker-list '" + text + "': '" + s + "' is not a broker id (use e.g. 1,2,3)");
            }
        }
        return out;
    }

    private static JsonObject object(String json, String file) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new UserException(file + " is not valid JSON: " + Skiff.oneLine(e.getMessage()));
        }
        if (root == null || !root.isJsonObject()) {
            throw new UserException(file + " must hold a JSON object such as {\"version\":1,…}");
        }
        return root.getAsJsonObject();
    }

    private static void checkVersion(JsonObject root, String file) {
        JsonElement v = root.get("version");
        if (v != null && !(v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && v.getAsInt() == 1)) {
            throw new UserException(file + ": version " + v + " is not supported: the format has version 1");
        }
    }

    private static JsonArray array(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) {
            throw new UserException(where + " has no \"" + key + "\" list");
        }
        if (!e.isJsonArray()) {
            throw new UserException(where + ": \"" + key + "\" must be a list, not " + e);
        }
        return e.getAsJsonArray();
    }

    private static String string(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null
                || !e.isJsonPrimitive()
                || !e.getAsJsonPrimitive().isString()
                || e.getAsString().isEmpty()) {
            throw new UserException(where + " needs a \"" + key + "\" name");
        }
        return e.getAsString();
    }

    private static int integer(JsonElement e, String where) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new UserException(where + " must be a whole number, not " + e);
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        double d = p.getAsDouble();
        if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw new UserException(where + " must be a whole number, not " + p);
        }
        return (int) d;
    }

    private static List<Integer> brokerIds(JsonArray a, String where) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            int id = integer(a.get(i), where + "[" + i + "]");
            if (id < 0) {
                throw new UserException(where + "[" + i + "] must be a broker id (0 or more), not " + id);
            }
            out.add(id);
        }
        return out;
    }
}
