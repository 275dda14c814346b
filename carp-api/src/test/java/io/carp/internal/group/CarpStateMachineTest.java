package io.carp.internal.group;

import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.InetAddressLiterals;

import static io.carp.internal.group.CarpStateMachine.NO_DEADLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.time.CarpTiming;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of {@link CarpStateMachine} (its class javadoc and docs/ARCHITECTURE.md; FreeBSD sys/netinet/ip_carp.c, OpenBSD sys/netinet/ip_carp.c and ucarp src/carp.c). The
 * machine is driven with explicit {@code now} values and a recording {@link CarpStateMachine.Effects}.
 *
 * <p>Unless a test says otherwise the node has advbase 1, advskew 100, dead ratio 3: it advertises every 356 ticks
 * (1.390625 s) and, as backup, waits 868 ticks (3.390625 s).
 */
class CarpStateMachineTest {
    private static final long T0 = 5_000_000_000L;
    private static final int INTERVAL = 356;
    private static final int MASTER_DOWN = 868;
    private static final InetAddress SELF = InetAddressLiterals.of("198.18.0.5");
    private static final InetAddress LOWER = InetAddressLiterals.of("198.18.0.1");
    private static final InetAddress HIGHER = InetAddressLiterals.of("198.18.0.9");

    /** Records effects as {@code send advbase/advskew/demote}, {@code claim}, ..., {@code FROM->TO (reason)}. */
    private static final class RecordingEffects implements CarpStateMachine.Effects {
        final List<String> log = new ArrayList<>();

        @Override
        public void sendAdvertisement(int advbase, int advskew, int demote) {
            log.add("send " + advbase + "/" + advskew + "/" + demote);
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
        public void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason) {
            log.add(from + "->" + to + " (" + reason + ")");
        }

        List<String> take() {
            List<String> copy = List.copyOf(log);
            log.clear();
            return copy;
        }
    }

    private final RecordingEffects effects = new RecordingEffects();

    private static long ticks(long n) {
        return CarpTiming.ticksToNanos(n);
    }

    private CarpStateMachine machine(int advbase, int advskew, int deadRatio, boolean preempt, int demotion) {
        return new CarpStateMachine(advbase, advskew, deadRatio, preempt, demotion, effects);
    }

    private CarpStateMachine backup(boolean preempt) {
        CarpStateMachine m = machine(1, 100, 3, preempt, 0);
        m.start(T0, true);
        effects.take();
        return m;
    }

    /** A machine that became MASTER by timing out at {@code T0 + 868 ticks}; the effects so far are discarded. */
    private CarpStateMachine master(CarpStateMachine m) {
        m.start(T0, true);
        m.onTimer(m.nextDeadline());
        assertEquals(CarpState.MASTER, m.state());
        effects.take();
        return m;
    }

    private CarpStateMachine master() {
        return master(machine(1, 100, 3, false, 0));
    }

    private static final long T_MASTER = T0 + ticks(MASTER_DOWN);

    // ------------------------------------------------------------------------------------------------ INIT

    @Test
    void shouldEnterBackupWithMasterDownDeadlineWhenStarted() {
        // Rule: INIT -> BACKUP on start, master-down timer armed (INIT -> MASTER was removed in ucarp 1.3).
        CarpStateMachine m = machine(1, 100, 3, false, 0);
        assertEquals(CarpState.INIT, m.state());
        assertEquals(NO_DEADLINE, m.nextDeadline());

        m.start(T0, true);

        assertEquals(List.of("INIT->BACKUP (started)"), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(T0 + 3_390_625_000L, m.nextDeadline());
    }

    @Test
    void shouldWaitInInitWhenStartedWithLinkDownAndJoinOnLinkUp() {
        // Rule: no carrier -> stay INIT; link up -> BACKUP ("link up").
        CarpStateMachine m = machine(1, 100, 3, false, 0);
        m.start(T0, false);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.INIT, m.state());
        assertEquals(NO_DEADLINE, m.nextDeadline());

        m.onLinkStateChanged(T0 + 7, true);

        assertEquals(List.of("INIT->BACKUP (link up)"), effects.take());
        assertEquals(T0 + 7 + ticks(MASTER_DOWN), m.nextDeadline());
    }

