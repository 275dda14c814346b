package io.carp.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.InetAddressLiterals;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpCodec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A VRRP group in the engine on a fake runtime: what it sends, and the engine's policies applied to VRRP. */
class VrrpGroupTest {
    private static final long MS = 1_000_000L;
    private static final InetAddress SELF = InetAddressLiterals.of("198.18.0.1");
    private static final InetAddress PEER = InetAddressLiterals.of("198.18.0.2");
    private static final InetAddress VIP = InetAddressLiterals.of("198.18.0.100");

    private final FakeRuntime runtime = new FakeRuntime(SELF, null);
    private final List<CarpStateEvent> events = new ArrayList<>();

    private CarpGroup group(int priority) {
        return CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(5).priority(priority).virtualAddress(VIP)
                .runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add).build();
    }

    private VrrpAdvertisement lastSent() {
        return runtime.vrrpSent.get(runtime.vrrpSent.size() - 1);
    }

    private void receive(int priority) {
        runtime.receiveIpv4(VrrpCodec.encodeIpv4((java.net.Inet4Address) PEER,
                (java.net.Inet4Address) InetAddressLiterals.CARP_V4, 255, 1,
                VrrpCodec.encodeV3(PEER, InetAddressLiterals.CARP_V4, 5, priority, 100, List.of(VIP))));
    }

    @Test
    void shouldAdvertiseItsPriorityAndRenewAddressesAsMaster() {
        CarpGroup g = group(200);
        g.start();
        runtime.loop.advanceBy(3_300 * MS); // 3 s + 56/256 s
        assertEquals(CarpState.MASTER, g.state());
        assertEquals(200, lastSent().priority());
        assertEquals(List.of(VIP), lastSent().addresses());
        int sent = runtime.vrrpSent.size();
        runtime.loop.advanceBy(1_000 * MS);
        assertEquals(sent + 1, runtime.vrrpSent.size(), "one advert per second");
        assertTrue(runtime.addresses.calls.contains("refresh"), runtime.addresses.calls.toString());
        assertEquals(sent + 1, g.stats().ipv4PacketsSent());
    }

    @Test
    void shouldSendPriorityZeroAndReleaseOnClose() {
        CarpGroup g = group(200);
        g.start();
        runtime.loop.advanceBy(3_300 * MS);
        g.close();
        assertEquals(0, lastSent().priority());
        assertEquals("release", runtime.addresses.calls.get(runtime.addresses.calls.size() - 1));
        assertEquals(StateChangeCause.STOPPED, events.get(events.size() - 1).cause());
    }

    @Test
    void shouldAdvertisePriorityOneWhenItCannotClaimItsAddresses() {
        runtime.addresses.failClaim = true;
        CarpGroup g = group(200);
        g.start();
        runtime.loop.advanceBy(3_300 * MS);
        runtime.loop.runPending();
        assertEquals(240, g.demotion(), "the address-failure demotion of the engine");
        assertEquals(1, lastSent().priority(), "200 - 240, floored at 1: any healthy backup preempts");
        receive(100);
        assertEquals(CarpState.BACKUP, g.state());
        assertEquals(StateChangeCause.ADDRESS_CLAIM_FAILED, events.get(events.size() - 1).cause());
    }

    @Test
    void shouldCountSendFailuresAndGoOn() {
        runtime.failSend = true;
        CarpGroup g = group(200);
        g.start();
        runtime.loop.advanceBy(5_000 * MS);
        assertEquals(CarpState.MASTER, g.state());
        assertTrue(g.stats().sendErrors() >= 2, g.stats().toString());
    }

    @Test
    void shouldStepDownToAHigherPriority() {
        CarpGroup g = group(150);
        g.start();
        runtime.loop.advanceBy(3_500 * MS);
        assertEquals(CarpState.MASTER, g.state());
        receive(200);
        assertEquals(CarpState.BACKUP, g.state());
        assertEquals(StateChangeCause.PREEMPTED, events.get(events.size() - 1).cause());
        assertEquals(1, g.stats().ipv4PacketsReceived());
    }

    @Test
    void shouldCountTheMasterDownIntervalFromTheAdvertsArrival() {
        CarpGroup g = group(100);
        g.start();
        runtime.loop.advanceBy(1_000 * MS);
        long arrived = runtime.loop.nanoTime() - 300_000L;
        runtime.receiveIpv4(VrrpCodec.encodeIpv4((java.net.Inet4Address) PEER,
                (java.net.Inet4Address) InetAddressLiterals.CARP_V4, 255, 1,
                VrrpCodec.encodeV3(PEER, InetAddressLiterals.CARP_V4, 5, 200, 100, List.of(VIP))), arrived);
        assertEquals(arrived + 3_609_375_000L, runtime.loop.nextDeadline(), "3 s + 156/256 s after the arrival");
        assertEquals(CarpState.BACKUP, g.state());
    }

    @Test
    void shouldReportTheMasterDownIntervalInForceIncludingTheLearnedInterval() {
        CarpGroup g = group(100);
        g.start();
        assertEquals(3_609_375_000L, g.stats().currentMasterDownNanos(), "3 s + 156/256 s");
        runtime.receiveIpv4(VrrpCodec.encodeIpv4((java.net.Inet4Address) PEER,
                (java.net.Inet4Address) InetAddressLiterals.CARP_V4, 255, 1,
                VrrpCodec.encodeV3(PEER, InetAddressLiterals.CARP_V4, 5, 200, 5, List.of(VIP))));
        assertEquals(150_000_000L + 30_468_750L, g.stats().currentMasterDownNanos(),
                "learned 50 ms: 150 ms + 156/256 x 50 ms");
    }
}
