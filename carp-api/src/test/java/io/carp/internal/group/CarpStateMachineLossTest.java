package io.carp.internal.group;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.InetAddressLiterals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.time.CarpTiming;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loss-adaptive master-down rule of {@link CarpStateMachine} (class javadoc): a backup estimates the share of the
 * master's adverts it misses from the gaps between the adverts it hears, and while that estimate is at least 5% (after
 * 16 gaps) waits {@code ceil(ln 1e-5 / ln loss)} intervals, between deadRatio and 4 x deadRatio.
 *
 * <p>The backup has advbase 1 and advskew 100 (master-down 868 ticks at dead ratio 3). The master advertises advbase 1,
 * advskew 0: every 256 ticks, exactly one second, so a gap of n seconds means n - 1 adverts were lost. Times are
 * explicit; the master's adverts are fed as gap patterns (1 = none lost, 2 = one lost, ...).
 */
class CarpStateMachineLossTest {
    private static final long T0 = 5_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final InetAddress SELF = InetAddressLiterals.of("198.18.0.5");
    private static final InetAddress MASTER = InetAddressLiterals.of("198.18.0.1");
    /** 30% loss: 3 of every 10 adverts lost, spread as evenly as seven gaps allow. */
    private static final int[] THIRTY_PERCENT = {1, 1, 1, 1, 2, 2, 2};

