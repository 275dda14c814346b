package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpTestPackets.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test (or more) per election rule of RFC 9568 §6.4 and RFC 3768 §6.4, on a virtual clock. */
class VrrpStateMachineTest {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final InetAddress SELF = v4("198.18.0.5");
    static final InetAddress LOWER = v4("198.18.0.4");
    static final InetAddress HIGHER = v4("198.18.0.6");

    /** Records every effect as a string. */
    static final class Recorder implements VrrpStateMachine.Effects {
        final List<String> log = new ArrayList<>();
        final List<VrrpStateMachine.Cause> causes = new ArrayList<>();

        @Override
        public void sendAdvertisement(int priority) {
            log.add("advert " + priority);
        }

        @Override
        public void claimAddresses() {
            log.add("claim");
        }

        @Override
        public void releaseAddresses() {
            log.add("release");
        }

        @Override
        public void announceAddresses() {
            log.add("announce");
        }

        @Override
        public void stateChanged(CarpState from, CarpState to, VrrpStateMachine.Cause cause, String detail) {
            log.add(from + "->" + to);
            causes.add(cause);
        }

        List<String> take() {
            List<String> copy = List.copyOf(log);
            log.clear();
            return copy;
        }
    }

    final Recorder fx = new Recorder();

    VrrpStateMachine machine(int version, int priority, int intervalCentis, boolean preempt) {
        return new VrrpStateMachine(version, priority, intervalCentis, preempt, 0, fx);
    }

    /** A backup started at 0 with the default 1 s interval. */
    VrrpStateMachine backup(int priority, boolean preempt) {
        VrrpStateMachine m = machine(3, priority, 100, preempt);
        m.start(0, true);
        assertEquals(CarpState.BACKUP, m.state());
        fx.take();
        return m;
    }

    /** A master: started, then the master-down timer fired. */
    VrrpStateMachine master(int priority) {
        VrrpStateMachine m = backup(priority, true);
        m.onTimer(m.nextDeadline());
        assertEquals(CarpState.MASTER, m.state());
        fx.take();
        return m;
    }

    @Test
    void shouldKeepTheAdvertScheduleAfterALateWakeUp() {
        VrrpStateMachine m = master(200);
        long due = m.nextDeadline();
        m.onTimer(due + 300 * MS); // a late wake-up (a GC pause, a busy loop): sends at once ...
        assertEquals(List.of("advert 200"), fx.take());
        assertEquals(due + S, m.nextDeadline(), "... and the next advert stays on the original schedule");
        // A wake-up late by a whole interval or more: one advert, then the schedule restarts from now (no burst).
        long late = due + S + 3 * S / 2;
        m.onTimer(late);
        assertEquals(List.of("advert 200"), fx.take());
        assertEquals(late + S, m.nextDeadline());
    }

    // ------------------------------------------------------------------------------------------------ Initialize

    @Test
    void shouldStartAsBackupWithMasterDownTimer() {
        VrrpStateMachine m = machine(3, 100, 100, true);
        m.start(10 * S, true);
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(10 * S + 3 * S + 609_375_000L, m.nextDeadline());
        assertEquals(List.of("INIT->BACKUP"), fx.take());
        assertEquals(VrrpStateMachine.Cause.STARTED, fx.causes.get(0));
    }

    @Test
    void shouldStartOwnerAsMasterAtOnce() {
        VrrpStateMachine m = machine(3, 255, 100, true);
        m.start(0, true);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(List.of("advert 255", "claim", "INIT->MASTER"), fx.take());
        assertEquals(VrrpStateMachine.Cause.ADDRESS_OWNER, fx.causes.get(0));
        assertEquals(S, m.nextDeadline(), "next advert after one interval");
    }

    @Test
    void shouldWaitInInitWhileLinkIsDown() {
        VrrpStateMachine m = machine(3, 100, 100, true);
        m.start(0, false);
        assertEquals(CarpState.INIT, m.state());
        assertEquals(VrrpStateMachine.NO_DEADLINE, m.nextDeadline());
        m.onLinkStateChanged(5 * S, true);
        assertEquals(CarpState.BACKUP, m.state());
    }

    // ------------------------------------------------------------------------------------------------ Backup

    @Test
    void shouldBecomeMasterWhenMasterDownTimerFires() {
        VrrpStateMachine m = backup(100, true);
        long deadline = m.nextDeadline();
        m.onTimer(deadline - 1);
        assertEquals(CarpState.BACKUP, m.state(), "an early timer does nothing");
        m.onTimer(deadline);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(List.of("advert 100", "claim", "BACKUP->MASTER"), fx.take());
        assertEquals(VrrpStateMachine.Cause.MASTER_DOWN, fx.causes.get(fx.causes.size() - 1));
    }

    @Test
    void shouldSetTimerToSkewTimeOnPriorityZero() {
        VrrpStateMachine m = backup(100, true);
        m.onAdvertisement(2 * S, 0, 100, HIGHER, SELF);
        assertEquals(2 * S + 609_375_000L, m.nextDeadline(), "Skew_Time = 156/256 s");
        m.onTimer(m.nextDeadline());
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(VrrpStateMachine.Cause.MASTER_STOPPED, fx.causes.get(fx.causes.size() - 1));
    }

