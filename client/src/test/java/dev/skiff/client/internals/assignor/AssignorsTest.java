package dev.skiff.client.internals.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.client.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssignorsTest {
    @Test
    void protocolNamesAndKafkaClassNames() {
        assertInstanceOf(RangeAssignor.class, Assignors.forName("range"));
        assertInstanceOf(RoundRobinAssignor.class, Assignors.forName("roundrobin"));
        assertInstanceOf(CooperativeStickyAssignor.class, Assignors.forName("cooperative-sticky"));
        assertInstanceOf(RangeAssignor.class, Assignors.forName("org.apache.kafka.clients.consumer.RangeAssignor"));
        assertInstanceOf(
                RoundRobinAssignor.class, Assignors.forName("org.apache.kafka.clients.consumer.RoundRobinAssignor"));
        assertInstanceOf(
                CooperativeStickyAssignor.class,
                Assignors.forName("org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
    }

    @Test
    void namesAndProtocols() {
        assertEquals("range", new RangeAssignor().name());
        assertEquals(RebalanceProtocol.EAGER, new RangeAssignor().protocol());
        assertEquals("roundrobin", new RoundRobinAssignor().name());
        assertEquals(RebalanceProtocol.EAGER, new RoundRobinAssignor().protocol());
        assertEquals("cooperative-sticky", new CooperativeStickyAssignor().name());
        assertEquals(RebalanceProtocol.COOPERATIVE, new CooperativeStickyAssignor().protocol());
    }

    @Test
    void unknownAndMiscasedNamesListTheAcceptedOnes() {
        for (String name :
                List.of("Range", "sticky", "org.apache.kafka.clients.consumer.StickyAssignor", "", " range")) {
            ConfigException e = assertThrows(ConfigException.class, () -> Assignors.forName(name));
            assertTrue(e.getMessage().contains("partition.assignment.strategy"), e.getMessage());
            assertTrue(e.getMessage().contains("range, roundrobin, cooperative-sticky"), e.getMessage());
        }
        assertThrows(ConfigException.class, () -> Assignors.forName(null));
    }

    @Test
    void listsKeepTheirOrderAndTrimBlanks() {
        List<PartitionAssignor> assignors =
                Assignors.forNames(" cooperative-sticky , org.apache.kafka.clients.consumer.RangeAssignor,");
        assertEquals(
                List.of("cooperative-sticky", "range"),
                assignors.stream().map(PartitionAssignor::name).toList());
    }

    @Test
    void listsMustNameSomethingAndNothingTwice() {
        assertThrows(ConfigException.class, () -> Assignors.forNames(""));
        assertThrows(ConfigException.class, () -> Assignors.forNames(" , "));
        assertThrows(
                ConfigException.class,
                () -> Assignors.forNames("range,org.apache.kafka.clients.consumer.RangeAssignor"));
        assertThrows(ConfigException.class, () -> Assignors.forNames("range,bogus"));
    }
}
