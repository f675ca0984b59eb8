package dev.skiff.client;

/** A broker as advertised: node id, client endpoint and rack (empty if unset). */
public record Node(int id, String host, int port, String rack) {
    @Override
    public String toString() {
        return host + ":" + port + " (id: " + id + (rack.isEmpty() ? "" : " rack: " + rack) + ")";
    }
}
