package dev.skiff.broker.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One entry of {@code controller.quorum.voters}: {@code id@host:port}. */
public record Voter(int nodeId, Endpoint endpoint) {
    /** Parses {@code 1@127.0.0.1:9093,2@127.0.0.2:9093}; ids must be unique and non-negative. */
    public static List<Voter> parseList(String raw) {
        List<Voter> out = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String part : raw.split(",", -1)) {
            String p = part.trim();
            int at = p.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("'" + p + "' is not id@host:port");
            }
            int id;
            try {
                id = Integer.parseInt(p.substring(0, at));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("voter id in '" + p + "' is not a number", e);
            }
            if (id < 0 || !ids.add(id)) {
                throw new IllegalArgumentException("voter id " + id + " is negative or listed twice");
            }
            out.add(new Voter(id, Endpoint.parse(p.substring(at + 1))));
        }
        return List.copyOf(out);
    }
}
