package io.carp.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpGroup;
import io.carp.DropReason;
import io.carp.InetAddressLiterals;
import io.carp.Protocol;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpMutations;
import io.carp.internal.vrrp.VrrpPacket;
import io.carp.spi.CarpDispatcher;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The VRRP receive path through the dispatcher into real groups (a VRRPv3 group, vrid 1, and a VRRPv2 group with a
 * password, vrid 2, next to a CARP group, vhid 3): mutated VRRP and CARP packets are fed one by one and for every
 * packet
 * <ul>
 *   <li>no exception escapes;</li>
 *   <li>it is counted exactly once: accepted by a group, or under one {@link DropReason} by a group or as unmatched;
 *       where the id byte names a VRRP group, a codec drop and the group path agree;</li>
 *   <li>a dropped packet changes nothing: state, demotion, timers, adverts sent, address calls, transitions,
 *       callbacks.</li>
 * </ul>
 * Seeded ({@code -Dcarp.fuzz.seed}) and short by default; scripts/fuzz-long.sh runs the codec-level VrrpFuzzTest for
 * the long run.
 */
@ExtendWith(QuietCarpLogs.class)
class VrrpGroupFuzzTest {
    static final long DEFAULT_SEED = 0x7272;
    static final long DEFAULT_PACKETS = 100_000;
    private static final int ACCEPTED = DropReason.values().length;
    private static final Inet4Address SELF = (Inet4Address) InetAddressLiterals.of("198.18.0.1");
    private static final Inet4Address GROUP = (Inet4Address) InetAddressLiterals.CARP_V4;
    private static final InetAddress VIP1 = InetAddressLiterals.of("198.18.1.1");
    private static final InetAddress VIP2 = InetAddressLiterals.of("198.18.2.1");
    private static final byte[] PASS = VrrpCodec.simpleTextAuthData("secret".getBytes(StandardCharsets.US_ASCII));

    static final class Harness {
        final ManualLoop loop = new ManualLoop(1_000_000_000L);
        final CarpDispatcher dispatcher = new CarpDispatcher();
        final FakeRuntime rt1 = new FakeRuntime(loop, dispatcher, SELF, null);
        final FakeRuntime rt2 = new FakeRuntime(loop, dispatcher, SELF, null);
        final FakeRuntime rt3 = new FakeRuntime(loop, dispatcher, SELF, null);
        final AtomicLong events = new AtomicLong();
        final CarpGroup v3;
        final CarpGroup v2;
        final CarpGroup carp;
        final long[] outcomes = new long[ACCEPTED + 1];
        long packets;

        Harness() {
            rt1.recordSends = false;
            rt2.recordSends = false;
            rt3.recordSends = false;
            v3 = CarpGroup.builder().protocol(Protocol.VRRP_V3).vhid(1).priority(150).virtualAddress(VIP1)
                    .runtime(rt1).callbackExecutor(Runnable::run).onStateChange(e -> events.incrementAndGet())
                    .build();
            v2 = CarpGroup.builder().protocol(Protocol.VRRP_V2).vhid(2).priority(120).password("secret")
                    .virtualAddress(VIP2).runtime(rt2).callbackExecutor(Runnable::run)
                    .onStateChange(e -> events.incrementAndGet()).build();
            carp = CarpGroup.builder().vhid(3).password("carp").virtualAddress("198.18.3.1").runtime(rt3)
                    .callbackExecutor(Runnable::run).onStateChange(e -> events.incrementAndGet()).build();
            v3.start();
            v2.start();
            carp.start();
        }

        long[] counters() {
            long[] c = new long[ACCEPTED + 1];
            for (DropReason r : DropReason.values()) {
                c[r.ordinal()] = v3.stats().dropped(r) + v2.stats().dropped(r) + carp.stats().dropped(r)
                        + dispatcher.unmatchedDrops(r);
            }
            c[ACCEPTED] = v3.stats().ipv4PacketsReceived() + v2.stats().ipv4PacketsReceived()
                    + carp.stats().ipv4PacketsReceived();
            return c;
        }

        List<Object> snapshot() {
            return List.of(v3.state(), v2.state(), carp.state(), v3.demotion(), v2.demotion(),
                    rt1.sendCount, rt2.sendCount, rt3.sendCount, rt1.addresses.calls.size(),
                    rt2.addresses.calls.size(), loop.nextDeadline(), loop.timerCount(), v3.stats().transitions(),
                    v2.stats().transitions(), events.get(), v3.stats().lastAdvertisementNanos(),
                    v2.stats().lastAdvertisementNanos());
        }

        int feed(byte[] packet) {
            int codec = -1;
            int id = packet.length > 21 && (packet[0] & 0x0f) == 5 ? packet[21] & 0xff : -1;
            if (id == 1 || id == 2) {
                VrrpPacket p = VrrpCodec.decodeIpv4(ByteBuffer.wrap(packet), true);
                codec = p.isDropped() && p.vrid() == id ? p.dropReason().ordinal() : -1;
            }
            long[] before = counters();
            List<Object> stateBefore = snapshot();
            try {
                dispatcher.receiveIpv4(ByteBuffer.wrap(packet));
            } catch (Throwable t) {
                throw new AssertionError("exception escaped for " + HexFormat.of().formatHex(packet), t);
            }
            long[] after = counters();
            int outcome = -1;
            for (int i = 0; i <= ACCEPTED; i++) {
                long d = after[i] - before[i];
                if (d != 0) {
                    if (d != 1 || outcome != -1) {
                        fail("counted more than once: " + Arrays.toString(before) + " -> " + Arrays.toString(after)
                                + " for " + HexFormat.of().formatHex(packet));
                    }
                    outcome = i;
                }
            }
            if (outcome == -1) {
                fail("neither accepted nor counted: " + HexFormat.of().formatHex(packet));
            }
            if (codec >= 0 && outcome != codec) {
                fail("codec said " + DropReason.values()[codec] + " but the group path counted " + outcome + ": "
                        + HexFormat.of().formatHex(packet));
            }
            if (outcome != ACCEPTED && !stateBefore.equals(snapshot())) {
                fail("a packet dropped as " + DropReason.values()[outcome] + " changed " + stateBefore + " -> "
                        + snapshot() + ": " + HexFormat.of().formatHex(packet));
            }
            outcomes[outcome]++;
            packets++;
            return outcome;
        }

