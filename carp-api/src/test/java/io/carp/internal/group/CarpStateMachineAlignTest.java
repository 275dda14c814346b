package io.carp.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.internal.time.CarpTiming;
import org.junit.jupiter.api.Test;

/**
 * {@link CarpStateMachine#alignAdverts}: a MASTER's adverts on the grid of its interval; only the advert after
 * becoming MASTER (or after a demotion change) moves, earlier, never later; the interval is unchanged afterwards.
 */
class CarpStateMachineAlignTest {
    /** advbase 1, advskew 100: interval 356 ticks = 1.390625 s, master-down 868 ticks. */
    private static final long INTERVAL = CarpTiming.ticksToNanos(356);
    private static final long MASTER_DOWN = CarpTiming.ticksToNanos(868);

    private int sent;

    private final CarpStateMachine.Effects effects = new CarpStateMachine.Effects() {
        @Override
        public void sendAdvertisement(int advbase, int advskew, int demote) {
            sent++;
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
        }
    };

    private CarpStateMachine masterAt(long start, boolean align) {
        CarpStateMachine m = new CarpStateMachine(1, 100, 3, false, 0, effects);
        m.alignAdverts(align);
        m.start(start, true);
        m.onTimer(start + MASTER_DOWN); // times out: MASTER, first advert sent at once
        assertEquals(CarpState.MASTER, m.state());
        return m;
    }

    @Test
    void shouldPutTheSecondAdvertOnTheGridNoLaterThanOneInterval() {
        for (long start : new long[] {5_000_000_000L, 5_123_456_789L, 77 * INTERVAL - MASTER_DOWN, 1L}) {
            CarpStateMachine m = masterAt(start, true);
            long becameMaster = start + MASTER_DOWN;
            long next = m.nextDeadline();
            assertEquals(0, Math.floorMod(next, INTERVAL), "on the grid: " + next);
            assertTrue(next > becameMaster && next <= becameMaster + INTERVAL,
                    "between 0 and one interval after the first advert: " + (next - becameMaster));
        }
    }

    @Test
    void shouldKeepTheIntervalAfterTheAlignedAdvert() {
        CarpStateMachine m = masterAt(5_123_456_789L, true);
        long deadline = m.nextDeadline();
        int before = sent;
        for (int i = 0; i < 5; i++) {
            m.onTimer(deadline + 300_000); // a wake-up a little late sends at once; the grid does not drift
            assertEquals(deadline + INTERVAL, m.nextDeadline());
            assertEquals(0, Math.floorMod(m.nextDeadline(), INTERVAL));
            deadline = m.nextDeadline();
        }
        assertEquals(before + 5, sent);
    }

    @Test
    void shouldAlignGroupsThatBecameMasterAtDifferentTimes() {
        CarpStateMachine a = masterAt(5_000_000_000L, true);
        CarpStateMachine b = masterAt(5_000_000_000L + INTERVAL / 3, true);
        CarpStateMachine c = masterAt(5_000_000_000L + INTERVAL * 2 / 3, true);
        long grid = Math.max(a.nextDeadline(), Math.max(b.nextDeadline(), c.nextDeadline()));
        for (CarpStateMachine m : new CarpStateMachine[] {a, b, c}) {
            while (m.nextDeadline() < grid) {
                m.onTimer(m.nextDeadline());
            }
            assertEquals(grid, m.nextDeadline(), "all three advertise in the same instant");
        }
    }

    @Test
    void shouldAlignAgainAfterADemotionChange() {
        CarpStateMachine m = masterAt(5_000_000_000L, true);
        long now = m.nextDeadline() - INTERVAL / 2;
        m.setDemotion(now, 10); // advertised at once; the interval is now 366 ticks
        long interval = CarpTiming.ticksToNanos(366);
        assertEquals(0, Math.floorMod(m.nextDeadline(), interval));
        assertTrue(m.nextDeadline() > now && m.nextDeadline() <= now + interval);
    }

    @Test
    void shouldAdvertiseOneIntervalAfterBecomingMasterWithoutTheOption() {
        long start = 5_123_456_789L;
        CarpStateMachine m = masterAt(start, false);
        assertEquals(start + MASTER_DOWN + INTERVAL, m.nextDeadline());
    }
}
