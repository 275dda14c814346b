package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertHoldsAddress;
import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.ONE_TICK;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.VIP2;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.lastAdvertFrom;
import static io.carp.testkit.Vips.masterDown;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import io.carp.DropReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover when a master dies, and the timing bound it obeys. */
class FailoverTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule: every vhid is elected on its own, so one node can back up several groups (the FreeBSD handbook / seed
     * article topology: A master of vhid 1, B master of vhid 2, C advskew 100 backup of both). Killing A moves only
     * vhid 1, within master-down ({@code 3*advbase + advskew/256} s) of A's last advert plus the link delay.
     */
    @Test
    void shouldMoveOnlyTheDeadMastersVhidWhenOneNodeBacksUpTwoGroups() {
        a.start(group(1, 0));
        b.start(group(2, 0));
        c.start(group(1, 100));
        c.start(group(2, 100));
        network.advanceBy(seconds(10.5));

        assertMasterIs(a, 1);
        assertMasterIs(b, 2);
        assertState(c, 1, CarpState.BACKUP);
        assertState(c, 2, CarpState.BACKUP);
        assertHoldsAddress(a, VIP1);
        assertHoldsAddress(b, VIP2);

        a.kill();
        Duration lastFromA = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(Duration.ofSeconds(10));

        assertTookOverWithin(c, 1, lastFromA, masterDown(1, 100).plus(LINK_DELAY));
        assertMasterIs(c, 1);
        assertMasterIs(b, 2);
        assertState(c, 2, CarpState.BACKUP);
        assertHoldsAddress(c, VIP1);
        assertFalse(c.holdsAddress(VIP2), "C must not take vhid 2's address: B is alive");
    }

    /**
     * Rule: a backup takes over when it has heard nothing for master-down = {@code 3*1 + 100/256} s = 3.390625 s,
     * measured from the master's last advert: not earlier than master-down minus one tick, not later than master-down
     * plus the link delay.
     */
    @Test
    void shouldTakeOverWithinMasterDownOfTheLastAdvertWhenTheMasterIsKilled() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.7));
        a.kill();
        Duration lastFromA = lastAdvertFrom(network, "A", 1).time();

        assertTrue(network.runUntil(() -> c.state(1) == CarpState.MASTER, Duration.ofSeconds(10)));

        Duration took = network.now().minus(lastFromA);
        Duration bound = masterDown(1, 100);
        assertTrue(took.compareTo(bound.plus(LINK_DELAY)) <= 0, "took " + took + ", bound " + bound);
        assertTrue(took.compareTo(bound.minus(ONE_TICK)) >= 0, "took " + took + ", too early for " + bound);
        assertEquals(bound.plus(LINK_DELAY), took, "a perfect link: exactly master-down after C heard A");
    }

    /**
     * Rule: a master that shuts down cleanly sends the bow-out advert (advbase 255, advskew 255); a backup takes over
     * on receiving it, in the same virtual instant plus the link delay, not after master-down.
     */
    @Test
    void shouldTakeOverAtOnceWhenTheMasterBowsOut() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        Duration closedAt = network.now();

        a.close();

        RecordedAdvertisement last = lastAdvertFrom(network, "A", 1);
        assertTrue(last.isBowOut(), "A's last advert is the bow-out: " + last);
        assertEquals(closedAt, last.time());
        assertFalse(a.holdsAddress(VIP1), "a closing master releases its address at once");
        network.advanceBy(LINK_DELAY);
        assertMasterIs(c, 1);
        assertEquals(LINK_DELAY, assertTookOverWithin(c, 1, closedAt, LINK_DELAY));
        List<RecordedTransition> cTransitions = Vips.transitionsOf(network, "C", 1);
        assertTrue(cTransitions.get(cTransitions.size() - 1).reason().startsWith("bow-out received from 198.18.0.1"),
                cTransitions.toString());
    }

    /**
     * Rule: a demoted master loses to undemoted peers even without preempt (OpenBSD demote byte, FreeBSD demotion in
     * advskew): the master advertises its demotion at once and the backup takes over on that advert.
     */
    @Test
    void shouldMoveMastershipWithoutPreemptWhenTheMasterIsDemoted() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        Duration demotedAt = network.now();

        a.group(1).setDemotion(50, "maintenance");
        network.advanceBy(Duration.ofSeconds(1));

        assertMasterIs(c, 1);
        assertTookOverWithin(c, 1, demotedAt, LINK_DELAY);
        assertState(a, 1, CarpState.BACKUP);
        assertHoldsAddress(c, VIP1);
        assertFalse(a.holdsAddress(VIP1));
        network.advanceBy(Duration.ofSeconds(30));
        CarpAssertions.assertNoFlapping(network, 1, demotedAt.plus(seconds(0.5)));
    }

    /** Rule: a callback that throws is counted and never stops the protocol: the node still fails over and serves. */
    @Test
    void shouldStillFailOverWhenACallbackThrows() {
        a.start(group(1, 0));
        c.start(group(1, 100)
                .onMaster(e -> {
                    throw new IllegalStateException("boom in onMaster");
                })
                .onBackup(e -> {
                    throw new IllegalStateException("boom in onBackup");
                }));
        network.advanceBy(seconds(10.5));
        assertEquals(1, c.group(1).stats().callbackFailures(), "onBackup at start threw once");

        a.kill();
        network.advanceBy(Duration.ofSeconds(10));

        assertMasterIs(c, 1);
        assertEquals(2, c.group(1).stats().callbackFailures(), "onMaster threw too");
        assertHoldsAddress(c, VIP1);
        long fromC = network.advertisements().stream().filter(x -> x.sender().equals("C")).count();
        assertTrue(fromC >= 6, "C advertises as master: " + fromC);
        assertEquals(0, c.group(1).stats().dropped(DropReason.BAD_AUTH));
    }

    /**
     * Rule: advbase 0 is OpenBSD's sub-second mode: the interval is advskew/256 s and master-down
     * {@code 3*advskew/256} s. With advskews 26 and 52 the backup takes over within 3*52/256 s (0.609 s).
     */
    @Test
    void shouldFailOverWithinThreeSkewsWhenAdvbaseIsZero() {
        a.start(group(1, 26).advbase(0));
        c.start(group(1, 52).advbase(0));
        network.advanceBy(seconds(5.05));
        assertMasterIs(a, 1);

        a.kill();
        Duration lastFromA = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(Duration.ofSeconds(2));

        Duration took = assertTookOverWithin(c, 1, lastFromA, masterDown(0, 52).plus(LINK_DELAY));
        assertTrue(took.compareTo(masterDown(0, 52).minus(ONE_TICK)) >= 0, "too early: " + took);
        assertEquals(seconds(3 * 52 / 256.0), masterDown(0, 52));
    }

    /** Rule: in sub-second mode a steady master is never challenged on a perfect link: no flap over 60 s. */
    @Test
    void shouldNotFlapForAMinuteWhenAdvbaseIsZero() {
        a.start(group(1, 26).advbase(0));
        c.start(group(1, 52).advbase(0));
        network.advanceBy(Duration.ofSeconds(1));
        assertMasterIs(a, 1);
        Duration settled = network.now();
        int before = network.advertisementCount();

        network.advanceBy(Duration.ofSeconds(60));

        CarpAssertions.assertNoFlapping(network, 1, settled);
        assertMasterIs(a, 1);
        int adverts = network.advertisementCount() - before;
        assertEquals(Math.floor(60 / (26 / 256.0)), adverts, 1.0, "one advert per 26/256 s");
    }
}