    @Test
    void shouldHandOverInOrderOfPriorityAfterPriorityZero() {
        // Two backups hear the same priority 0: the higher priority's skew is shorter, so it fires first.
        VrrpStateMachine high = backup(200, true);
        VrrpStateMachine low = backup(100, true);
        high.onAdvertisement(S, 0, 100, HIGHER, SELF);
        low.onAdvertisement(S, 0, 100, HIGHER, LOWER);
        assertTrue(high.nextDeadline() < low.nextDeadline());
        assertEquals(S + 218_750_000L, high.nextDeadline(), "56/256 s");
    }

    @Test
    void shouldResetTimerAndLearnIntervalFromEqualOrHigherPriority() {
        VrrpStateMachine m = backup(100, true);
        m.onAdvertisement(2 * S, 150, 5, HIGHER, SELF);
        assertEquals(5, m.masterIntervalCentis(), "Master_Adver_Interval learned");
        // 3 * 50 ms + 156 * 50 ms / 256
        assertEquals(2 * S + 150 * MS + 30_468_750L, m.nextDeadline());
        m.onAdvertisement(3 * S, 100, 7, LOWER, SELF);
        assertEquals(7, m.masterIntervalCentis(), "equal priority counts as 'greater than or equal'");
        assertEquals(3 * S + 210 * MS + 42_656_250L, m.nextDeadline());
        assertEquals(List.of(), fx.take(), "no effects in BACKUP");
    }

    @Test
    void shouldDiscardLowerPriorityWithPreemptSoTheTimerFires() {
        VrrpStateMachine m = backup(200, true);
        long before = m.nextDeadline();
        m.onAdvertisement(S, 100, 5, LOWER, SELF);
        assertEquals(before, m.nextDeadline(), "discarded: timer not reset");
        assertEquals(100, m.masterIntervalCentis(), "nothing learned");
        m.onTimer(before);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(VrrpStateMachine.Cause.PREEMPTING, fx.causes.get(fx.causes.size() - 1));
    }

    @Test
    void shouldAcceptLowerPriorityWithPreemptOff() {
        VrrpStateMachine m = backup(200, false);
        m.onAdvertisement(S, 100, 5, LOWER, SELF);
        assertEquals(5, m.masterIntervalCentis());
        assertEquals(S + 150 * MS + 10_937_500L, m.nextDeadline());
        for (long t = S; t < 60 * S; t += 50 * MS) {
            m.onAdvertisement(t, 100, 5, LOWER, SELF);
            m.onTimer(t);
        }
        assertEquals(CarpState.BACKUP, m.state(), "never preempts a lower master");
    }

    @Test
    void shouldNotLearnIntervalInV2() {
        VrrpStateMachine m = machine(2, 100, 100, true);
        m.start(0, true);
        m.onAdvertisement(S, 150, 300, HIGHER, SELF);
        assertEquals(100, m.masterIntervalCentis());
        // VRRPv2 skew: 156/256 s, not scaled by the interval
        assertEquals(S + 3 * S + 609_375_000L, m.nextDeadline());
    }

    // ------------------------------------------------------------------------------------------------ Master

    @Test
    void shouldAdvertiseEveryInterval() {
        VrrpStateMachine m = master(100);
        long t = m.nextDeadline();
        m.onTimer(t);
        m.onTimer(t + S);
        assertEquals(List.of("advert 100", "advert 100"), fx.take());
        assertEquals(t + 2 * S, m.nextDeadline());
    }

