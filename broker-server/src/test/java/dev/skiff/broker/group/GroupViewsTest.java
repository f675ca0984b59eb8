package dev.skiff.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.ListedGroup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ListGroups and DescribeGroups views of the core. */
class GroupViewsTest {
    private final Harness h = new Harness(Harness.limits(0));

    @Test
    void listsByStateAndDescribesMembers() {
        String a = h.newMember("g");
        h.join("g", a);
        h.sync("g", a, 1, Map.of(a, "x"));
        h.commit("e", -1, "", "", 1);
        List<ListedGroup> all = GroupViews.list(h.shard, Set.of());
        assertEquals(2, all.size());
        List<ListedGroup> stable = GroupViews.list(h.shard, Set.of(GroupState.STABLE));
        assertEquals(1, stable.size());
        assertEquals("g", stable.get(0).getGroupId());
        assertEquals("consumer", stable.get(0).getProtocolType());
        assertEquals("Stable", stable.get(0).getState());

        DescribedGroup g = GroupViews.describe(h.shard, "g", 7);
        assertEquals("Stable", g.getState());
        assertEquals("range", g.getProtocol());
        assertEquals(1, g.getGenerationId());
        assertEquals(7, g.getCoordinator());
        assertEquals("/10.0.0.1", g.getMembers(0).getClientHost());
        assertEquals("c", g.getMembers(0).getClientId());
        assertEquals("x", g.getMembers(0).getMemberAssignment().toStringUtf8());
        assertTrue(g.getMembers(0).getMemberMetadata().size() > 0);

        DescribedGroup unknown = GroupViews.describe(h.shard, "nope", 7);
        assertEquals("Dead", unknown.getState());
        assertEquals(0, unknown.getMembersCount());
    }
}
