package dev.skiff.metadata.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumVoterTest {
    @Test
    void votersParseFromKafkasSyntax() {
        assertEquals(
                List.of(new QuorumVoter(1, "127.0.0.1", 9093), new QuorumVoter(2, "::1", 9193)),
                QuorumVoter.parseVoters("1@127.0.0.1:9093, 2@[::1]:9193"));
        assertEquals("[::1]:9193", new QuorumVoter(2, "::1", 9193).address());
    }

    @Test
    void badVotersAreRefusedNamingTheKey() {
        for (String bad : List.of("", "1@host", "x@host:9093", "1@host:0", "1@:9093", "1@h:1,1@h:2")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> QuorumVoter.parseVoters(bad), bad);
            assertTrue(e.getMessage().contains("controller.quorum.voters"), e.getMessage());
        }
    }

    @Test
    void aNodeMustBeAVoterAndTheGroupIdFollowsTheClusterId() {
        List<QuorumVoter> voters = QuorumVoter.parseVoters("1@127.0.0.1:9093");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> QuorumConfig.of(2, voters, Path.of("x"), "c"));
        assertTrue(e.getMessage().contains("not among the voters"), e.getMessage());

        assertEquals(
                QuorumConfig.of(1, voters, Path.of("a"), "c").groupUuid(),
                QuorumConfig.of(1, voters, Path.of("b"), "c").groupUuid());
        assertTrue(!QuorumConfig.of(1, voters, Path.of("a"), "c")
                .groupUuid()
                .equals(QuorumConfig.of(1, voters, Path.of("a"), "d").groupUuid()));
    }
}
