package dev.skiff.broker.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's config reference is the user's front door: every key skiff reads must be in it. */
class ReadmeReferenceTest {
    @Test
    void everyServerKeyIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String key : ServerKeys.all().keySet()) {
            assertTrue(readme.contains("| `" + key + "` |"), "README.md config reference lacks " + key);
        }
    }
}
