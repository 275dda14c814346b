package io.carp.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.InetAddressLiterals;
import io.carp.Protocol;
import io.carp.internal.vrrp.VrrpCodec;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * A VRRP backup's receive path (dispatcher, VRRP decoder, receive check, election) allocates nothing per advert heard
 * while the master repeats the same advert (issue #14). Measured as the bytes this thread allocates
 * ({@code com.sun.management.ThreadMXBean}) around {@value #ADVERTS} dispatches after a warm-up: allocation, not time.
 * A window is measured again (up to {@value #WINDOWS} times) when it shows a one-off burst, as the JIT can
 * materialise scalar-replaced objects when it deoptimises; an allocation per advert shows in every window and fails.
 */
class VrrpSteadyStateAllocationTest {
    private static final int WARM_UP = 30_000;
    private static final int ADVERTS = 10_000;
    private static final int WINDOWS = 5;
    private static final long MS = 1_000_000L;
    private static final InetAddress SELF = InetAddressLiterals.of("198.18.0.1");
    private static final Inet4Address PEER = (Inet4Address) InetAddressLiterals.of("198.18.0.2");
    private static final InetAddress VIP = InetAddressLiterals.of("198.18.0.100");
    private static final InetAddress SELF6 = InetAddressLiterals.of("fe80::1");
    private static final Inet6Address PEER6 = (Inet6Address) InetAddressLiterals.of("fe80::2");
    private static final Inet6Address GROUP6 = (Inet6Address) InetAddressLiterals.of("ff02::12");
    private static final InetAddress VIP6 = InetAddressLiterals.of("fd00::100");

    @Test
    void shouldAllocateNothingPerVrrpv3Ipv4AdvertHeard() {
        FakeRuntime runtime = new FakeRuntime(SELF, null);
        CarpGroup g = CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(5).priority(100).virtualAddress(VIP)
                .runtime(runtime).build();
        ByteBuffer advert = ByteBuffer.wrap(VrrpCodec.encodeIpv4(PEER, (Inet4Address) InetAddressLiterals.CARP_V4,
                255, 1, VrrpCodec.encodeV3(PEER, InetAddressLiterals.CARP_V4, 5, 200, 100, List.of(VIP))));
        assertSteadyStateAllocatesNothing(runtime, g, () -> runtime.dispatcher.receiveIpv4(advert),
                s -> s.ipv4PacketsReceived());
    }

    @Test
    void shouldAllocateNothingPerVrrpv3Ipv6AdvertHeard() {
        FakeRuntime runtime = new FakeRuntime(null, SELF6);
        CarpGroup g = CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(6).priority(100).virtualAddress(VIP6)
                .runtime(runtime).build();
        ByteBuffer advert = ByteBuffer.wrap(VrrpCodec.encodeIpv6(PEER6, GROUP6, 255,
                VrrpCodec.encodeV3(PEER6, GROUP6, 6, 200, 100, List.of(VIP6))));
        assertSteadyStateAllocatesNothing(runtime, g, () -> runtime.dispatcher.receiveIpv6(advert),
                s -> s.ipv6PacketsReceived());
    }

    @Test
    void shouldAllocateNothingPerVrrpv2AdvertWithAPasswordHeard() {
        FakeRuntime runtime = new FakeRuntime(SELF, null);
        CarpGroup g = CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(7).priority(100).password("secret")
                .virtualAddress(VIP).runtime(runtime).build();
        byte[] auth = VrrpCodec.simpleTextAuthData("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer advert = ByteBuffer.wrap(VrrpCodec.encodeIpv4(PEER, (Inet4Address) InetAddressLiterals.CARP_V4,
                255, 1, VrrpCodec.encodeV2(7, 200, 1, 1, auth, List.of(VIP))));
        assertSteadyStateAllocatesNothing(runtime, g, () -> runtime.dispatcher.receiveIpv4(advert),
                s -> s.ipv4PacketsReceived());
    }

    private static void assertSteadyStateAllocatesNothing(FakeRuntime runtime, CarpGroup g, Runnable receive,
            ToLongFunction<io.carp.CarpStats> received) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count a thread's allocation");
        threads.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();
        g.start();
        runtime.loop.advanceBy(100 * MS);
        for (int i = 0; i < WARM_UP; i++) {
            receive.run();
        }
        assertEquals(CarpState.BACKUP, g.state());
        long heardBefore = received.applyAsLong(g.stats());
        long bytes = -1;
        StringBuilder windows = new StringBuilder();
        for (int w = 0; w < WINDOWS && bytes != 0; w++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < ADVERTS; i++) {
                receive.run();
            }
            bytes = threads.getThreadAllocatedBytes(thread) - before;
            windows.append(" window ").append(w + 1).append(": ").append(bytes).append(" B");
        }
        assertEquals(CarpState.BACKUP, g.state());
        assertTrue(received.applyAsLong(g.stats()) - heardBefore >= ADVERTS, g.stats().toString());
        assertEquals(0, bytes, "bytes allocated over " + ADVERTS + " adverts heard;" + windows);
        g.close();
    }
}
