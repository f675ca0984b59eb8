package dev.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.client.QuorumInfo;
import dev.skiff.client.QuorumInfo.ReplicaState;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MetadataQuorumCommandTest {
    private static final QuorumInfo QUORUM = new QuorumInfo(
            "c1",
            2,
            7,
            120,
            List.of(
                    new ReplicaState(1, 118, OptionalLong.of(9_900), OptionalLong.of(9_000)),
                    new ReplicaState(2, 120, OptionalLong.of(10_000), OptionalLong.of(10_000)),
                    new ReplicaState(3, 120, OptionalLong.of(9_950), OptionalLong.of(9_950))),
            List.of(new ReplicaState(4, 120, OptionalLong.of(9_980), OptionalLong.of(9_980))));

    @Test
    void statusIsKafkasBlock() {
        assertEquals(
                List.of(
                        "ClusterId:              c1",
                        "LeaderId:               2",
                        "LeaderEpoch:            7",
                        "HighWatermark:          120",
                        "MaxFollowerLag:         2",
                        "MaxFollowerLagTimeMs:   1000",
                        "CurrentVoters:          [1,2,3]",
                        "CurrentObservers:       [4]"),
                MetadataQuorumCommand.statusLines(QUORUM, 10_000));
    }

    @Test
    void replicationListsTheLeaderFirstThenFollowersThenObservers() {
        List<String> lines = MetadataQuorumCommand.replicationLines(QUORUM, 10_000);
        assertEquals("NodeId  LogEndOffset  Lag  LastFetchTimestamp  LastCaughtUpTimestamp  Status", lines.get(0));
        assertEquals("2       120           0    10000               10000                  Leader", lines.get(1));
        assertEquals("1       118           2    9900                9000                   Follower", lines.get(2));
        assertEquals("4       120           0    9980                9980                   Observer", lines.get(4));
    }

    @Test
    void unknownCatchUpMakesTheLagTimeUnknown() {
        QuorumInfo q = new QuorumInfo(
                "c1",
                1,
                1,
                5,
                List.of(
                        new ReplicaState(1, 5, OptionalLong.of(1), OptionalLong.of(1)),
                        new ReplicaState(2, 3, OptionalLong.empty(), OptionalLong.empty())),
                List.of());
        assertEquals(
                "MaxFollowerLagTimeMs:   -1",
                MetadataQuorumCommand.statusLines(q, 10).get(5));
        assertEquals(
                "2       3             2    -1                  -1                     Follower",
                MetadataQuorumCommand.replicationLines(q, 10).get(2));
    }

    @Test
    void needsExactlyOneOfStatusOrReplication() {
        Cli.Result none = Cli.run("metadata-quorum", "describe");
        assertEquals(1, none.exit(), none.toString());
        assertEquals(
                "Error: metadata-quorum describe needs exactly one of --status or --replication",
                none.errLines().get(0));
        Cli.Result both = Cli.run("metadata-quorum", "describe", "--status", "--replication");
        assertEquals(1, both.exit(), both.toString());
    }
}
