package dev.skiff.broker.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerSessionsTest {
    /** Checks every 100 ms from {@code fromMs} to {@code toMs}, as the active controller does; the brokers fenced, in order. */
    private static List<Integer> checks(BrokerSessions s, List<Integer> unfenced, long fromMs, long toMs) {
        List<Integer> fenced = new ArrayList<>();
        List<Integer> live = new ArrayList<>(unfenced);
        for (long t = fromMs; t <= toMs; t += 100) {
            List<Integer> expired = s.expired(live, t);
            fenced.addAll(expired);
            live.removeAll(expired);
        }
        return fenced;
    }

    @Test
    void fencesOnlyBrokersSilentLongerThanTheSession() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        assertEquals(List.of(), checks(s, List.of(1, 2, 3), 0, 400), "sessions start when first seen");
        s.heartbeat(1, 500);
        assertEquals(List.of(), checks(s, List.of(1, 2, 3), 500, 800));
        s.heartbeat(2, 900);
        assertEquals(List.of(), checks(s, List.of(1, 2, 3), 900, 1000));
        assertEquals(List.of(3, 1), checks(s, List.of(1, 2, 3), 1100, 1600));
        s.heartbeat(2, 1600);
        assertEquals(List.of(), checks(s, List.of(2), 1700, 2000), "fenced brokers are not judged again");
        assertEquals(List.of(), checks(s, List.of(1, 2), 2100, 2600), "an unfenced broker gets a fresh session");
        assertEquals(List.of(2, 1), checks(s, List.of(1, 2), 2700, 3200));
    }

    @Test
    void anUnfencingStartsASessionWhateverHeartbeatsWereMissedWhileFenced() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        s.heartbeat(1, 0);
        assertEquals(List.of(), checks(s, List.of(), 0, 2000), "broker 1 is fenced, and silent");
        assertEquals(List.of(), checks(s, List.of(1), 2100, 3100), "it asked to be unfenced at 2100: alive then");
        assertEquals(List.of(1), checks(s, List.of(1), 3200, 3200));
    }

    @Test
    void aControllerWhoseChecksWereHeldUpGivesEveryBrokerTheGrace() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        s.heartbeat(1, 0);
        s.heartbeat(2, 0);
        assertEquals(List.of(), checks(s, List.of(1, 2), 0, 500));
        // No check from 500 to 2000 (a pause): heartbeats sent meanwhile may not have been read yet.
        assertEquals(List.of(), s.expired(List.of(1, 2), 2000), "silence during its own pause proves nothing");
        s.heartbeat(2, 2100);
        assertEquals(List.of(), checks(s, List.of(1, 2), 2100, 2500));
        assertEquals(List.of(1), checks(s, List.of(1, 2), 2600, 2600), "still silent a grace after the pause");
        assertEquals(List.of(), checks(s, List.of(2), 2700, 3100));
        assertEquals(List.of(2), checks(s, List.of(2), 3200, 3200));
    }

    @Test
    void aNewTermGivesEveryBrokerAGraceButRemembersWhoWentSilent() {
        BrokerSessions s = new BrokerSessions(1000, 200);
        s.heartbeat(1, 10);
        s.heartbeat(2, 4900);
        s.startTerm(5000);
        assertEquals(List.of(), checks(s, List.of(1, 2, 3), 5000, 5400), "broker 1 silent long before: two heartbeats");
        assertEquals(List.of(1), checks(s, List.of(1, 2, 3), 5500, 5500));
        assertEquals(List.of(), checks(s, List.of(2, 3), 5600, 5900), "broker 2 keeps its recent heartbeat");
        assertEquals(List.of(2), checks(s, List.of(2, 3), 6000, 6000));
        assertEquals(List.of(3), checks(s, List.of(3), 6100, 6100), "never heard of: a full session from first sight");
    }

    @Test
    void silentBrokersAreTheOnesPastTheSilenceButNotYetPastTheSession() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        s.heartbeat(1, 0);
        s.heartbeat(2, 0);
        s.expired(List.of(1, 2, 3), 0);
        s.heartbeat(2, 400);
        assertEquals(List.of(1, 3), s.silentLongerThan(List.of(1, 2, 3), 500, 600));
        assertEquals(List.of(), s.silentLongerThan(List.of(2), 500, 600), "only the unfenced brokers named");
        assertEquals(List.of(1, 2, 3), s.silentLongerThan(List.of(1, 2, 3), 500, 901));
    }

    @Test
    void aBrokerFencedEarlyHasItsSessionEndedAndANewOneOnItsNextUnfencing() {
        BrokerSessions s = new BrokerSessions(1000, 250);
        s.startTerm(0);
        s.heartbeat(1, 0);
        s.expired(List.of(1), 0);
        s.end(1);
        assertEquals(List.of(), s.silentLongerThan(List.of(1), 500, 700), "no session: nothing to judge");
        assertEquals(List.of(), checks(s, List.of(), 100, 2000), "fenced meanwhile");
        assertEquals(List.of(), checks(s, List.of(1), 2100, 3100), "unfenced at 2100: a session from then");
        assertEquals(List.of(1), checks(s, List.of(1), 3200, 3200));
    }
}
