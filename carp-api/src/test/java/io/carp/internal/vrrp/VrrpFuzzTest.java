package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V4;
import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V6;
import static io.carp.internal.vrrp.VrrpTestPackets.hex;
import static io.carp.internal.vrrp.VrrpTestPackets.v4;
import static io.carp.internal.vrrp.VrrpTestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpState;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InternetChecksum;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of the VRRP receive path: valid VRRPv3 (IPv4 and IPv6) and VRRPv2 adverts, CARP adverts and garbage
 * are mutated (fields with the checksum fixed, bit flips, cuts, extensions, TTL, protocol, addresses) and decoded by
 * {@link VrrpCodec}. For every packet:
 * <ul>
 *   <li>no exception escapes, and the result is either an advertisement or exactly one codec {@link DropReason};</li>
 *   <li>an accepted packet is checked against an independent reading of its bytes: TTL 255, version and type, the
 *       complete message, the checksum (with the pseudo-header for VRRPv3) and every field;</li>
 *   <li>accepted adverts drive a {@link VrrpStateMachine} per version, whose invariants are checked after each one
 *       (claims and releases alternate, MASTER exactly while claimed, a timer is armed while running).</li>
 * </ul>
 * Seeded ({@code -Dcarp.fuzz.seed}) and short by default ({@value #DEFAULT_PACKETS} packets);
 * {@code -Dcarp.fuzz.packets=10000000} for a long run (scripts/fuzz-long.sh runs it with the CARP fuzz test).
 */
class VrrpFuzzTest {
    static final long DEFAULT_SEED = 0x5A5A;
    static final long DEFAULT_PACKETS = 200_000;
    private static final Set<DropReason> CODEC_REASONS = EnumSet.of(DropReason.SHORT, DropReason.BAD_TTL,
            DropReason.FOREIGN, DropReason.BAD_VERSION, DropReason.BAD_CHECKSUM);
    private static final int ACCEPTED = DropReason.values().length;
    private static final Inet4Address SELF = v4("198.18.0.1");
    private static final Inet4Address PEER = v4("198.18.0.2");
    private static final Inet6Address SELF6 = v6("fe80::1");
    private static final Inet6Address PEER6 = v6("fe80::2");

    /** A state machine whose effects are checked for consistency. */
    static final class CheckedMachine implements VrrpStateMachine.Effects {
        final VrrpStateMachine machine;
        boolean claimed;
        long transitions;
        long adverts;

        CheckedMachine(int version, int priority, int intervalCentis, boolean preempt) {
            machine = new VrrpStateMachine(version, priority, intervalCentis, preempt, 0, this);
        }

        @Override
        public void sendAdvertisement(int priority) {
            assertTrue(priority >= 0 && priority <= 255);
            adverts++;
        }

        @Override
        public void claimAddresses() {
            assertTrue(!claimed, "claimed twice");
            claimed = true;
        }

        @Override
        public void releaseAddresses() {
            assertTrue(claimed, "released without a claim");
            claimed = false;
        }

        @Override
        public void announceAddresses() {
            assertTrue(claimed, "announced without the addresses");
        }

        @Override
        public void stateChanged(CarpState from, CarpState to, VrrpStateMachine.Cause cause, String detail) {
            assertNotEquals(from, to);
            assertNotNull(cause);
            transitions++;
        }

        void check(long now) {
            assertEquals(machine.state() == CarpState.MASTER, claimed, "MASTER exactly while the addresses are held");
            assertTrue(machine.state() == CarpState.INIT || machine.nextDeadline() != VrrpStateMachine.NO_DEADLINE,
                    "a running machine has a timer");
            assertTrue(machine.nextDeadline() == VrrpStateMachine.NO_DEADLINE || machine.nextDeadline() >= now - 1,
                    "deadline not in the past after an event");
        }
    }

    static final class Harness {
        final long[] outcomes = new long[ACCEPTED + 1];
        final CheckedMachine v3 = new CheckedMachine(3, 150, 100, true);
        final CheckedMachine v3six = new CheckedMachine(3, 100, 5, false);
        final CheckedMachine v2 = new CheckedMachine(2, 120, 100, true);
        long now = 1_000_000_000L;
        long packets;

        Harness() {
            v3.machine.start(now, true);
            v3six.machine.start(now, true);
            v2.machine.start(now, true);
        }

        int feed(byte[] packet, boolean ipv6, boolean checkTtl) {
            packets++;
            VrrpPacket p;
            try {
                p = ipv6 ? VrrpCodec.decodeIpv6(ByteBuffer.wrap(packet), checkTtl)
                        : VrrpCodec.decodeIpv4(ByteBuffer.wrap(packet), checkTtl);
            } catch (Throwable t) {
                throw new AssertionError("decode threw for " + hex(packet), t);
            }
            assertNotNull(p);
            int outcome;
            if (p.isDropped()) {
                assertTrue(CODEC_REASONS.contains(p.dropReason()), () -> p.dropReason() + " for " + hex(packet));
                assertTrue(p.advertisement() == null);
                outcome = p.dropReason().ordinal();
            } else {
                verifyIndependently(packet, ipv6, checkTtl, p);
                drive(ipv6, p);
                outcome = ACCEPTED;
            }
            outcomes[outcome]++;
            return outcome;
        }

        void drive(boolean ipv6, VrrpPacket p) {
            VrrpAdvertisement a = p.advertisement();
            CheckedMachine m = ipv6 ? v3six : a.version() == 2 ? v2 : v3;
            InetAddress self = ipv6 ? SELF6 : SELF;
            m.machine.onAdvertisement(now, a.priority(), a.intervalCentis(), p.envelope().source(), self);
            m.check(now);
        }

        void advance(SplittableRandom r) {
            int dice = r.nextInt(100);
            if (dice < 30) {
                now += r.nextLong(400_000_000L);
            } else if (dice == 30) {
                now += r.nextLong(5_000_000_000L);
            }
            for (CheckedMachine m : List.of(v3, v3six, v2)) {
                if (m.machine.nextDeadline() <= now) {
                    m.machine.onTimer(now);
                }
                m.check(now);
            }
        }
    }

    /** Reads an accepted packet again with straightforward code and compares every field. */
    static void verifyIndependently(byte[] packet, boolean ipv6, boolean checkTtl, VrrpPacket p) {
        int ihl = ipv6 ? 40 : (packet[0] & 0x0f) * 4;
        int ipLen = ipv6 ? 40 + ((packet[4] & 0xff) << 8 | (packet[5] & 0xff))
                : ((packet[2] & 0xff) << 8 | (packet[3] & 0xff));
        int end = Math.min(packet.length, Math.max(ipLen, ihl));
        int len = end - ihl;
        int ttl = packet[ipv6 ? 7 : 8] & 0xff;
        if (checkTtl) {
            assertEquals(255, ttl, () -> "accepted with TTL " + ttl + ": " + hex(packet));
        }
        assertEquals(112, packet[ipv6 ? 6 : 9] & 0xff);
        int version = (packet[ihl] & 0xff) >>> 4;
        assertEquals(1, packet[ihl] & 0x0f, "type");
        assertTrue(version == 3 || (version == 2 && !ipv6), "version");
        int count = packet[ihl + 3] & 0xff;
        int addrLen = ipv6 ? 16 : 4;
        int msgLen = 8 + count * addrLen + (version == 2 ? 8 : 0);
        assertTrue(len >= msgLen, "complete message");
        if (version == 2) {
            assertEquals(0, InternetChecksum.compute(packet, ihl, msgLen), "v2 checksum");
        } else {
            // Pseudo-header built as bytes, then one plain Internet checksum over both.
            ByteBuffer pseudo = ByteBuffer.allocate((ipv6 ? 40 : 12) + msgLen);
            if (ipv6) {
                pseudo.put(packet, 8, 32).putInt(msgLen).put(new byte[3]).put((byte) 112);
            } else {
                pseudo.put(packet, 12, 8).put((byte) 0).put((byte) 112).putShort((short) msgLen);
            }
            pseudo.put(packet, ihl, msgLen);
            assertEquals(0, InternetChecksum.compute(pseudo.array(), 0, pseudo.capacity()),
                    () -> "v3 checksum: " + hex(packet));
        }
        assertTrue(!VrrpCodec.isCarp(ByteBuffer.wrap(packet), ihl, len), "CARP accepted as VRRP");
        VrrpAdvertisement a = p.advertisement();
        assertEquals(version, a.version());
        assertEquals(packet[ihl + 1] & 0xff, a.vrid());
        assertEquals(packet[ihl + 2] & 0xff, a.priority());
        assertEquals(count, a.count());
        for (int i = 0; i < count; i++) {
            assertTrue(Arrays.equals(Arrays.copyOfRange(packet, ihl + 8 + i * addrLen, ihl + 8 + (i + 1) * addrLen),
                    a.addresses().get(i).getAddress()), "address " + i);
        }
        if (version == 3) {
            assertEquals(((packet[ihl + 4] & 0x0f) << 8) | (packet[ihl + 5] & 0xff), a.intervalCentis());
        } else {
            assertEquals(packet[ihl + 4] & 0xff, a.authType());
            assertEquals((packet[ihl + 5] & 0xff) * 100, a.intervalCentis());
            assertTrue(Arrays.equals(Arrays.copyOfRange(packet, ihl + 8 + count * 4, ihl + msgLen), a.authData()));
        }
    }

    // ------------------------------------------------------------------------------------------------ packets

    record Base(byte[] bytes, boolean ipv6) {
    }

    private static List<Base> basePackets(SplittableRandom r) {
        List<Base> base = new ArrayList<>();
        byte[] pass = VrrpCodec.simpleTextAuthData("secret".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 60; i++) {
            int count = 1 + r.nextInt(r.nextInt(8) == 0 ? 20 : 3);
            List<InetAddress> v4s = new ArrayList<>();
            List<InetAddress> v6s = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                v4s.add(v4("198.18.1." + (k + 1)));
                v6s.add(v6(k == 0 ? "fe80::100" : "fd00::" + (k + 1)));
            }
            int vrid = r.nextInt(4) == 0 ? 1 + r.nextInt(255) : 1;
            int priority = new int[] {0, 1, 100, 150, 200, 254, 255, r.nextInt(256)}[r.nextInt(8)];
            int interval = new int[] {1, 5, 100, 300, 4095, 1 + r.nextInt(4095)}[r.nextInt(6)];
            Inet4Address src = r.nextBoolean() ? PEER : v4("198.18.0." + r.nextInt(256));
            Inet4Address dst = r.nextInt(4) == 0 ? SELF : GROUP_V4;
            base.add(new Base(VrrpCodec.encodeIpv4(src, dst, 255, r.nextInt(65536),
                    VrrpCodec.encodeV3(src, dst, vrid, priority, interval, v4s)), false));
            Inet6Address src6 = r.nextBoolean() ? PEER6 : v6("fe80::" + Integer.toHexString(r.nextInt(65536)));
            base.add(new Base(VrrpCodec.encodeIpv6(src6, GROUP_V6, 255,
                    VrrpCodec.encodeV3(src6, GROUP_V6, vrid, priority, interval, v6s)), true));
            int seconds = new int[] {1, 1, 3, 255, 1 + r.nextInt(255)}[r.nextInt(5)];
            byte[] v2 = r.nextBoolean() ? VrrpCodec.encodeV2(vrid, priority, seconds, 0, new byte[8], v4s)
                    : VrrpCodec.encodeV2(vrid, priority, seconds, 1, pass, v4s);
            base.add(new Base(VrrpCodec.encodeIpv4(src, GROUP_V4, 255, r.nextInt(65536), v2), false));
        }
        for (int i = 0; i < 10; i++) {   // CARP on the same protocol number
            byte[] md = new byte[20];
            r.nextBytes(md);
            base.add(new Base(VrrpCodec.encodeIpv4(PEER, GROUP_V4, 255, 1,
                    CarpCodec.encode(1 + r.nextInt(255), r.nextInt(256), 0, 1, r.nextLong(), md)), false));
        }
        return base;
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void shouldAcceptOrDropEveryMutatedPacketExactlyOnce() {
        long seed = Long.getLong("carp.fuzz.seed", DEFAULT_SEED);
        long total = Long.getLong("carp.fuzz.packets", DEFAULT_PACKETS);
        SplittableRandom random = new SplittableRandom(seed);
        List<Base> base = basePackets(random);
        Harness h = new Harness();
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            h.advance(random);
            Base b = base.get(random.nextInt(base.size()));
            h.feed(VrrpMutations.mutate(b.bytes(), b.ipv6(), random), b.ipv6(), random.nextInt(16) != 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder sb = new StringBuilder();
        long dropped = 0;
        for (DropReason r : CODEC_REASONS) {
            sb.append(String.format(Locale.ROOT, "%n  drop %-13s %,12d", r.tag(), h.outcomes[r.ordinal()]));
            dropped += h.outcomes[r.ordinal()];
        }
        System.out.printf(Locale.ROOT, "VRRP fuzz: seed=%d packets=%,d accepted=%,d dropped=%,d transitions=%,d"
                        + " virtual-time=%.1f s elapsed=%.2f s%s%n", seed, h.packets, h.outcomes[ACCEPTED], dropped,
                h.v3.transitions + h.v3six.transitions + h.v2.transitions, h.now / 1e9, seconds, sb);
        assertEquals(total, h.packets);
        assertEquals(total, h.outcomes[ACCEPTED] + dropped, "every packet accepted or dropped for one reason");
        for (DropReason r : CODEC_REASONS) {
            assertTrue(h.outcomes[r.ordinal()] > 0, "the run never produced " + r + ": the fuzzer is too weak");
        }
        assertTrue(h.outcomes[ACCEPTED] > total / 20, "too little accepted");
        assertTrue(h.v3.transitions > 10 && h.v2.transitions > 10 && h.v3six.transitions > 2,
                "accepted packets should move the elections");
    }

    @Test
    void shouldDetectEverySingleBitFlipInV3MessageAndAddresses() {
        byte[] valid = VrrpCodec.encodeIpv4(PEER, GROUP_V4, 255, 1,
                VrrpCodec.encodeV3(PEER, GROUP_V4, 1, 100, 100, List.of(v4("198.18.0.100"), v4("198.18.0.101"))));
        Harness h = new Harness();
        assertEquals(ACCEPTED, h.feed(valid, false, true));
        // Bytes 12-19 (source and destination: the pseudo-header) and every VRRP byte.
        for (int i = 12; i < valid.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] p = valid.clone();
                p[i] ^= (byte) (1 << bit);
                int outcome = h.feed(p, false, true);
                if (i == 20 + 4 && bit >= 4) {
                    continue; // reserved bits: covered by the checksum, so also a drop; checked below
                }
                assertNotEquals(ACCEPTED, outcome, "flip of byte " + i + " bit " + bit + " accepted");
            }
        }
    }

    @Test
    void shouldDetectEverySingleBitFlipInV2Message() {
        byte[] valid = VrrpCodec.encodeIpv4(PEER, GROUP_V4, 255, 1, VrrpCodec.encodeV2(1, 100, 1, 1,
                VrrpCodec.simpleTextAuthData("pw".getBytes(StandardCharsets.US_ASCII)), List.of(v4("198.18.0.100"))));
        Harness h = new Harness();
        assertEquals(ACCEPTED, h.feed(valid, false, true));
        for (int i = 20; i < valid.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] p = valid.clone();
                p[i] ^= (byte) (1 << bit);
                assertNotEquals(ACCEPTED, h.feed(p, false, true), "flip of byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void shouldDropEveryTruncation() {
        byte[] valid = VrrpCodec.encodeIpv6(PEER6, GROUP_V6, 255,
                VrrpCodec.encodeV3(PEER6, GROUP_V6, 1, 100, 100, List.of(v6("fe80::100"))));
        Harness h = new Harness();
        for (int len = 0; len < valid.length; len++) {
            assertEquals(DropReason.SHORT.ordinal(), h.feed(Arrays.copyOf(valid, len), true, true), "length " + len);
        }
        assertEquals(ACCEPTED, h.feed(valid, true, true));
    }

    @Test
    void shouldNeverAcceptRandomGarbage() {
        SplittableRandom r = new SplittableRandom(7);
        Harness h = new Harness();
        for (int i = 0; i < 50_000; i++) {
            byte[] g = new byte[r.nextInt(100)];
            r.nextBytes(g);
            if (h.feed(g, r.nextBoolean(), true) == ACCEPTED) {
                fail("random bytes accepted: " + hex(g));
            }
        }
    }
}
