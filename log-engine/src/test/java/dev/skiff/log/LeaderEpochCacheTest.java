package dev.skiff.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.log.LeaderEpochCache.EpochEndOffset;
import dev.skiff.log.LeaderEpochCache.EpochEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void answersEndOffsetForEpochAsKip279Says() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(5, 30);
        assertEquals(new EpochEndOffset(5, 42), cache.endOffsetFor(5, 42), "latest epoch ends at the log end");
        assertEquals(new EpochEndOffset(2, 30), cache.endOffsetFor(2, 42));
        assertEquals(new EpochEndOffset(2, 30), cache.endOffsetFor(3, 42), "unknown epoch: largest below it");
        assertEquals(new EpochEndOffset(5, 42), cache.endOffsetFor(9, 42));
        assertEquals(new EpochEndOffset(-1, -1), cache.endOffsetFor(0, 42), "every known epoch is larger");
    }

    @Test
    void persistsInKafkasCheckpointFormat() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(0, 0);
        cache.assign(3, 7);
        assertEquals(List.of("0", "2", "0 0", "3 7"), Files.readAllLines(dir.resolve("leader-epoch-checkpoint")));
        assertEquals(
                List.of(new EpochEntry(0, 0), new EpochEntry(3, 7)),
                LeaderEpochCache.load(dir).entries());
    }

    @Test
    void truncatesFromEndAndStart() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);
        cache.truncateFromEnd(20);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 10)), cache.entries());
        cache.truncateFromStart(15);
        assertEquals(List.of(new EpochEntry(2, 15)), cache.entries());
        assertEquals(List.of(new EpochEntry(2, 15)), LeaderEpochCache.load(dir).entries());
    }

    @Test
    void newEpochReplacesEntriesItContradicts() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(2, 12);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 10)), cache.entries(), "repeat is ignored");
        cache.assign(3, 5);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 5)), cache.entries());
    }

    @Test
    void refusesACorruptCheckpoint() throws IOException {
        Files.writeString(dir.resolve("leader-epoch-checkpoint"), "0\n2\n1 0\nx y\n");
        IOException e = assertThrows(IOException.class, () -> LeaderEpochCache.load(dir));
        assertEquals(true, e.getMessage().contains("bad line 'x y'"), e.getMessage());
    }
}
