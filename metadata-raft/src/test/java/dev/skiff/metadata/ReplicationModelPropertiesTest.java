package dev.skiff.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.skiff.metadata.ReplicationModel.Step;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * Replication safety with the real controller decisions in the loop ({@link ReplicationModel}):
 * random schedules of appends, fetches, flushes, metadata syncs, ISR requests, crashes (losing
 * unflushed data or the whole disk), restarts, fencing and unfencing, with at most RF−1 replicas
 * down at once and unclean election off. After every step no acknowledged entry is lost and the
 * replicas agree below their high watermarks. Tries come from {@code jqwik.tries.default}; a
 * failure prints the seed and the shrunk schedule.
 */
class ReplicationModelPropertiesTest {
    @Provide
    Arbitrary<List<Step>> schedules() {
        return ReplicationModel.steps()
                .list()
                .ofMinSize(1)
                .ofMaxSize(200)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void noAcknowledgedEntryIsLostAndReplicasAgreeBelowTheHighWatermark(
            @ForAll("schedules") List<Step> schedule, @ForAll long seed) {
        ReplicationModel model = new ReplicationModel(seed);
        schedule.forEach(model::step);
    }

    /**
     * What the property found: a follower acknowledged an entry, lost its disk and came back as a
     * new incarnation; its leader, judging it by the old incarnation's fetches, asked to add it to
     * the ISR, and the controller agreed, leaving an empty log in the ISR (electable). Now the
     * request names the incarnation it judged, and the controller refuses a stale one.
     */
    @Example
    void aFollowerBackWithANewDiskIsNotAddedToTheIsrForItsOldIncarnationsFetches() {
        ReplicationModel model = new ReplicationModel(1);
        List<Step> schedule = new ArrayList<>();
        schedule.add(new ReplicationModel.Append(0, true));
        for (int i = 0; i < 3; i++) {
            schedule.add(new ReplicationModel.Fetch(0, 1, true));
        }
        schedule.add(new ReplicationModel.Crash(2, true));
        for (int i = 0; i < 3; i++) {
            schedule.add(new ReplicationModel.Fetch(0, 1, true));
        }
        schedule.add(new ReplicationModel.Restart(0));
        schedule.add(new ReplicationModel.Sync(1));
        schedule.add(new ReplicationModel.Unfence(0));
        schedule.add(new ReplicationModel.Expand(0, 0));

        schedule.forEach(model::step);

        assertEquals(1, model.acknowledgedCount());
        assertFalse(model.isr().contains(2), () -> "ISR " + model.isr());
    }
}