    private final List<String> transitions = new ArrayList<>();
    /** Every master-down interval the machine reported through {@code masterDownChanged}, in ticks. */
    private final List<Integer> reportedWaits = new ArrayList<>();
    private final CarpStateMachine.Effects effects = new CarpStateMachine.Effects() {
        @Override
        public void masterDownChanged(int ticks) {
            reportedWaits.add(ticks);
        }

        @Override
        public void sendAdvertisement(int advbase, int advskew, int demote) {
        }

        @Override
        public void claimAddresses() {
        }

        @Override
        public void releaseAddresses() {
        }

        @Override
        public void announceAddresses() {
        }

        @Override
        public void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason) {
            transitions.add(from + "->" + to + " (" + reason + ")");
        }
    };

    /** The time of the last advert fed. */
    private long now = T0;

    private CarpStateMachine backup(int deadRatio, boolean adaptToLoss) {
        CarpStateMachine m = new CarpStateMachine(1, 100, deadRatio, false, 0, adaptToLoss, effects);
        m.start(T0, true);
        return m;
    }

    /** The master's first advert (or the first after a pause): it starts a gap, it is not one. */
    private void hearNow(CarpStateMachine m) {
        m.onTimer(now);
        m.onAdvertisement(now, 1, 0, 0, MASTER, SELF);
        assertEquals(CarpState.BACKUP, m.state(), "the backup must not take over while the master advertises");
    }

    /** Feeds {@code count} gaps, cycling through {@code pattern} (in seconds). */
    private void hearGaps(CarpStateMachine m, int count, int... pattern) {
        for (int i = 0; i < count; i++) {
            now += pattern[i % pattern.length] * SECOND;
            hearNow(m);
        }
    }

    private static int waitTicks(int ratio) {
        return CarpTiming.masterDownTicks(1, 100, ratio);
    }

    @Test
    void shouldKeepDeadRatioWhenFewerThanSixteenGapsWereHeard() {
        // Rule: the estimate is not trusted before 16 gaps, however high it is.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 15, 2);
        assertEquals(0.5, m.lossEstimate(), 1e-12, "every other advert lost");
        assertEquals(3, m.effectiveDeadRatio());
        assertEquals(m.masterDownTicks(), m.waitTicks());
        assertEquals(now + CarpTiming.ticksToNanos(868), m.nextDeadline());

        hearGaps(m, 1, 2);

        assertEquals(12, m.effectiveDeadRatio(), "16 gaps: trusted; 50% asks for 17 intervals, capped at 4 x 3");
        assertEquals(now + CarpTiming.ticksToNanos(waitTicks(12)), m.nextDeadline());
    }

    @Test
    void shouldKeepDeadRatioWhenLossIsBelowFivePercent() {
        // Rule: below 5% measured loss the configured dead ratio applies unchanged.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        int[] twoPercent = new int[49];
        java.util.Arrays.fill(twoPercent, 1);
        twoPercent[48] = 2;
        double highest = 0;
        for (int i = 0; i < 500; i++) {
            hearGaps(m, 1, twoPercent[i % twoPercent.length]);
            highest = Math.max(highest, m.lossEstimate());
            assertEquals(3, m.effectiveDeadRatio(), "gap " + i + ", estimate " + m.lossEstimate());
            assertEquals(now + CarpTiming.ticksToNanos(868), m.nextDeadline());
        }
        assertTrue(highest > 0.02 && highest < LOSS_THRESHOLD, "the estimate moved but stayed below 5%: " + highest);
    }

    private static final double LOSS_THRESHOLD = CarpStateMachine.LOSS_THRESHOLD;

    @Test
    void shouldKeepDeadRatioWhenNoAdvertIsLost() {
        // Rule: without loss the protocol's own bound applies unchanged.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 200, 1);
        assertEquals(0.0, m.lossEstimate());
        assertEquals(3, m.effectiveDeadRatio());
        assertEquals(868, m.waitTicks());
    }

    @Test
    void shouldEstimateOneThirdWhenEveryThirdAdvertIsLost() {
        // Rule: the estimate is the ratio of the averages, lost / sent, which converges to the loss probability.
        // Gaps 1, 2, 1, 2, ...: one lost of every three sent. Averaging (n - 1) / n per gap would give 0.25.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 400, 1, 2);
        assertEquals(1.0 / 3, m.lossEstimate(), 0.01);
        assertEquals(11, m.effectiveDeadRatio(), "0.33^10 = 1.5e-5 is not below 1e-5; 0.33^11 is");
    }

    @Test
    void shouldEstimateThirtyPercentAndWaitTenIntervalsWhenThreeOfTenAdvertsAreLost() {
        // Rule: at 30% loss the backup waits 10 intervals (0.3^10 = 6e-6 < 1e-5 < 0.3^9) instead of 3.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 700, THIRTY_PERCENT);
        assertEquals(0.30, m.lossEstimate(), 0.02);
        assertEquals(10, m.effectiveDeadRatio());
        assertEquals(10 * 256 + 100, m.waitTicks());
        assertEquals(868, m.masterDownTicks(), "the configured master-down is unchanged");
        assertEquals(now + CarpTiming.ticksToNanos(10 * 256 + 100), m.nextDeadline());
    }

    @Test
    void shouldWaitSixIntervalsWhenOneAdvertInEightIsLost() {
        // Rule: at 12.5% loss, 0.125^5 = 3e-5 is not enough, 0.125^6 = 4e-6 is: 6 intervals.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 700, 1, 1, 1, 1, 1, 1, 2);
        assertEquals(0.125, m.lossEstimate(), 0.015);
        assertEquals(6, m.effectiveDeadRatio());
    }

    @Test
    void shouldCapAtFourTimesDeadRatioWhenLossIsHeavy() {
        // Rule: the adaptive dead ratio never exceeds 4 x deadRatio (50% asks for 17, 67% for 29).
        CarpStateMachine half = backup(3, true);
        hearNow(half);
        hearGaps(half, 100, 2);
        assertEquals(12, half.effectiveDeadRatio());

        CarpStateMachine twoThirds = backup(3, true);
        now = T0;
        hearNow(twoThirds);
        hearGaps(twoThirds, 100, 3);
        assertEquals(2.0 / 3, twoThirds.lossEstimate(), 1e-9);
        assertEquals(12, twoThirds.effectiveDeadRatio());
        assertEquals(waitTicks(12), twoThirds.waitTicks());
    }

    @Test
    void shouldWaitTheComputedIntervalsWhenTheyFallBetweenDeadRatioAndTheCap() {
        // Rule: between deadRatio and 4 x deadRatio the computed number applies as is.
        CarpStateMachine m = backup(5, true);
        hearNow(m);
        hearGaps(m, 100, 2);
        assertEquals(17, m.effectiveDeadRatio(), "0.5^17 = 7.6e-6; the cap would be 20");
        assertEquals(17 * 256 + 100, m.waitTicks());
    }

    @Test
    void shouldNeverWaitLessThanDeadRatioWhenLossAsksForFewerIntervals() {
        // Rule: the adaptive dead ratio is never below the configured one (30% asks for 10; 20 is configured).
        CarpStateMachine m = backup(20, true);
        hearNow(m);
        hearGaps(m, 700, THIRTY_PERCENT);
        assertEquals(0.30, m.lossEstimate(), 0.02);
        assertEquals(20, m.effectiveDeadRatio());
        assertEquals(m.masterDownTicks(), m.waitTicks());
    }

    @Test
    void shouldAlwaysUseDeadRatioWhenAdaptToLossIsFalse() {
        // Rule: adaptToLoss(false) is plain CARP: the backup waits deadRatio intervals whatever it misses.
        CarpStateMachine m = backup(3, false);
        hearNow(m);
        hearGaps(m, 100, 2);
        assertEquals(3, m.effectiveDeadRatio());
        assertEquals(868, m.waitTicks());
        assertEquals(now + CarpTiming.ticksToNanos(868), m.nextDeadline());
    }

    @Test
    void shouldReportTheWaitInForceWhenItChanges() {
        // Rule: the machine reports the master-down interval in force at start and on every change (stats, metrics
        // and the takeover log show it), and never reports a value that did not change.
        CarpStateMachine m = backup(3, true);
        assertEquals(List.of(868), reportedWaits, "at start: the configured master-down");
        hearNow(m);
        hearGaps(m, 15, 2);
        assertEquals(List.of(868), reportedWaits, "15 gaps: not trusted yet, nothing changed");

        hearGaps(m, 1, 2);

        assertEquals(List.of(868, waitTicks(12)), reportedWaits);
        assertEquals(waitTicks(12), m.reportedWaitTicks());
        assertEquals(m.waitTicks(), m.reportedWaitTicks());
        hearGaps(m, 300, 1);
        assertEquals(868, m.reportedWaitTicks(), "back to deadRatio once the loss is over");
        assertEquals(868, reportedWaits.get(reportedWaits.size() - 1));
        for (int i = 1; i < reportedWaits.size(); i++) {
            assertTrue(!reportedWaits.get(i).equals(reportedWaits.get(i - 1)), "reported only on change: "
                    + reportedWaits);
        }
    }

    @Test
    void shouldReportOnlyTheConfiguredWaitWhenAdaptToLossIsFalse() {
        // Rule: without adaptation the wait in force is always the configured master-down.
        CarpStateMachine m = backup(3, false);
        hearNow(m);
        hearGaps(m, 100, 2);
        assertEquals(List.of(868), reportedWaits);
    }

    @Test
    void shouldNotAdaptWhenBuiltWithTheSixArgumentConstructor() {
        // Rule: the older constructor keeps plain CARP (adaptation off), as the existing callers expect.
        CarpStateMachine m = new CarpStateMachine(1, 100, 3, false, 0, effects);
        m.start(T0, true);
        hearNow(m);
        hearGaps(m, 100, 2);
        assertEquals(3, m.effectiveDeadRatio());
    }

    @Test
    void shouldTakeOverAfterTheAdaptiveWaitWhenTheMasterFallsSilent() {
        // Rule: under measured loss the master-down timer is the adaptive one: 10 intervals at 30%.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 700, THIRTY_PERCENT);
        long deadline = now + CarpTiming.ticksToNanos(10 * 256 + 100);

        m.onTimer(now + CarpTiming.ticksToNanos(868));
        m.onTimer(deadline - 1);
        assertEquals(CarpState.BACKUP, m.state(), "3 intervals of silence are not enough at 30% loss");

        m.onTimer(deadline);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals("BACKUP->MASTER (master timed out)", transitions.get(transitions.size() - 1));
    }

    @Test
    void shouldTakeOverAtOnceWhenTheMasterWillTimeOutAgainstTheConfiguredMasterDown() {
        // Rule: "master will time out" compares the master's interval with the configured master-down (868 ticks),
        // not the longer adaptive one: a master advertising every 4 s is slower than 3.39 s and is replaced at once.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 100, 2);
        assertEquals(waitTicks(12), m.waitTicks());

        now += SECOND;
        m.onAdvertisement(now, 4, 0, 0, MASTER, SELF);

        assertEquals(CarpState.MASTER, m.state());
        assertEquals("BACKUP->MASTER (master 198.18.0.1 will time out (advertises every 4.000 s))",
                transitions.get(transitions.size() - 1));
    }

    @Test
    void shouldNotCountTimeAsMasterAsLossWhenSteppingDownToBackup() {
        // Rule: the gap timer restarts on entering BACKUP, so the time this node spent as MASTER is not loss.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 20, 1);
        m.forceMaster(now, "test");
        assertEquals(CarpState.MASTER, m.state());
        now += 100 * SECOND;

        m.onAdvertisement(now, 1, 0, 0, MASTER, SELF); // a better master: preempted
        assertEquals(CarpState.BACKUP, m.state());
        hearGaps(m, 2, 1);

        assertEquals(0.0, m.lossEstimate(), "the 100 s as master are no lost adverts");
        assertEquals(3, m.effectiveDeadRatio());
    }

    @Test
    void shouldNotCountTimeAsMasterAsLossWhenForcedToBackup() {
        // Rule: the gap timer restarts on entering BACKUP by any path, forceBackup included (it is how an operator
        // and a CarpGroupUnit hand mastership over).
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 20, 1);
        m.forceMaster(now, "test");
        now += 100 * SECOND;
        m.forceBackup(now, "test");
        assertEquals(CarpState.BACKUP, m.state());

        now += SECOND;
        hearNow(m); // the new master's first advert
        hearGaps(m, 1, 1);

        assertEquals(0.0, m.lossEstimate(), "the 100 s as master are no lost adverts");
        assertEquals(3, m.effectiveDeadRatio());
    }

    @Test
    void shouldNotCountTimeWithLinkDownAsLossWhenTheLinkReturns() {
        // Rule: INIT -> BACKUP restarts the gap timer too: 100 s without carrier are not 100 lost adverts.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 20, 1);
        m.onLinkStateChanged(now, false);
        now += 100 * SECOND;
        m.onLinkStateChanged(now, true);

        now += SECOND;
        hearNow(m);
        hearGaps(m, 1, 1);

        assertEquals(0.0, m.lossEstimate());
    }

    @Test
    void shouldCountNoLossWhenAdvertsArriveWithJitter() {
        // Rule: a gap is rounded to the nearest whole number of the master's intervals, at least one.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        long[] jittered = {1_400_000_000L, 600_000_000L, 1_300_000_000L, 400_000_000L, 1_000_000_000L};
        for (int i = 0; i < 100; i++) {
            now += jittered[i % jittered.length];
            hearNow(m);
        }
        assertEquals(0.0, m.lossEstimate());

        now += 1_600_000_000L; // rounds to 2: one lost
        hearNow(m);
        assertTrue(m.lossEstimate() > 0, "a 1.6 s gap counts one lost advert");
    }

    @Test
    void shouldMeasureGapsInTheMastersAdvertisedInterval() {
        // Rule: n = gap / the interval the master advertises (demotion included): a master demoted to advskew 240
        // advertises every 1.9375 s, and hearing it at that pace is no loss.
        CarpStateMachine m = backup(3, true);
        long interval = CarpTiming.ticksToNanos(CarpTiming.intervalTicks(1, 240));
        m.onAdvertisement(now, 1, 240, 0, MASTER, SELF);
        for (int i = 0; i < 50; i++) {
            now += interval;
            m.onAdvertisement(now, 1, 240, 0, MASTER, SELF);
        }
        assertEquals(0.0, m.lossEstimate());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldReturnGraduallyToDeadRatioWhenTheLossEnds() {
        // Rule: the estimate is a moving average (weight 1/32 per gap): after 30% loss ends, the wait shrinks one
        // step at a time and is back to deadRatio within 100 clean adverts (about 67), never growing meanwhile.
        CarpStateMachine m = backup(3, true);
        hearNow(m);
        hearGaps(m, 700, THIRTY_PERCENT);
        assertEquals(10, m.effectiveDeadRatio());

        int previous = m.effectiveDeadRatio();
        int cleanAdverts = 0;
        while (m.effectiveDeadRatio() > 3) {
            hearGaps(m, 1, 1);
            cleanAdverts++;
            assertTrue(m.effectiveDeadRatio() <= previous, "the wait never grows without loss");
            previous = m.effectiveDeadRatio();
            assertTrue(cleanAdverts <= 100, "still " + previous + " intervals after 100 clean adverts");
        }
        assertTrue(cleanAdverts > 30, "the estimate has memory: " + cleanAdverts + " clean adverts");
        assertEquals(868, m.waitTicks());
    }
}