        void maybeAdvance(SplittableRandom r) {
            int dice = r.nextInt(1000);
            if (dice < 250) {
                loop.advanceBy(r.nextLong(300_000_000L));
            } else if (dice < 255) {
                loop.advanceBy(r.nextLong(5_000_000_000L));
            }
            if (packets % 10_000 == 0) {
                rt1.addresses.calls.clear();
                rt2.addresses.calls.clear();
                rt3.addresses.calls.clear();
            }
        }
    }

    private static List<byte[]> basePackets(SplittableRandom r) {
        List<byte[]> base = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Inet4Address src = (Inet4Address) InetAddressLiterals.of("198.18.0." + (i % 5 == 0 ? 1 : 2 + r.nextInt(250)));
            int priority = new int[] {0, 100, 150, 151, 200, 255, r.nextInt(256)}[r.nextInt(7)];
            List<InetAddress> v3addrs = r.nextInt(4) == 0 ? List.of(VIP2) : List.of(VIP1);
            int interval = new int[] {1, 5, 100, 4095}[r.nextInt(4)];
            base.add(VrrpCodec.encodeIpv4(src, GROUP, 255, i, VrrpCodec.encodeV3(src, GROUP, 1, priority, interval,
                    v3addrs)));
            List<InetAddress> v2addrs = r.nextInt(4) == 0 ? List.of(VIP1, VIP2) : List.of(VIP2);
            byte[] auth = r.nextInt(4) == 0 ? new byte[8] : PASS;
            int seconds = r.nextInt(5) == 0 ? 2 : 1;
            base.add(VrrpCodec.encodeIpv4(src, GROUP, 255, i, VrrpCodec.encodeV2(2, priority, seconds,
                    auth == PASS ? 1 : 0, auth, v2addrs)));
            base.add(VrrpCodec.encodeIpv4(src, GROUP, 255, i, VrrpCodec.encodeV3(src, GROUP, 2, priority, 100,
                    List.of(VIP2)))); // VRRPv3 to the VRRPv2 group
            base.add(VrrpCodec.encodeIpv4(src, GROUP, 255, i, io.carp.internal.protocol.CarpCodec.encode(
                    1 + r.nextInt(3), r.nextInt(255), 0, 1, r.nextLong(), new byte[20]))); // CARP on every id
        }
        return base;
    }

    @Test
    void shouldCountEveryPacketOnceWithoutDroppedPacketsChangingState() {
        long seed = Long.getLong("carp.fuzz.seed", DEFAULT_SEED);
        long total = Long.getLong("carp.fuzz.packets", DEFAULT_PACKETS);
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> base = basePackets(random);
        Harness h = new Harness();
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            h.maybeAdvance(random);
            h.feed(VrrpMutations.mutate(base.get(random.nextInt(base.size())), false, random));
        }
        StringBuilder sb = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            sb.append(String.format(Locale.ROOT, "%n  drop %-16s %,12d", r.tag(), h.outcomes[r.ordinal()]));
        }
        System.out.printf(Locale.ROOT, "VRRP group fuzz: seed=%d packets=%,d accepted=%,d transitions=%,d"
                        + " address-list mismatches=%,d virtual-time=%.1f s elapsed=%.2f s%s%n", seed, h.packets,
                h.outcomes[ACCEPTED], h.v3.stats().transitions() + h.v2.stats().transitions(),
                h.v3.stats().addressListMismatches(), h.loop.nanoTime() / 1e9, (System.nanoTime() - start) / 1e9, sb);
        assertEquals(total, h.packets);
        for (DropReason r : List.of(DropReason.SHORT, DropReason.BAD_TTL, DropReason.FOREIGN, DropReason.BAD_VERSION,
                DropReason.BAD_CHECKSUM, DropReason.OWN_PACKET, DropReason.BAD_AUTH, DropReason.BAD_INTERVAL,
                DropReason.BAD_ADDRESS_LIST)) {
            assertTrue(h.outcomes[r.ordinal()] > 0, "the run never produced " + r + ": the fuzzer is too weak");
        }
        assertTrue(h.outcomes[ACCEPTED] > total / 20, "too little accepted");
        assertTrue(h.v3.stats().transitions() > 10 && h.v2.stats().transitions() > 10, "elections should move");
        assertTrue(h.v3.stats().addressListMismatches() > 0);
    }

    @Test
    void shouldDropEveryTruncationOfAVrrpAdvertWithoutChangingState() {
        Harness h = new Harness();
        h.loop.advanceBy(Duration.ofSeconds(1).toNanos());
        byte[] valid = VrrpCodec.encodeIpv4((Inet4Address) InetAddressLiterals.of("198.18.0.9"), GROUP, 255, 1,
                VrrpCodec.encodeV3(InetAddressLiterals.of("198.18.0.9"), GROUP, 1, 200, 100, List.of(VIP1)));
        for (int len = 0; len < valid.length; len++) {
            int outcome = h.feed(Arrays.copyOf(valid, len));
            assertTrue(outcome != ACCEPTED, "length " + len);
        }
        assertEquals(ACCEPTED, h.feed(valid));
    }
}
