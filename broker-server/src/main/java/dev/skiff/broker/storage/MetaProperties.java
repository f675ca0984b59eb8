package dev.skiff.broker.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * {@code meta.properties} in every data directory: which cluster and node the directory belongs
 * to. Written on first start (no format step); afterwards a directory of another cluster or node
 * is refused, so a misconfigured node never serves or overwrites someone else's data.
 */
public record MetaProperties(String clusterId, int nodeId) {
    public static final String FILE_NAME = "meta.properties";
    static final int VERSION = 1;

    /**
     * Reads the directory's identity, or writes this one if the directory is new.
     *
     * @param clusterId the cluster id to write into a new directory, or null to adopt the one found
     * @throws IOException if the directory belongs to another cluster or node, saying which
     */
    public static MetaProperties ensure(Path dir, String clusterId, int nodeId) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            MetaProperties found = read(file);
            if (found.nodeId != nodeId) {
                throw new IOException(dir + " belongs to node " + found.nodeId + ", but this is node.id=" + nodeId
                        + "; point log.dirs at this node's own directory");
            }
            if (clusterId != null && !clusterId.equals(found.clusterId)) {
                throw new IOException(dir + " belongs to cluster " + found.clusterId + ", not " + clusterId
                        + "; point log.dirs at this cluster's directory or remove the old data");
            }
            return found;
        }
        if (clusterId == null) {
            throw new IllegalArgumentException("a new data directory needs a cluster id");
        }
        MetaProperties fresh = new MetaProperties(clusterId, nodeId);
        fresh.write(file);
        return fresh;
    }

    /** The identity stored in {@code dir}, if it has one. */
    public static java.util.Optional<MetaProperties> readIfPresent(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        return Files.exists(file) ? java.util.Optional.of(read(file)) : java.util.Optional.empty();
    }

    private static MetaProperties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String version = p.getProperty("version", "");
        if (!version.equals(Integer.toString(VERSION))) {
            throw new IOException(file + " has version '" + version + "'; this skiff reads version " + VERSION);
        }
        String cluster = p.getProperty("cluster.id", "");
        String node = p.getProperty("node.id", "");
        try {
            if (cluster.isBlank()) {
                throw new NumberFormatException("no cluster.id");
            }
            return new MetaProperties(cluster, Integer.parseInt(node));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged (cluster.id '" + cluster + "', node.id '" + node + "')", e);
        }
    }

    private void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", Integer.toString(VERSION));
        p.setProperty("cluster.id", clusterId);
        p.setProperty("node.id", Integer.toString(nodeId));
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "skiff data directory identity; do not edit");
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel ch = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