    @Test
    void shouldAdvertiseAtOnceOnPriorityZero() {
        VrrpStateMachine m = master(100);
        long t = m.nextDeadline() - 300 * MS;
        m.onAdvertisement(t, 0, 100, HIGHER, SELF);
        assertEquals(List.of("advert 100"), fx.take());
        assertEquals(t + S, m.nextDeadline(), "Adver_Timer reset");
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldStepDownOnHigherPriority() {
        VrrpStateMachine m = master(100);
        m.onAdvertisement(10 * S, 101, 5, LOWER, SELF);
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(List.of("release", "MASTER->BACKUP"), fx.take());
        assertEquals(VrrpStateMachine.Cause.PREEMPTED, fx.causes.get(fx.causes.size() - 1));
        assertEquals(5, m.masterIntervalCentis(), "learned from the new master");
        assertEquals(10 * S + 150 * MS + 30_468_750L, m.nextDeadline());
    }

    @Test
    void shouldBreakEqualPriorityTieByHigherPrimaryAddress() {
        VrrpStateMachine m = master(100);
        m.onAdvertisement(10 * S, 100, 100, LOWER, SELF);
        assertEquals(CarpState.MASTER, m.state(), "a lower address loses");
        assertEquals(List.of("announce"), fx.take(), "addresses announced again for hosts that followed the other");
        m.onAdvertisement(11 * S, 100, 100, HIGHER, SELF);
        assertEquals(CarpState.BACKUP, m.state(), "a higher address wins");
        assertEquals(VrrpStateMachine.Cause.HIGHER_ADDRESS, fx.causes.get(fx.causes.size() - 1));
    }

    @Test
    void shouldCompareAddressesUnsigned() {
        VrrpStateMachine m = master(100);
        // 198.18.0.200 > 198.18.0.5 only when bytes are unsigned (200 is negative as a Java byte).
        m.onAdvertisement(10 * S, 100, 100, v4("198.18.0.200"), SELF);
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldKeepMasterOnEqualPriorityWhenOwnAddressUnknown() {
        VrrpStateMachine m = master(100);
        m.onAdvertisement(10 * S, 100, 100, HIGHER, null);
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldIgnoreLowerPriorityAsMaster() {
        VrrpStateMachine m = master(100);
        long deadline = m.nextDeadline();
        m.onAdvertisement(deadline - 1, 99, 100, HIGHER, SELF);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(deadline, m.nextDeadline(), "no extra advertisement");
    }

    @Test
    void shouldLetOwnerProcessAdvertisementsLikeAnyMaster() {
        // RFC 9568 erratum 8298: two owners by mistake must converge: the higher address stays.
        VrrpStateMachine m = machine(3, 255, 100, true);
        m.start(0, true);
        fx.take();
        m.onAdvertisement(S, 255, 100, HIGHER, SELF);
        assertEquals(CarpState.BACKUP, m.state());
    }

    // ------------------------------------------------------------------------------------------------ Shutdown

    @Test
    void shouldSendPriorityZeroOnCleanStop() {
        VrrpStateMachine m = master(100);
        m.stop(20 * S);
        assertEquals(List.of("advert 0", "release", "MASTER->INIT"), fx.take());
        assertEquals(VrrpStateMachine.NO_DEADLINE, m.nextDeadline());
    }

    @Test
    void shouldStopBackupSilently() {
        VrrpStateMachine m = backup(100, true);
        m.stop(S);
        assertEquals(List.of("BACKUP->INIT"), fx.take());
    }

    @Test
    void shouldReleaseWithoutAdvertOnLinkDownAndRejoinOnLinkUp() {
        VrrpStateMachine m = master(100);
        m.onLinkStateChanged(S, false);
        assertEquals(List.of("release", "MASTER->INIT"), fx.take());
        m.onLinkStateChanged(2 * S, true);
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(2 * S + 3 * S + 609_375_000L, m.nextDeadline());
    }

    // ------------------------------------------------------------------------------------------------ operator and demotion

    @Test
    void shouldLowerAdvertisedPriorityOnDemotionAndAdvertiseAtOnce() {
        VrrpStateMachine m = master(200);
        m.setDemotion(5 * S, 150);
        assertEquals(50, m.effectivePriority());
        assertEquals(List.of("advert 50"), fx.take());
        assertEquals(5 * S + S, m.nextDeadline());
        m.onAdvertisement(7 * S, 150, 100, LOWER, SELF);
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(VrrpStateMachine.Cause.DEMOTED, fx.causes.get(fx.causes.size() - 1),
                "150 beats the demoted 50 but not the configured 200");
        m.setDemotion(8 * S, 500);
        assertEquals(1, m.effectivePriority(), "never below 1: 0 means stopping");
    }

    @Test
    void shouldLetHigherBackupPreemptDemotedMasterAfterMasterDown() {
        VrrpStateMachine backup = backup(150, true);
        backup.onAdvertisement(S, 200, 100, HIGHER, SELF);
        long afterHigh = backup.nextDeadline();
        backup.onAdvertisement(2 * S, 50, 100, HIGHER, SELF); // the master was demoted to 50
        assertEquals(afterHigh, backup.nextDeadline(), "lower priority discarded with preempt");
        backup.onTimer(afterHigh);
        assertEquals(CarpState.MASTER, backup.state());
    }

    @Test
    void shouldStepDownOnForceBackupWithPriorityZeroAndNotPreemptAtOnce() {
        VrrpStateMachine m = master(200);
        m.forceBackup(10 * S, "maintenance");
        assertEquals(List.of("advert 0", "release", "MASTER->BACKUP"), fx.take());
        // A lower backup took over; its adverts are not discarded during the suppression window.
        m.onAdvertisement(11 * S, 100, 100, LOWER, SELF);
        long reset = m.nextDeadline();
        assertEquals(11 * S + 3 * S + 218_750_000L, reset);
        m.forceMaster(12 * S, "back");
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(VrrpStateMachine.Cause.FORCED, fx.causes.get(fx.causes.size() - 1));
    }

    @Test
    void shouldIgnoreEventsBeforeStartAndAfterStop() {
        VrrpStateMachine m = machine(3, 100, 100, true);
        m.onAdvertisement(0, 200, 100, HIGHER, SELF);
        m.onTimer(S);
        m.forceMaster(S, "x");
        assertEquals(CarpState.INIT, m.state());
        m.start(0, true);
        m.stop(S);
        m.onTimer(10 * S);
        m.onLinkStateChanged(11 * S, true);
        assertEquals(CarpState.INIT, m.state());
    }
}
