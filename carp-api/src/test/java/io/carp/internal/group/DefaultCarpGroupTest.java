package io.carp.internal.group;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.CarpStateEvent;

import io.carp.DropReason;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.IpFamily;
import io.carp.internal.protocol.TestPackets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DefaultCarpGroup} on a {@link FakeRuntime}: authentication, own packets, counters, callbacks, close, address
 * failures and lifecycle misuse. The test thread is the protocol loop; time moves only when the test says so.
 */
class DefaultCarpGroupTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);
    private static final InetAddress SELF4 = of("198.18.0.1");
    private static final InetAddress PEER4 = of("198.18.0.2");
    private static final InetAddress SELF6 = of("2001:db8::1");
    private static final InetAddress PEER6 = of("2001:db8::2");
    private static final InetAddress VIP4 = of("198.18.0.100");
    private static final InetAddress VIP6 = of("2001:db8::100");
    /** advbase 1, advskew 100, dead ratio 3: 3.390625 s. */
    private static final long MASTER_DOWN_NANOS = 3_390_625_000L;
    /** advbase 1, advskew 100: 1.390625 s. */
    private static final long INTERVAL_NANOS = 1_390_625_000L;

    private final FakeRuntime runtime = new FakeRuntime(SELF4, SELF6);
    private final List<CarpStateEvent> events = new ArrayList<>();
    private CarpGroup group;
    private ExecutorService pool;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private CarpGroupBuilder builder() {
        return CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP4).advskew(100).runtime(runtime)
                .callbackExecutor(Runnable::run).onStateChange(events::add);
    }

    private CarpGroup started(CarpGroupBuilder builder) {
        group = builder.build();
        group.start();
        return group;
    }

    private CarpGroup started() {
        return started(builder());
    }

    private CarpGroup master() {
        started();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, group.state());
        return group;
    }

    private static byte[] advert(InetAddress source, byte[] key, List<InetAddress> vips, int advbase, int advskew,
                                 int demote, long counter) {
        return TestPackets.ipv4Advert((Inet4Address) source, key, 1, vips, advbase, advskew, demote, counter);
    }

    private static byte[] peerAdvert(int advbase, int advskew, int demote, long counter) {
        return advert(PEER4, KEY, List.of(VIP4), advbase, advskew, demote, counter);
    }

    private static List<String> transitions(List<CarpStateEvent> events) {
        return events.stream().map(e -> e.from() + "->" + e.to()).toList();
    }

    // ------------------------------------------------------------------------------------------------ protocol

    @Test
    void shouldStartInBackupAndBecomeMasterAfterMasterDownInterval() {
        started();
        assertEquals(CarpState.BACKUP, group.state());
        assertEquals(1, runtime.attachCount);
        runtime.loop.advanceBy(MASTER_DOWN_NANOS - 1);
        assertEquals(CarpState.BACKUP, group.state());

        runtime.loop.advanceBy(1);

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(List.of("INIT->BACKUP", "BACKUP->MASTER"), transitions(events));
        assertEquals("master timed out", events.get(1).reason());
        assertEquals(runtime.loop.nanoTime(), events.get(1).nanoTime());
        assertEquals(1, events.get(1).vhid());
        assertEquals("-", events.get(1).interfaceName());
        assertEquals(List.of("claim", "refresh"), runtime.addresses.calls);
        assertEquals(1, runtime.sent.size());
        FakeRuntime.Sent first = runtime.sent.get(0);
        assertEquals(IpFamily.IPV4, first.family());
        assertEquals(1, first.advbase());
        assertEquals(100, first.advskew());
        assertEquals(0, first.demote());
        assertEquals(0x1000L, first.counter(), "the first counter is the runtime's random value");
        assertTrue(first.authentic());
        assertEquals(1, group.stats().ipv4PacketsSent());
        assertEquals(2, group.stats().transitions());
        assertEquals(1, group.stats().claims());
        assertEquals(0, group.stats().lastClaimDurationNanos(), "the manual clock does not move during a claim");

        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(2, runtime.sent.size());
    }

    @Test
    void shouldCountBadAuthAndNotChangeStateWhenAdvertFailsAuthentication() {
        started();
        long deadline = runtime.loop.nextDeadline();
        byte[] wrongPassword = advert(PEER4, "Secret".getBytes(StandardCharsets.UTF_8), List.of(VIP4), 255, 255, 0, 9);
        byte[] wrongAddresses = advert(PEER4, KEY, List.of(VIP4, of("198.18.0.101")), 255, 255, 0, 9);

        runtime.receiveIpv4(wrongPassword);
        runtime.receiveIpv4(wrongAddresses);

        assertEquals(2, group.stats().dropped(DropReason.BAD_AUTH));
        assertEquals(CarpState.BACKUP, group.state(), "a bow-out that fails authentication is ignored");
        assertEquals(List.of(), runtime.sent);
        assertEquals(List.of(), runtime.addresses.calls);
        assertEquals(deadline, runtime.loop.nextDeadline(), "the master-down timer is not re-armed");
        assertEquals(0, group.stats().ipv4PacketsReceived());
        assertEquals(Long.MIN_VALUE, group.stats().lastAdvertisementNanos());
        assertEquals(1, events.size());
    }

    @Test
    void shouldCountOwnPacketWhenSourceIsOurAddress() {
        started();
        runtime.receiveIpv4(advert(SELF4, KEY, List.of(VIP4), 255, 255, 0, 9));
        assertEquals(1, group.stats().dropped(DropReason.OWN_PACKET));
        assertEquals(0, group.stats().dropped(DropReason.BAD_AUTH));
        assertEquals(CarpState.BACKUP, group.state());
        assertEquals(0, group.stats().ipv4PacketsReceived());
    }

    @Test
    void shouldCountDropsTheDispatcherAttributesToTheGroup() {
        started();
        byte[] badChecksum = peerAdvert(1, 0, 0, 1);
        badChecksum[27] ^= 0x40;
        byte[] badTtl = peerAdvert(1, 0, 0, 1);
        badTtl[8] = 1;
        runtime.receiveIpv4(badChecksum);
        runtime.receiveIpv4(badTtl);
        assertEquals(1, group.stats().dropped(DropReason.BAD_CHECKSUM));
        assertEquals(1, group.stats().dropped(DropReason.BAD_TTL));
        assertEquals(CarpState.BACKUP, group.state());
    }

    @Test
    void shouldAcceptAuthenticAdvertAndRecordWhenItWasHeard() {
        started();
        runtime.loop.advanceBy(1_000_000_000L);
        runtime.receiveIpv4(peerAdvert(1, 0, 0, 77));
        assertEquals(1, group.stats().ipv4PacketsReceived());
        assertEquals(runtime.loop.nanoTime(), group.stats().lastAdvertisementNanos());
        runtime.loop.advanceBy(250_000_000L);
        assertEquals(250_000_000L, group.stats().nanosSinceLastAdvertisement());
        assertEquals(runtime.loop.nanoTime() - 250_000_000L + MASTER_DOWN_NANOS, runtime.loop.nextDeadline(),
                "the master-down timer was re-armed when the advert was heard");
    }

    @Test
    void shouldCountTheMasterDownIntervalFromTheAdvertsArrival() {
        started();
        runtime.loop.advanceBy(1_000_000_000L);
        long arrived = runtime.loop.nanoTime() - 400_000L; // read 0.4 ms after it arrived

        runtime.receiveIpv4(peerAdvert(1, 0, 0, 77), arrived);

        assertEquals(arrived + MASTER_DOWN_NANOS, runtime.loop.nextDeadline());
        assertEquals(arrived, group.stats().lastAdvertisementNanos());
        runtime.loop.advanceTo(arrived + MASTER_DOWN_NANOS - 1);
        assertEquals(CarpState.BACKUP, group.state());
        runtime.loop.advanceBy(1);
        assertEquals(CarpState.MASTER, group.state(), "master-down after the arrival, not after the read");
    }

    @Test
    void shouldCountFromTheHandlingWhenTheArrivalTimeIsUnknownTooOldOrInTheFuture() {
        started();
        runtime.loop.advanceBy(1_000_000_000L);
        long now = runtime.loop.nanoTime();

        runtime.receiveIpv4(peerAdvert(1, 0, 0, 77), io.carp.spi.GroupEndpoint.ARRIVAL_UNKNOWN);
        assertEquals(now + MASTER_DOWN_NANOS, runtime.loop.nextDeadline());

        runtime.receiveIpv4(peerAdvert(1, 0, 0, 78), now - DefaultCarpGroup.MAX_RECEIVE_LAG_NANOS - 1);
        assertEquals(now + MASTER_DOWN_NANOS, runtime.loop.nextDeadline(), "a stall or a clock step: not trusted");

        runtime.receiveIpv4(peerAdvert(1, 0, 0, 79), now + 1);
        assertEquals(now + MASTER_DOWN_NANOS, runtime.loop.nextDeadline(), "never later than now");

        runtime.receiveIpv4(peerAdvert(1, 0, 0, 80), now - DefaultCarpGroup.MAX_RECEIVE_LAG_NANOS);
        assertEquals(now - DefaultCarpGroup.MAX_RECEIVE_LAG_NANOS + MASTER_DOWN_NANOS, runtime.loop.nextDeadline());
    }

    @Test
    void shouldAcceptIpv6Advert() {
        started(builder().virtualAddress(VIP6));
        byte[] header = TestPackets.carpHeader(KEY, 1, List.of(VIP4, VIP6), 1, 0, 0, 5);
        runtime.receiveIpv6(CarpCodec.encodeIpv6((java.net.Inet6Address) PEER6, TestPackets.CARP_GROUP_V6, 255,
                header));
        assertEquals(1, group.stats().ipv6PacketsReceived());
        assertEquals(0, group.stats().ipv4PacketsReceived());
    }

    @Test
    void shouldAdoptPeerCounterPlusOneForNextAdvert() {
        started();
        runtime.receiveIpv4(peerAdvert(255, 255, 0, 0x5000)); // bow-out: take over at once

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(0x5001L, runtime.sent.get(0).counter());
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(0x5002L, runtime.sent.get(1).counter());
    }

    @Test
    void shouldIncrementCounterPerPacketSendingOneAdvertPerFamily() {
        started(builder().virtualAddress(VIP6));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        runtime.loop.advanceBy(INTERVAL_NANOS);

        assertEquals(4, runtime.sent.size());
        assertEquals(List.of(IpFamily.IPV4, IpFamily.IPV6, IpFamily.IPV4, IpFamily.IPV6),
                runtime.sent.stream().map(FakeRuntime.Sent::family).toList());
        assertEquals(List.of(0x1000L, 0x1001L, 0x1002L, 0x1003L),
                runtime.sent.stream().map(FakeRuntime.Sent::counter).toList());
        assertEquals(2, group.stats().ipv4PacketsSent());
        assertEquals(2, group.stats().ipv6PacketsSent());
        assertTrue(runtime.sent.stream().allMatch(FakeRuntime.Sent::authentic));
    }

    @Test
    void shouldCountSendErrorAndGoOnWhenSendFails() {
        master();
        runtime.failSend = true;
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(1, group.stats().sendErrors());
        assertEquals(CarpState.MASTER, group.state());
        runtime.failSend = false;
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(2, group.stats().ipv4PacketsSent());
    }

    @Test
    void shouldGoToInitAndReleaseWhenLinkGoesDownAndRejoinWhenUp() {
        master();
        runtime.addresses.calls.clear();
        runtime.link(false);
        assertEquals(CarpState.INIT, group.state());
        assertEquals(List.of("release"), runtime.addresses.calls);
        assertEquals(0, runtime.loop.timerCount());
        runtime.link(true);
        assertEquals(CarpState.BACKUP, group.state());
        assertEquals("link up", events.get(events.size() - 1).reason());
    }

    @Test
    void shouldWaitInInitWhenLinkIsDownAtStart() {
        runtime.linkUp = false;
        started();
        assertEquals(CarpState.INIT, group.state());
        runtime.loop.advanceBy(60_000_000_000L);
        assertEquals(CarpState.INIT, group.state());
        assertEquals(List.of(), runtime.sent);
    }

    // ------------------------------------------------------------------------------------------------ callbacks

    @Test
    void shouldCountThrowingCallbackAndRunLaterCallbacksWhileProtocolGoesOn() {
        List<CarpStateEvent> seen = new ArrayList<>();
        started(builder()
                .onStateChange(e -> {
                    throw new IllegalStateException("callback bug (test)");
                })
                .onStateChange(seen::add)
                .onMaster(e -> {
                    throw new AssertionError("even an Error from a callback (test)");
                })
                .onMaster(seen::add));

        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        runtime.loop.advanceBy(INTERVAL_NANOS);

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(3, group.stats().callbackFailures(), "2 from onStateChange, 1 from onMaster");
        assertEquals(List.of("INIT->BACKUP", "BACKUP->MASTER", "BACKUP->MASTER"), transitions(seen));
        assertEquals(2, runtime.sent.size(), "the protocol went on advertising");
    }

    @Test
    void shouldDeliverCallbacksInOrderOnGivenExecutor() {
        AtomicInteger executed = new AtomicInteger();
        started(builder().callbackExecutor(task -> {
            executed.incrementAndGet();
            task.run();
        }));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        runtime.receiveIpv4(peerAdvert(1, 0, 0, 1));
        group.close();

        assertEquals(List.of("INIT->BACKUP", "BACKUP->MASTER", "MASTER->BACKUP", "BACKUP->INIT"), transitions(events));
        assertEquals(List.of("started", "master timed out", "preempted by 198.18.0.2", "stopped"),
                events.stream().map(CarpStateEvent::reason).toList());
        assertEquals(4, executed.get(), "every event went through the given executor");
    }

    @Test
    void shouldRunCallbacksInOrderAndNeverOnLoopThreadWithThreadPoolExecutor() throws Exception {
        pool = Executors.newFixedThreadPool(4);
        Thread loopThread = Thread.currentThread();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        Consumer<CarpStateEvent> record = e -> {
            threads.add(Thread.currentThread());
            log.add(e.from() + "->" + e.to());
        };
        group = CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP4).advskew(100).runtime(runtime)
                .callbackExecutor(pool).onStateChange(record).build();
        group.start();
        for (int i = 0; i < 20; i++) {
            runtime.loop.advanceBy(MASTER_DOWN_NANOS);                   // BACKUP -> MASTER
            runtime.receiveIpv4(peerAdvert(1, 0, 0, 1));                 // MASTER -> BACKUP
        }
        group.close();                                                   // BACKUP -> INIT

        // The group hands the pool one callback at a time; shutting the pool down before the queue drained would
        // reject the rest, so wait for the last one first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.size() < 42 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(42, log.size());
        assertEquals("INIT->BACKUP", log.get(0));
        for (int i = 0; i < 20; i++) {
            assertEquals("BACKUP->MASTER", log.get(1 + 2 * i));
            assertEquals("MASTER->BACKUP", log.get(2 + 2 * i));
        }
        assertEquals("BACKUP->INIT", log.get(41));
        assertTrue(threads.stream().noneMatch(t -> t == loopThread), "never on the protocol loop");
    }

    @Test
    void shouldFireOnBackupOnInitToBackupMasterToBackupAndMasterToInitButNotBackupToInit() {
        List<String> onBackup = new ArrayList<>();
        List<String> onMaster = new ArrayList<>();
        started(builder().onBackup(e -> onBackup.add(e.from() + "->" + e.to()))
                .onMaster(e -> onMaster.add(e.from() + "->" + e.to())));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);          // BACKUP -> MASTER
        runtime.receiveIpv4(peerAdvert(1, 0, 0, 1));        // MASTER -> BACKUP
        runtime.link(false);                                // BACKUP -> INIT: not onBackup
        runtime.link(true);                                 // INIT -> BACKUP
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);          // BACKUP -> MASTER
        runtime.link(false);                                // MASTER -> INIT

        assertEquals(List.of("INIT->BACKUP", "MASTER->BACKUP", "INIT->BACKUP", "MASTER->INIT"), onBackup);
        assertEquals(List.of("BACKUP->MASTER", "BACKUP->MASTER"), onMaster);
    }

    @Test
    void shouldDeliverToListenerAddedAfterBuild() {
        started();
        List<CarpStateEvent> late = new ArrayList<>();
        group.addListener(late::add);
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(List.of("BACKUP->MASTER"), transitions(late));
    }

    @Test
    void shouldCountRejectedCallbackExecutionAndGoOn() {
        started(builder().callbackExecutor(task -> {
            throw new java.util.concurrent.RejectedExecutionException("pool shut down (test)");
        }));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(CarpState.MASTER, group.state());
        assertEquals(2, group.stats().callbackFailures());
    }

    // ------------------------------------------------------------------------------------------------ close

    @Test
    void shouldSendBowOutAndReleaseWhenClosedAsMaster() {
        master();
        runtime.clear();

        group.close();

        assertEquals(1, runtime.sent.size());
        FakeRuntime.Sent bowOut = runtime.sent.get(0);
        assertEquals(255, bowOut.advbase());
        assertEquals(255, bowOut.advskew());
        assertTrue(bowOut.advert().isBowOut());
        assertTrue(bowOut.authentic());
        assertEquals(List.of("release"), runtime.addresses.calls, "no refresh after the bow-out");
        assertEquals(CarpState.INIT, group.state());
        assertEquals("MASTER->INIT", transitions(events).get(events.size() - 1));
        assertEquals("stopped", events.get(events.size() - 1).reason());
        assertEquals(1, runtime.detachCount);
        assertEquals(0, runtime.loop.timerCount(), "no timer left behind");
        assertTrue(runtime.dispatcher.isEmpty());

        group.close();
        runtime.loop.advanceBy(60_000_000_000L);
        assertEquals(1, runtime.sent.size(), "close is idempotent and nothing is sent afterwards");
        assertEquals(1, runtime.detachCount);
    }

    @Test
    void shouldCloseWithoutAdvertWhenBackup() {
        started();
        group.close();
        assertEquals(List.of(), runtime.sent);
        assertEquals(CarpState.INIT, group.state());
        assertEquals(1, runtime.detachCount);
    }

    @Test
    void shouldCloseWhenTheRuntimesLoopWasShutDownFirst() {
        // Rule: close() works when the application shut the event loop down first (an EventLoopGroup it owns): no
        // exception, the group ends in INIT, releases its addresses and detaches, on the calling thread, since no
        // loop thread runs the group any more.
        master();
        runtime.clear();
        runtime.loop.shutDown();

        group.close();

        assertEquals(CarpState.INIT, group.state());
        assertEquals(List.of("release"), runtime.addresses.calls);
        assertEquals(1, runtime.detachCount);
        assertEquals("MASTER->INIT", transitions(events).get(events.size() - 1));
        group.close(); // idempotent
        assertEquals(1, runtime.detachCount);
    }

    @Test
    void shouldCloseGroupThatWasNeverStarted() {
        group = builder().build();
        group.close();
        assertEquals(CarpState.INIT, group.state());
        assertEquals(0, runtime.attachCount);
    }

    // ------------------------------------------------------------------------------------------------ addresses

    @Test
    void shouldCountClaimFailureDemoteTo240AndSendDemotedAdvert() {
        runtime.addresses.failClaim = true;
        started();

        runtime.loop.advanceBy(MASTER_DOWN_NANOS);

        assertEquals(1, group.stats().addressFailures());
        assertEquals(0, group.stats().claims());
        assertEquals(240, group.demotion());
        assertEquals(2, runtime.sent.size());
        assertEquals(100, runtime.sent.get(0).advskew());
        assertEquals(0, runtime.sent.get(0).demote());
        assertEquals(240, runtime.sent.get(1).advskew(), "100 + 240 capped at 240");
        assertEquals(240, runtime.sent.get(1).demote());
        assertTrue(runtime.sent.get(1).authentic());
    }

    @Test
    void shouldDemoteAgainWhenClaimFailsAgainAfterOperatorClearedDemotion() {
        runtime.addresses.failClaim = true;
        started();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);              // claim fails: demoted to 240
        assertEquals(240, group.demotion());
        group.setDemotion(0, "operator: addresses fixed");       // ... but they are not
        runtime.receiveIpv4(peerAdvert(1, 0, 0, 1));            // MASTER -> BACKUP
        runtime.clear();

        runtime.loop.advanceBy(MASTER_DOWN_NANOS);              // MASTER again: claim fails again

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(2, group.stats().addressFailures());
        assertEquals(240, group.demotion(), "a master that could not add its addresses must not look healthy");
        assertEquals(240, runtime.lastSent().demote());
    }

    @Test
    void shouldLoseMasterToUndemotedPeerAfterClaimFailure() {
        runtime.addresses.failClaim = true;
        started();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        runtime.receiveIpv4(peerAdvert(1, 200, 0, 1)); // slower, but not demoted
        assertEquals(CarpState.BACKUP, group.state());
    }

    @Test
    void shouldDemoteTo240AndLoseToUndemotedPeerWhenRenewalFailsAsMaster() {
        master();
        runtime.addresses.failRefresh = true;
        runtime.clear();

        runtime.loop.advanceBy(INTERVAL_NANOS);                 // advert, renewal fails: demoted at once

        assertEquals(240, group.demotion());
        assertEquals(2, runtime.sent.size(), "the regular advert, then the demoted one at once");
        assertEquals(2, group.stats().addressFailures(), "the renewals after both adverts failed");
        assertEquals(0, runtime.sent.get(0).demote());
        assertEquals(240, runtime.sent.get(1).demote());
        runtime.receiveIpv4(peerAdvert(1, 200, 0, 1));         // slower, but not demoted
        assertEquals(CarpState.BACKUP, group.state());
    }

    @Test
    void shouldLiftRenewalDemotionWhenRenewalSucceedsAgain() {
        master();
        runtime.addresses.failRefresh = true;
        runtime.loop.advanceBy(INTERVAL_NANOS);
        assertEquals(240, group.demotion());
        runtime.addresses.failRefresh = false;
        runtime.clear();

        runtime.loop.advanceBy(2 * INTERVAL_NANOS);             // a lone master renews successfully

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(0, group.demotion());
        assertEquals(0, runtime.lastSent().demote(), "the master advertises the lifted demotion at once");
    }

    @Test
    void shouldKeepClaimDemotionWhenNothingIsLeftToRenew() {
        runtime.addresses.failClaim = true;
        started();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS + 3 * INTERVAL_NANOS); // claim fails; the renewals "succeed"
        assertEquals(240, group.demotion(), "a renewal must not lift the demotion of a failed claim");
    }

    @Test
    void shouldCountReleaseAndAnnounceFailuresAndGoOn() {
        runtime.addresses.failRelease = true;
        runtime.addresses.failAnnounce = true;
        runtime.addresses.failRefresh = true;
        master();                                           // refresh fails: 1
        runtime.loop.advanceBy(2 * INTERVAL_NANOS);         // 2 refreshes + the delayed announce: 3
        runtime.receiveIpv4(peerAdvert(1, 0, 0, 1));        // last advert's refresh + release: 2
        assertEquals(CarpState.BACKUP, group.state());
        assertEquals(6, group.stats().addressFailures());
    }

    // ------------------------------------------------------------------------------------------------ demotion

    @Test
    void shouldStoreDemotionBeforeStartAndAdvertiseIt() {
        group = builder().build();
        group.setDemotion(50, "test");
        assertEquals(50, group.demotion());
        group.start();
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        assertEquals(150, runtime.sent.get(0).advskew());
        assertEquals(50, runtime.sent.get(0).demote());
    }

    @Test
    void shouldAdvertiseAtOnceWhenDemotedAsMaster() {
        master();
        runtime.clear();
        group.setDemotion(20, "health check failed");
        assertEquals(20, group.demotion());
        assertEquals(1, runtime.sent.size());
        assertEquals(120, runtime.sent.get(0).advskew());
        assertEquals(20, runtime.sent.get(0).demote());
    }

    // ------------------------------------------------------------------------------------------------ forced

    @Test
    void shouldForceMasterAndForceBackupWithBowOut() {
        started();
        group.forceMaster("operator");
        assertEquals(CarpState.MASTER, group.state());
        assertEquals("forced: operator", events.get(events.size() - 1).reason());
        runtime.clear();
        group.forceBackup("maintenance");
        assertEquals(CarpState.BACKUP, group.state());
        assertTrue(runtime.sent.get(0).advert().isBowOut());
        assertEquals(List.of("release"), runtime.addresses.calls);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Test
    void shouldRefuseToBuildNamingTheRuntimeWhenNoneIsSet() {
        // The runtime creates the group engine (io.carp depends on no internal package), so build() needs it: the
        // error that start() gave before now comes from build(), naming the field and what it expects.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP4).build());
        assertTrue(e.getMessage().startsWith("runtime: not set"), e.getMessage());
        assertTrue(e.getMessage().contains("NettyCarpRuntime"), e.getMessage());
    }

    @Test
    void shouldThrowWhenStartedTwice() {
        started();
        IllegalStateException e = assertThrows(IllegalStateException.class, group::start);
        assertEquals("start(): already started", e.getMessage());
        assertEquals(1, runtime.attachCount);
    }

    @Test
    void shouldThrowWhenStartedAfterClose() {
        started();
        group.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, group::start);
        assertEquals("start(): the group was closed; build a new one", e.getMessage());
    }

    @Test
    void shouldThrowNamingMethodWhenForcedBeforeStart() {
        group = builder().build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> group.forceMaster("x"));
        assertEquals("forceMaster(): the group is not running (start() it first)", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> group.forceBackup("x"));
        assertEquals("forceBackup(): the group is not running (start() it first)", e.getMessage());
    }

    @Test
    void shouldLeaveGroupUnstartedWhenAttachFails() {
        runtime.dispatcher.register((DefaultCarpGroup) builder().build());
        group = builder().build();
        IllegalStateException e = assertThrows(IllegalStateException.class, group::start);
        assertTrue(e.getMessage().contains("vhid 1 is already running"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> group.forceMaster("x"));
    }

    @Test
    void shouldSignEveryAdvertSoThatPeersWithSamePasswordAndAddressesVerifyIt() {
        started(builder().virtualAddress(VIP6).virtualAddress("198.18.0.99"));
        runtime.loop.advanceBy(MASTER_DOWN_NANOS);
        runtime.loop.advanceBy(5 * INTERVAL_NANOS);
        group.setDemotion(30, "test");
        // A more demoted peer: we stay MASTER, announce, and adopt its counter.
        runtime.receiveIpv4(advert(PEER4, KEY, List.of(VIP6, of("198.18.0.99"), VIP4), 1, 200, 200, 0x7777));
        assertEquals(1, group.stats().ipv4PacketsReceived());
        group.close();

        // A peer configured with the same password and the same addresses, listed in another order.
        CarpAuthenticator peer = new CarpAuthenticator("secret".getBytes(StandardCharsets.UTF_8), 1,
                List.of(of("198.18.0.99"), VIP6, VIP4));
        assertEquals(16, runtime.sent.size(), "per family: takeover, 5 intervals, demotion, bow-out");
        assertTrue(runtime.sent.stream().anyMatch(s -> s.advert().isBowOut()));
        for (FakeRuntime.Sent s : runtime.sent) {
            assertTrue(peer.verify(s.advert()), s.advert()::toString);
        }
        CarpAuthenticator stranger = new CarpAuthenticator("secret".getBytes(StandardCharsets.UTF_8), 1,
                List.of(VIP4));
        assertFalse(stranger.verify(runtime.sent.get(0).advert()));
        assertNotEquals(runtime.sent.get(0).counter(), runtime.sent.get(1).counter());
        assertEquals(0x7778L, runtime.sent.get(14).counter(), "the bow-out continues from the peer's counter");
    }
}
