package dev.skiff.client.internals;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A broker address, {@code host:port}; IPv6 literals are written {@code [::1]:9092}. */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid address " + host + ":" + port);
        }
    }

    /** Parses one {@code host:port}; returns null if it is not one. */
    public static HostPort parseOrNull(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return null;
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        if (host.isEmpty() || host.indexOf(' ') >= 0 || host.indexOf('/') >= 0) {
            return null;
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        return port < 1 || port > 65535 ? null : new HostPort(host, port);
    }

    /**
     * Parses {@code host:port[,host:port...]}.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static List<HostPort> parseList(String text) {
        List<HostPort> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                continue;
            }
            HostPort hp = parseOrNull(part);
            if (hp == null) {
                throw new IllegalArgumentException("Invalid url: " + part.trim() + " (expected host:port)");
            }
            out.add(hp);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No bootstrap urls given (expected host:port[,host:port...])");
        }
        return List.copyOf(out);
    }

    /** Joins addresses as they were given: {@code a:1,b:2}. */
    public static String join(List<HostPort> addresses) {
        StringBuilder sb = new StringBuilder();
        for (HostPort hp : addresses) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(hp);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
