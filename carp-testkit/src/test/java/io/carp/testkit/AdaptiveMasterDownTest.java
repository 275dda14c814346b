package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.ONE_TICK;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.lastAdvertFrom;
import static io.carp.testkit.Vips.masterDown;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import io.carp.internal.time.CarpTiming;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loss-adaptive master-down on a simulated network: A (advskew 0) is master, B (advskew 100, dead ratio 3) backs it
 * up, both opting in to {@code adaptToLoss(true)} (off by default). Failover is measured from A's last advert on the
 * wire to B's transition to MASTER. Each seed is one deterministic run; several seeds show the rule is not one lucky draw.
 */
class AdaptiveMasterDownTest {
    /** B's longest adaptive wait: 4 x deadRatio x advbase + advskew/256 = 12.390625 s. */
    private static final Duration CAPPED_WAIT =
            Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(1, 100, 12)));

    private SimulatedNetwork network;
    private SimulatedNode a;
    private SimulatedNode b;

    @AfterEach
    void close() {
        if (network != null) {
            network.close();
        }
    }

    private void elect(long seed) {
        network = SimulatedNetwork.create(seed);
        a = network.node("A");
        b = network.node("B");
        a.start(group(1, 0).adaptToLoss(true));
        b.start(group(1, 100).adaptToLoss(true));
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
    }

    /** Five minutes of 30% random loss (no flap: see LossyLinkTest), then the given link model. */
    private void lossyPeriodThen(LinkModel after) {
        network.linkModel(LossyLink.withLoss(0.30));
        network.advanceBy(Duration.ofMinutes(5));
        assertMasterIs(a, 1);
        network.linkModel(after);
    }

    /** Kills A half-way between two adverts and returns how long B took from A's last advert on the wire. */
    private Duration killAAndMeasureFailover(Duration bound) {
        network.advanceBy(Duration.ofMillis(500));
        a.kill();
        Duration lastFromA = lastAdvertFrom(network, "A", 1).time();
        network.advanceBy(Duration.ofSeconds(20));
        Duration took = assertTookOverWithin(b, 1, lastFromA, bound);
        assertMasterIs(b, 1);
        return took;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldReplaceAMasterKilledUnderThirtyPercentLossWithinFourTimesDeadRatio(long seed) {
        // Rule: under loss the backup waits longer than deadRatio intervals (here at least 6: 0.3^3 would flap), but
        // never longer than 4 x deadRatio intervals after the last advert it heard.
        elect(seed);
        lossyPeriodThen(LossyLink.withLoss(0.30));

        Duration took = killAAndMeasureFailover(CAPPED_WAIT.plus(LINK_DELAY));

        assertTrue(took.compareTo(masterDown(1, 100).plus(LINK_DELAY)) > 0,
                "under 30% loss B waited longer than the plain 3.39 s: " + took);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldFailOverWithinTheConfiguredBoundWhenTheLossEndedLongAgo(long seed) {
        // Rule: the estimate recovers: 100 clean adverts after a lossy period, failover is exactly the configured
        // master-down again (3 x 1 + 100/256 s after A's last advert, give or take the link delay and one tick).
        elect(seed);
        lossyPeriodThen(PerfectLink.DEFAULT);
        network.advanceBy(Duration.ofSeconds(100));

        Duration took = killAAndMeasureFailover(masterDown(1, 100).plus(LINK_DELAY));

        assertTrue(took.compareTo(masterDown(1, 100).minus(ONE_TICK)) >= 0, "not earlier than master-down: " + took);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldStillWaitLongerThanDeadRatioWhenTheLossHasJustEnded(long seed) {
        // Rule (the price of a smoothed estimate, moving average over about 32 gaps): 10 s after 30% loss ends the
        // backup still waits longer than deadRatio intervals, and still no longer than 4 x deadRatio. Measured with
        // seeds 1-5: 7.4-10.4 s after 10 clean adverts, 4.4-5.4 s after 60, exactly 3.39 s from about 80 on.
        elect(seed);
        lossyPeriodThen(PerfectLink.DEFAULT);
        network.advanceBy(Duration.ofSeconds(10));

        Duration took = killAAndMeasureFailover(CAPPED_WAIT.plus(LINK_DELAY));

        assertTrue(took.compareTo(masterDown(1, 100).plus(LINK_DELAY)) > 0, "B still waited longer: " + took);
    }

    @Test
    void shouldFailOverWithinTheConfiguredBoundWhenTheBackupWasForcedOutOfMaster() {
        // Rule: time spent as MASTER is not advert loss, also when mastership was handed back with forceBackup.
        // B backs A up for 30 s, becomes master when A dies, holds it 100 s, then hands it back to the restarted A.
        // Ten seconds later A dies for good: B must take over after the plain master-down, not 4 x deadRatio.
        elect(1);
        network.advanceBy(Duration.ofSeconds(30));
        a.kill();
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(b, 1);
        a.restart();
        network.advanceBy(Duration.ofSeconds(100));
        assertMasterIs(b, 1);
        assertState(a, 1, CarpState.BACKUP);

        b.group(1).forceBackup("maintenance done");
        network.advanceBy(seconds(0.01));
        assertMasterIs(a, 1);
        network.advanceBy(Duration.ofSeconds(10));

        killAAndMeasureFailover(masterDown(1, 100).plus(LINK_DELAY));
    }

    @Test
    void shouldReportTheWaitInForceAndKeepThePlainOneByDefault() {
        // Rule: adaptToLoss is off by default: under 30% loss a default backup (B) still waits the configured
        // master-down, while one that opted in (C) waits longer; each one's stats show the wait in force.
        network = SimulatedNetwork.create(7);
        a = network.node("A");
        b = network.node("B");
        SimulatedNode c = network.node("C");
        a.start(group(1, 0));
        b.start(group(1, 100));
        c.start(group(1, 200).adaptToLoss(true));
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
        long plainB = masterDown(1, 100).toNanos();
        long plainC = masterDown(1, 200).toNanos();
        assertEquals(plainB, b.group(1).stats().currentMasterDownNanos());
        assertEquals(plainC, c.group(1).stats().currentMasterDownNanos());
        assertEquals(plainB, b.group(1).config().masterDownInterval().toNanos());

        network.linkModel(LossyLink.withLoss(0.30));
        network.advanceBy(Duration.ofMinutes(5));

        assertEquals(plainB, b.group(1).stats().currentMasterDownNanos(), "the default backup stays plain");
        long adapted = c.group(1).stats().currentMasterDownNanos();
        assertTrue(adapted > plainC, "C opted in and waits longer: " + adapted + " ns");
        assertTrue(adapted <= Duration.ofNanos(CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(1, 200, 12)))
                .toNanos(), "at most 4 x deadRatio: " + adapted);
    }
}