    @Test
    void shouldIgnoreSecondStart() {
        CarpStateMachine m = backup(false);
        m.start(T0 + 100, true);
        assertEquals(List.of(), effects.take());
        assertEquals(T0 + ticks(MASTER_DOWN), m.nextDeadline());
    }

    @Test
    void shouldIgnoreAdvertisementsAndTimersBeforeStart() {
        CarpStateMachine m = machine(1, 100, 3, true, 0);
        m.onAdvertisement(T0, 255, 255, 0, HIGHER, SELF);
        m.onTimer(T0);
        m.forceMaster(T0, "x");
        m.forceBackup(T0, "x");
        m.onLinkStateChanged(T0, true);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.INIT, m.state());
    }

    // ------------------------------------------------------------------------------------------------ BACKUP

    @Test
    void shouldBecomeMasterClaimingThenAdvertisingThenReportingWhenMasterDownExpires() {
        // Rule: a backup that hears nothing for deadRatio*advbase + advskew/256 s takes over ("master timed out").
        CarpStateMachine m = backup(false);

        m.onTimer(T_MASTER);

        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (master timed out)"), effects.take());
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(T_MASTER + ticks(INTERVAL), m.nextDeadline());
    }

    @Test
    void shouldDoNothingWhenTimerFiresBeforeDeadline() {
        // Rule: early or spurious onTimer calls do nothing.
        CarpStateMachine m = backup(false);
        m.onTimer(T_MASTER - 1);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(T_MASTER, m.nextDeadline());

        CarpStateMachine mm = master();
        mm.onTimer(mm.nextDeadline() - 1);
        assertEquals(List.of(), effects.take());
    }

    @Test
    void shouldRearmMasterDownTimerWhenBackupHearsAdvert() {
        // Rule: a backup re-arms its master-down timer on every accepted advert (FreeBSD carp_setrun).
        CarpStateMachine m = backup(false);
        long heard = T0 + ticks(500);

        m.onAdvertisement(heard, 1, 0, 0, HIGHER, SELF);

        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(heard + ticks(MASTER_DOWN), m.nextDeadline());
        m.onTimer(T_MASTER); // the old deadline is no longer due
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldTakeOverAtOnceWhenBowOutReceived() {
        // Rule: OpenBSD bow-out (advbase 255, advskew 255) -> its interval exceeds our master-down -> take over now.
        CarpStateMachine m = backup(false);

        m.onAdvertisement(T0 + 10, 255, 255, 0, HIGHER, SELF);

        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (bow-out received from 198.18.0.9)"),
                effects.take());
        assertEquals(T0 + 10 + ticks(INTERVAL), m.nextDeadline());
    }

    @Test
    void shouldTakeOverWhenMasterAdvertisesSlowerThanOurMasterDown() {
        // Rule: FreeBSD/ucarp "master will time out": its interval > our master-down interval.
        CarpStateMachine m = backup(false);

        m.onAdvertisement(T0 + 10, 4, 0, 0, HIGHER, SELF);

        assertEquals(List.of("claim", "send 1/100/0",
                "BACKUP->MASTER (master 198.18.0.9 will time out (advertises every 4.000 s))"), effects.take());
    }

    @Test
    void shouldNotTakeOverWhenMasterIntervalEqualsOurMasterDown() {
        // Boundary of the rule above: 3 s + 100/256 s is exactly our master-down; not longer.
        CarpStateMachine m = backup(false);
        m.onAdvertisement(T0 + 10, 3, 100, 0, HIGHER, SELF);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldPreemptSlowerMasterWhenPreemptEnabled() {
        // Rule: with preempt, a backup takes over from a master that advertises slower than itself (equal demotion).
        CarpStateMachine m = backup(true);

        m.onAdvertisement(T0 + 10, 1, 200, 0, HIGHER, SELF);

        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (preempting slower master 198.18.0.9)"),
                effects.take());
    }

    @Test
    void shouldNotPreemptSlowerMasterWhenPreemptDisabled() {
        // Rule: without preempt (the default, as ucarp and the BSDs) the first node up stays master.
        CarpStateMachine m = backup(false);
        m.onAdvertisement(T0 + 10, 1, 200, 0, HIGHER, SELF);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(T0 + 10 + ticks(MASTER_DOWN), m.nextDeadline());
    }

    @Test
    void shouldNeverPreemptMasterWithEqualInterval() {
        // Rule: preempt needs a strictly slower master; equal intervals never preempt.
        CarpStateMachine m = backup(true);
        m.onAdvertisement(T0 + 10, 1, 100, 0, LOWER, SELF);
        m.onAdvertisement(T0 + 20, 1, 100, 0, HIGHER, SELF);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldNotPreemptFasterMaster() {
        CarpStateMachine m = backup(true);
        m.onAdvertisement(T0 + 10, 1, 0, 0, HIGHER, SELF);
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldTakeOverWithoutPreemptWhenMasterDemoteByteIsHigher() {
        // Rule: a lower demote byte always wins, whatever the intervals and without preempt (OpenBSD).
        CarpStateMachine m = backup(false);

        m.onAdvertisement(T0 + 10, 1, 0, 1, HIGHER, SELF);

        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (master 198.18.0.9 is demoted (1 > 0))"),
                effects.take());
    }

    @Test
    void shouldNeverPreemptWhenBackupIsDemoted() {
        // Rule: a demoted backup does not preempt an undemoted master, even one that advertises slower.
        CarpStateMachine m = machine(1, 100, 3, true, 10); // advertises 1/110/10
        m.start(T0, true);
        effects.take();

        m.onAdvertisement(T0 + 10, 1, 200, 0, HIGHER, SELF);

        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
    }

    @Test
    void shouldPreemptSlowerMasterWithEqualDemotion() {
        // Preempt compares the demoted interval when both sides carry the same demote byte.
        CarpStateMachine m = machine(1, 100, 3, true, 10); // interval 1 + 110/256
        m.start(T0, true);
        effects.take();
        m.onAdvertisement(T0 + 10, 1, 111, 10, HIGHER, SELF);
        assertEquals(CarpState.MASTER, m.state());
        assertEquals("send 1/110/10", effects.take().get(1));
    }

    // ------------------------------------------------------------------------------------------------ MASTER

    @Test
    void shouldAdvertiseEveryIntervalWhenMaster() {
        // Rule: the master advertises every advbase + advskew'/256 s.
        CarpStateMachine m = master();
        long expected = T_MASTER;
        for (int i = 0; i < 5; i++) {
            expected += ticks(INTERVAL);
            assertEquals(expected, m.nextDeadline());
            m.onTimer(expected);
            assertEquals("send 1/100/0", effects.take().get(0));
        }
        assertEquals(expected + ticks(INTERVAL), m.nextDeadline());
    }

    @Test
    void shouldAnnounceAddressesAgainAfterTwoAdvertsWhenBecomingMaster() {
        // Rule: delayed announce (OpenBSD/ucarp sc_delayed_arp = 2): once, two adverts after the takeover advert.
        CarpStateMachine m = master();
        m.onTimer(m.nextDeadline());
        assertEquals(List.of("send 1/100/0"), effects.take());
        m.onTimer(m.nextDeadline());
        assertEquals(List.of("send 1/100/0", "announce"), effects.take());
        for (int i = 0; i < 3; i++) {
            m.onTimer(m.nextDeadline());
            assertEquals(List.of("send 1/100/0"), effects.take());
        }
    }

    @Test
    void shouldStepDownSendingLastAdvertThenReleasingWhenMasterHearsBetterAdvert() {
        // Rule: a master steps down on a better advert and sends one last advert first (ucarp), then releases.
        CarpStateMachine m = master();
        long now = T_MASTER + 1000;

        m.onAdvertisement(now, 1, 50, 0, HIGHER, SELF);

        assertEquals(List.of("send 1/100/0", "release", "MASTER->BACKUP (preempted by 198.18.0.9)"), effects.take());
        assertEquals(CarpState.BACKUP, m.state());
        assertEquals(now + ticks(MASTER_DOWN), m.nextDeadline());
    }

    @Test
    void shouldStepDownWhenMasterHearsLowerDemoteByte() {
        // Rule: a lower demote byte wins over any interval: the demoted master steps down.
        CarpStateMachine m = master(machine(1, 100, 3, false, 5));

        m.onAdvertisement(T_MASTER + 1, 1, 200, 0, HIGHER, SELF);

        assertEquals(List.of("send 1/105/5", "release", "MASTER->BACKUP (demoted below 198.18.0.9 (5 > 0))"),
                effects.take());
    }

    @Test
    void shouldOnlyAnnounceWhenMasterHearsSlowerAdvert() {
        // Rule: a master hearing a weaker master re-announces its addresses (split-brain heal) and stays.
        CarpStateMachine m = master();
        long deadline = m.nextDeadline();

        m.onAdvertisement(T_MASTER + 1, 1, 200, 0, HIGHER, SELF);

        assertEquals(List.of("announce"), effects.take());
        assertEquals(CarpState.MASTER, m.state());
        assertEquals(deadline, m.nextDeadline());
    }

    @Test
    void shouldOnlyAnnounceWhenMasterHearsMoreDemotedAdvert() {
        // Rule: a more demoted peer is weaker even when it advertises faster.
        CarpStateMachine m = master();
        m.onAdvertisement(T_MASTER + 1, 1, 0, 3, LOWER, SELF);
        assertEquals(List.of("announce"), effects.take());
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldOnlyAnnounceWhenMasterHearsBowOut() {
        CarpStateMachine m = master();
        m.onAdvertisement(T_MASTER + 1, 255, 255, 0, LOWER, SELF);
        assertEquals(List.of("announce"), effects.take());
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldStepDownOnTieWhenPeerAddressIsLower() {
        // Tie rule: equal interval and demotion, two masters: the lower source address (ucarp order) wins.
        CarpStateMachine m = master();

        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, LOWER, SELF);

        assertEquals(List.of("send 1/100/0", "release",
                "MASTER->BACKUP (equal advertisement from 198.18.0.1: lower address wins (ucarp order))"),
                effects.take());
    }

    @Test
    void shouldStayMasterAndAnnounceOnTieWhenPeerAddressIsHigher() {
        // Tie rule, other way: we have the lower address, so we keep MASTER and re-announce.
        CarpStateMachine m = master();
        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, HIGHER, SELF);
        assertEquals(List.of("announce"), effects.take());
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldBreakTiesInUcarpOrderWhenTheByteOrdersDisagree() {
        // Tie rule: ucarp compares s_addr as a little-endian host integer, i.e. from the last byte to the first.
        // 198.18.1.0 is lower than 198.18.0.1 in that order (0 < 1 in the last byte), although higher in network
        // order: 198.18.1.0 wins, as it does on ucarp, so a mixed group keeps exactly one master.
        InetAddress lastByteZero = InetAddressLiterals.of("198.18.1.0");
        InetAddress lastByteOne = InetAddressLiterals.of("198.18.0.1");
        CarpStateMachine winner = master();
        winner.onAdvertisement(T_MASTER + 1, 1, 100, 0, lastByteOne, lastByteZero);
        assertEquals(List.of("announce"), effects.take(), "198.18.1.0 keeps MASTER and re-announces");

        CarpStateMachine loser = master();
        effects.take();
        loser.onAdvertisement(T_MASTER + 1, 1, 100, 0, lastByteZero, lastByteOne);
        assertEquals(CarpState.BACKUP, loser.state(), "198.18.0.1 yields to 198.18.1.0");
    }

    @Test
    void shouldCompareTieAddressesAsUnsignedBytesFromTheLast() {
        // Tie rule: unsigned bytes: 10.0.0.200 is higher than 10.0.0.5 (signed, 200 would be -56); the last byte
        // decides before the first: 192.168.0.1 is lower than 10.0.0.5.
        assertTrue(CarpStateMachine.tieOrder(InetAddressLiterals.of("10.0.0.5"),
                InetAddressLiterals.of("10.0.0.200")) < 0);
        assertTrue(CarpStateMachine.tieOrder(InetAddressLiterals.of("192.168.0.1"),
                InetAddressLiterals.of("10.0.0.5")) < 0);
        assertTrue(CarpStateMachine.tieOrder(InetAddressLiterals.of("198.18.1.0"),
                InetAddressLiterals.of("198.18.0.1")) < 0);
        assertEquals(0, CarpStateMachine.tieOrder(SELF, InetAddressLiterals.of("198.18.0.5")));
        assertTrue(CarpStateMachine.tieOrder(InetAddressLiterals.of("fe80::1:0"),
                InetAddressLiterals.of("fe80::1")) < 0, "IPv6: last byte first as well");
    }

    @Test
    void shouldAgreeWithUcarpsLittleEndianComparisonForEveryPair() {
        // Tie rule, cross-checked: for random pairs, tieOrder agrees with ucarp's `ip_src.s_addr < srcip.s_addr`
        // computed as ucarp's little-endian host computes it (the network-order bytes read as a little-endian
        // unsigned 32-bit integer).
        java.util.Random random = new java.util.Random(12);
        for (int i = 0; i < 10_000; i++) {
            byte[] a = new byte[4];
            byte[] b = new byte[4];
            random.nextBytes(a);
            random.nextBytes(b);
            if (i % 3 == 0) {
                System.arraycopy(a, 0, b, 0, 2); // same subnet start, as on a LAN
            }
            long ucarpA = java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            long ucarpB = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            int expected = Long.compare(ucarpA, ucarpB);
            int actual = CarpStateMachine.tieOrder(addr(a), addr(b));
            assertEquals(Integer.signum(expected), Integer.signum(actual), addr(a) + " vs " + addr(b));
        }
    }

    @Test
    void shouldLetOnlyIpv4AdvertsDecideATieWhenTheGroupIsDualStack() {
        // Tie rule, dual stack: the IPv4 and IPv6 source addresses of two nodes can be in opposite orders; only the
        // IPv4 advert decides, so the two families never disagree. An equal IPv6 advert changes nothing.
        CarpStateMachine m = new CarpStateMachine(1, 100, 3, false, 0, effects);
        m.decideTiesByIpv4Only(true);
        m.start(T0, true);
        m.onTimer(T0 + ticks(MASTER_DOWN));
        assertEquals(CarpState.MASTER, m.state());
        effects.take();

        // Our IPv6 address is higher than the peer's (we would lose on IPv6), our IPv4 address is lower (we win).
        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, InetAddressLiterals.of("fe80::1"),
                InetAddressLiterals.of("fe80::9"));
        assertEquals(List.of(), effects.take(), "an equal IPv6 advert decides nothing");
        assertEquals(CarpState.MASTER, m.state());
        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, HIGHER, SELF);
        assertEquals(List.of("announce"), effects.take());
        assertEquals(CarpState.MASTER, m.state());

        m.onAdvertisement(T_MASTER + 2, 1, 100, 0, LOWER, SELF);
        assertEquals(CarpState.BACKUP, m.state(), "the IPv4 advert of a lower peer decides");
    }

    @Test
    void shouldDecideATieByIpv6WhenTheGroupIsIpv6Only() {
        // Tie rule: an IPv6-only group compares its IPv6 source addresses, last byte first.
        CarpStateMachine m = master();
        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, InetAddressLiterals.of("fe80::1"),
                InetAddressLiterals.of("fe80::9"));
        assertEquals(CarpState.BACKUP, m.state());
    }

    private static InetAddress addr(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldStepDownOnTieWhenOwnAddressIsUnknown() {
        // Tie rule: if our address is unknown the FreeBSD rule applies: step down on an equal advert.
        CarpStateMachine m = master();
        m.onAdvertisement(T_MASTER + 1, 1, 100, 0, HIGHER, null);
        assertEquals(List.of("send 1/100/0", "release", "MASTER->BACKUP (equal advertisement from 198.18.0.9)"),
                effects.take());
    }

    // ------------------------------------------------------------------------------------------------ demotion

    @Test
    void shouldAddDemotionToAdvertisedSkewCappedAt240() {
        // Rule: advertised skew = configured skew + demotion, capped at 240 (FreeBSD DEMOTE_ADVSKEW).
        assertEquals(200, machine(1, 100, 3, false, 100).advertisedSkew());
        assertEquals(240, machine(1, 100, 3, false, 140).advertisedSkew());
        assertEquals(240, machine(1, 100, 3, false, 240).advertisedSkew());
        assertEquals(256 + 240, machine(1, 100, 3, false, 240).intervalTicks());
        CarpStateMachine m = master(machine(1, 100, 3, false, 200));
        m.onTimer(m.nextDeadline());
        assertEquals(List.of("send 1/240/200"), effects.take());
    }

    @Test
    void shouldAdvertiseConfiguredSkewAbove240Unchanged() {
        // Rule: a configured skew above 240 is advertised as is: demotion never makes a node look better.
        assertEquals(250, machine(1, 250, 3, false, 100).advertisedSkew());
        assertEquals(254, machine(1, 254, 3, false, 1).advertisedSkew());
        assertEquals(240, machine(1, 240, 3, false, 10).advertisedSkew());
    }

    @Test
    void shouldKeepMasterDownOnConfiguredSkewWhenDemoted() {
        // As FreeBSD carp_setrun: the backup's master-down uses the configured skew, not the demoted one.
        assertEquals(MASTER_DOWN, machine(1, 100, 3, false, 100).masterDownTicks());
    }

    @Test
    void shouldAdvertiseAtOnceWhenDemotionChangesAsMaster() {
        // Rule: a MASTER advertises a demotion change at once (FreeBSD carp_demote_adj) and restarts its interval.
        CarpStateMachine m = master();
        long now = T_MASTER + 1000;

        m.setDemotion(now, 20);

        assertEquals(List.of("send 1/120/20"), effects.take());
        assertEquals(now + ticks(256 + 120), m.nextDeadline());
        assertEquals(20, m.demotion());
        m.setDemotion(now + 1, 20);
        assertEquals(List.of(), effects.take());
    }

    @Test
    void shouldOnlyStoreDemotionWhenBackup() {
        CarpStateMachine m = backup(false);
        m.setDemotion(T0 + 1, 50);
        assertEquals(List.of(), effects.take());
        assertEquals(50, m.demotion());
        assertEquals(T_MASTER, m.nextDeadline());
        m.onTimer(T_MASTER);
        assertEquals("send 1/150/50", effects.take().get(1));
    }

    // ------------------------------------------------------------------------------------------------ link

    @Test
    void shouldEnterInitAndReleaseWithoutBowOutWhenLinkGoesDownAsMaster() {
        // Rule: link down -> INIT, addresses released (no advert: the link is gone); link up -> BACKUP.
        CarpStateMachine m = master();

        m.onLinkStateChanged(T_MASTER + 5, false);

        assertEquals(List.of("release", "MASTER->INIT (link down)"), effects.take());
        assertEquals(NO_DEADLINE, m.nextDeadline());
        m.onAdvertisement(T_MASTER + 6, 255, 255, 0, HIGHER, SELF);
        m.forceMaster(T_MASTER + 6, "x");
        assertEquals(List.of(), effects.take());

        m.onLinkStateChanged(T_MASTER + 9, true);

        assertEquals(List.of("INIT->BACKUP (link up)"), effects.take());
        assertEquals(T_MASTER + 9 + ticks(MASTER_DOWN), m.nextDeadline());
    }

    @Test
    void shouldEnterInitWhenLinkGoesDownAsBackup() {
        CarpStateMachine m = backup(false);
        m.onLinkStateChanged(T0 + 5, false);
        assertEquals(List.of("BACKUP->INIT (link down)"), effects.take());
        m.onLinkStateChanged(T0 + 6, false);
        assertEquals(List.of(), effects.take());
    }

    // ------------------------------------------------------------------------------------------------ stop

    @Test
    void shouldSendBowOutThenReleaseThenEnterInitWhenStoppedAsMaster() {
        // Rule: MASTER stop -> INIT, bow-out advert 255/255 first so a backup takes over at once.
        CarpStateMachine m = master(machine(1, 100, 3, false, 7));

        m.stop(T_MASTER + 5);

        assertEquals(List.of("send 255/255/7", "release", "MASTER->INIT (stopped)"), effects.take());
        assertEquals(CarpState.INIT, m.state());
        assertEquals(NO_DEADLINE, m.nextDeadline());
        m.stop(T_MASTER + 6);
        m.onTimer(T_MASTER + ticks(10_000));
        assertEquals(List.of(), effects.take());
    }

    @Test
    void shouldEnterInitWithoutAdvertWhenStoppedAsBackup() {
        CarpStateMachine m = backup(false);
        m.stop(T0 + 5);
        assertEquals(List.of("BACKUP->INIT (stopped)"), effects.take());
        assertEquals(NO_DEADLINE, m.nextDeadline());
    }

    @Test
    void shouldRejoinAsBackupWhenStartedAgainAfterStop() {
        CarpStateMachine m = master();
        m.stop(T_MASTER + 5);
        effects.take();
        m.start(T_MASTER + 10, true);
        assertEquals(List.of("INIT->BACKUP (started)"), effects.take());
    }

    // ------------------------------------------------------------------------------------------------ forced

    @Test
    void shouldBecomeMasterWhenForced() {
        // Rule: operator take-over (FreeBSD "state master"): BACKUP -> MASTER at once.
        CarpStateMachine m = backup(false);

        m.forceMaster(T0 + 5, "operator");

        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (forced: operator)"), effects.take());
        m.forceMaster(T0 + 6, "again");
        assertEquals(List.of(), effects.take());
    }

    @Test
    void shouldBowOutAndSuppressPreemptForOneMasterDownIntervalWhenForcedBackup() {
        // Rule: operator step-down (ucarp SIGUSR2): bow-out, BACKUP, no preemption for one master-down interval.
        CarpStateMachine m = master(machine(1, 100, 3, true, 0));
        long t = T_MASTER + 1000;

        m.forceBackup(t, "maintenance");

        assertEquals(List.of("send 255/255/0", "release", "MASTER->BACKUP (forced: maintenance)"), effects.take());
        assertEquals(t + ticks(MASTER_DOWN), m.nextDeadline());

        m.onAdvertisement(t + ticks(100), 1, 200, 0, HIGHER, SELF); // slower master, within the suppression
        assertEquals(List.of(), effects.take());
        assertEquals(CarpState.BACKUP, m.state());

        m.onAdvertisement(t + ticks(MASTER_DOWN) - 1, 1, 200, 0, HIGHER, SELF);
        assertEquals(CarpState.BACKUP, m.state(), "still suppressed one nanosecond before the end");

        m.onAdvertisement(t + ticks(MASTER_DOWN), 1, 200, 0, HIGHER, SELF);
        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (preempting slower master 198.18.0.9)"),
                effects.take());
    }

    @Test
    void shouldStillTakeOverOnTimeoutWhileForcedBackupSuppressesPreempt() {
        CarpStateMachine m = master(machine(1, 100, 3, true, 0));
        long t = T_MASTER + 1000;
        m.forceBackup(t, "maintenance");
        effects.take();
        m.onTimer(t + ticks(MASTER_DOWN));
        assertEquals(List.of("claim", "send 1/100/0", "BACKUP->MASTER (master timed out)"), effects.take());
    }

    @Test
    void shouldOnlySuppressPreemptWhenForcedBackupAsBackup() {
        CarpStateMachine m = backup(true);
        m.forceBackup(T0 + 5, "x");
        assertEquals(List.of(), effects.take());
        m.onAdvertisement(T0 + 10, 1, 200, 0, HIGHER, SELF);
        assertEquals(CarpState.BACKUP, m.state());
    }

    // ------------------------------------------------------------------------------------------------ timings

    @Test
    void shouldUseSubSecondTimingsWhenAdvbaseIsZero() {
        // Rule: advbase 0 is OpenBSD's sub-second mode: master-down = deadRatio*advskew/256 s.
        CarpStateMachine m = machine(0, 26, 3, false, 0);
        m.start(T0, true);
        effects.take();
        assertEquals(T0 + 304_687_500L, m.nextDeadline()); // 78/256 s

        m.onTimer(T0 + 304_687_500L);

        assertEquals(List.of("claim", "send 0/26/0", "BACKUP->MASTER (master timed out)"), effects.take());
        assertEquals(T0 + 304_687_500L + 101_562_500L, m.nextDeadline()); // 26/256 s
    }

    @Test
    void shouldTreatOneSecondMasterAsTimingOutWhenAdvbaseIsZero() {
        CarpStateMachine m = machine(0, 26, 3, false, 0);
        m.start(T0, true);
        effects.take();
        m.onAdvertisement(T0 + 1, 1, 0, 0, HIGHER, SELF);
        assertEquals(CarpState.MASTER, m.state());
    }

    @Test
    void shouldWaitDeadRatioIntervalsBeforeTakingOver() {
        CarpStateMachine m = machine(2, 0, 5, false, 0);
        m.start(T0, true);
        assertEquals(T0 + 10_000_000_000L, m.nextDeadline());
        assertEquals(256, machine(1, 0, 1, false, 0).masterDownTicks());
    }
}
