package dev.skiff.broker.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerSessionsTest {
    @Test
    void fencesOnlyBrokersSilentLongerThanTheSession() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        assertEquals(List.of(), s.expired(List.of(1, 2, 3), 0), "sessions start when first seen");
        s.heartbeat(1, 500);
        s.heartbeat(2, 900);
        assertEquals(List.of(), s.expired(List.of(1, 2, 3), 1000));
        assertEquals(List.of(1, 3), s.expired(List.of(1, 2, 3), 1501));
        s.heartbeat(2, 1600);
        assertEquals(List.of(), s.expired(List.of(2), 2000), "fenced brokers are not judged again");
        assertEquals(List.of(), s.expired(List.of(1, 2), 2100), "an unfenced broker gets a fresh session");
        s.heartbeat(2, 3000);
        assertEquals(List.of(1), s.expired(List.of(1, 2), 3101));
    }

    @Test
    void aNewTermGivesEveryBrokerAGraceButRemembersWhoWentSilent() {
        BrokerSessions s = new BrokerSessions(1000, 200);
        s.heartbeat(1, 10);
        s.heartbeat(2, 4900);
        s.startTerm(5000);
        assertEquals(List.of(), s.expired(List.of(1, 2, 3), 5399), "broker 1 silent long before: two heartbeats");
        assertEquals(List.of(1), s.expired(List.of(1, 2, 3), 5401));
        assertEquals(List.of(), s.expired(List.of(2, 3), 5900), "broker 2 keeps its recent heartbeat");
        assertEquals(List.of(2), s.expired(List.of(2, 3), 5901));
        assertEquals(List.of(3), s.expired(List.of(3), 6501), "never heard of: a full session from first sight");
    }
}
