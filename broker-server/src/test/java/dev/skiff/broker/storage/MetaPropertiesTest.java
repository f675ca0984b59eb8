package dev.skiff.broker.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory keeps its identity: another cluster's or node's directory is refused untouched. */
class MetaPropertiesTest {
    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDirectoryOfAnotherClusterIsRefusedNamingBothClusterIdsAndLeftAsItWas() throws IOException {
        Path dir = tmp.resolve("data");
        MetaProperties.ensure(dir, "cluster-theirs", 1);
        byte[] before = Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME));
        List<String> namesBefore = names(dir);

        IOException e = assertThrows(IOException.class, () -> MetaProperties.ensure(dir, "cluster-ours", 1));

        assertTrue(e.getMessage().contains("cluster-theirs"), e.getMessage());
        assertTrue(e.getMessage().contains("cluster-ours"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME)));
        assertEquals(namesBefore, names(dir), "no file was added or removed");
        assertEquals(Optional.of(new MetaProperties("cluster-theirs", 1)), MetaProperties.readIfPresent(dir));
    }

    @Test
    void aDirectoryOfAnotherNodeIsRefusedNamingBothNodeIds() throws IOException {
        Path dir = tmp.resolve("data");
        MetaProperties.ensure(dir, "c", 7);
        byte[] before = Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME));

        IOException e = assertThrows(IOException.class, () -> MetaProperties.ensure(dir, "c", 3));

        assertTrue(e.getMessage().contains("node 7") && e.getMessage().contains("node.id=3"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME)));
    }

    @Test
    void theOwnIdentityIsAcceptedAndANullClusterIdAdoptsTheStoredOne() throws IOException {
        Path dir = tmp.resolve("data");
        assertEquals(new MetaProperties("c1", 2), MetaProperties.ensure(dir, "c1", 2));
        byte[] written = Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME));
        assertEquals(new MetaProperties("c1", 2), MetaProperties.ensure(dir, "c1", 2));
        assertEquals(new MetaProperties("c1", 2), MetaProperties.ensure(dir, null, 2));
        assertArrayEquals(written, Files.readAllBytes(dir.resolve(MetaProperties.FILE_NAME)), "not rewritten");
        assertEquals(List.of(MetaProperties.FILE_NAME), names(dir), "no temp file left behind");
    }

    @Test
    void aDamagedOrNewerFileIsRefusedNamingTheFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path file = dir.resolve(MetaProperties.FILE_NAME);
        Files.writeString(file, "version=1\ncluster.id=c\nnode.id=one\n");
        IOException damaged = assertThrows(IOException.class, () -> MetaProperties.ensure(dir, "c", 1));
        assertTrue(
                damaged.getMessage().contains(file.toString())
                        && damaged.getMessage().contains("one"),
                damaged.getMessage());

        Files.writeString(file, "version=2\ncluster.id=c\nnode.id=1\n");
        IOException newer = assertThrows(IOException.class, () -> MetaProperties.ensure(dir, "c", 1));
        assertTrue(newer.getMessage().contains("version '2'"), newer.getMessage());
        assertEquals("version=2\ncluster.id=c\nnode.id=1\n", Files.readString(file));
    }
}
