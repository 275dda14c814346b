package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertSingleMaster;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.interval;
import static io.carp.testkit.Vips.masterDown;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A master whose JVM stalls (GC pause, suspended VM) and comes back. */
class FreezeThawTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule: a stalled master sends nothing, so the backup takes over after master-down; on thaw the old master's
     * overdue timer and queued packets run in time order, the two masters hear each other and the slower one steps
     * down: dual mastership lasts at most one advert interval, then exactly one master remains.
     */
    @Test
    void shouldEndDualMastershipWithinOneIntervalWhenAFrozenMasterThaws() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        long lastCounterOfA = Vips.lastAdvertFrom(network, "A", 1).counter();
        a.freeze();
        network.advanceBy(Duration.ofSeconds(10));

        assertTookOverWithin(c, 1, Duration.ofSeconds(10), masterDown(1, 100).plus(LINK_DELAY));
        assertEquals(CarpState.MASTER, a.state(1), "frozen A still believes it is master");
        assertFalse(a.holdsAddress(VIP1), "A's address lifetime ran out while it was frozen");
        assertTrue(c.holdsAddress(VIP1));

        a.thaw();
        Duration thawedAt = network.now();
        boolean single = network.runUntil(() -> network.masters(1).size() == 1, interval(1, 0).plus(LINK_DELAY));

        assertTrue(single, "still two masters one interval after thaw:\n" + network.timelineTail(10));
        RecordedAdvertisement firstAfterThaw = network.advertisements().stream()
                .filter(x -> x.sender().equals("A") && x.time().compareTo(thawedAt) >= 0).findFirst().orElseThrow();
        assertEquals(thawedAt, firstAfterThaw.time());
        assertEquals(lastCounterOfA + 1, firstAfterThaw.counter(), "A's overdue timer (due at 11 s)"
                + " ran before the packets queued from 13.39 s on, which would have made A adopt C's counter");
        Duration dual = network.now().minus(thawedAt);
        assertTrue(dual.compareTo(interval(1, 0)) <= 0, "dual mastership lasted " + dual);
        network.advanceBy(interval(1, 0));
        assertMasterIs(a, 1);
        Duration settled = network.now();
        network.advanceBy(Duration.ofSeconds(20));
        assertNoFlapping(network, 1, settled);
        assertSingleMaster(network, 1);
        assertTrue(a.holdsAddress(VIP1) && !c.holdsAddress(VIP1), a.heldAddresses() + " / " + c.heldAddresses());
    }

    /** Rule: a frozen process's receive queue is bounded (1024 packets); the overflow is dropped and counted. */
    @Test
    void shouldDropPacketsBeyondTheQueueWhenFrozenLong() {
        a.start(group(1, 1).advbase(0)); // one advert every 1/256 s
        c.start(group(1, 200));
        network.advanceBy(Duration.ofSeconds(1));
        c.freeze();
        network.advanceBy(Duration.ofSeconds(5)); // about 1280 adverts from A

        assertTrue(c.packetsDroppedWhileFrozen() > 0, "dropped " + c.packetsDroppedWhileFrozen());
        c.thaw();
        network.advanceBy(Duration.ZERO);
        long received = c.group(1).stats().ipv4PacketsReceived();
        assertTrue(received > 1024, "C processed the queue on thaw: " + received);
    }
}
