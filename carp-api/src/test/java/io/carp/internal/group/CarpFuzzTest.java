package io.carp.internal.group;

import io.carp.CarpGroup;

import io.carp.DropReason;
import io.carp.InetAddressLiterals;

import io.carp.internal.group.DefaultCarpGroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.internal.protocol.InternetChecksum;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.internal.protocol.TestPackets;
import io.carp.spi.CarpDispatcher;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property test of the receive path: valid adverts (IPv4 datagrams) are mutated in every field, flipped bit by bit,
 * cut at every length, extended, given IPv4 options, wrong IHL values and every TTL, or replaced by garbage, then fed
 * through a {@link CarpDispatcher} into two {@link DefaultCarpGroup}s on a fake runtime and through {@link CarpCodec}
 * directly. For every single packet:
 * <ul>
 *   <li>no exception escapes;</li>
 *   <li>it ends either accepted by a group or counted under exactly one {@link DropReason} (by a group or as
 *       unmatched by the dispatcher), and the codec's own verdict agrees with that;</li>
 *   <li>a dropped packet changes nothing: no state, timer, advert, address call, demotion or callback.</li>
 * </ul>
 *
 * <p>Seeded ({@code -Dcarp.fuzz.seed}, default {@value #DEFAULT_SEED}) and short by default
 * ({@value #DEFAULT_PACKETS} packets); {@code -Dcarp.fuzz.packets=10000000} for a long run (scripts/fuzz-long.sh).
 */
@ExtendWith(QuietCarpLogs.class)
class CarpFuzzTest {
    static final long DEFAULT_SEED = 0xCA4BL;
    static final long DEFAULT_PACKETS = 200_000;
    private static final byte[] KEY1 = "secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY2 = "other-group".getBytes(StandardCharsets.UTF_8);
    private static final Inet4Address SELF = (Inet4Address) InetAddressLiterals.of("198.18.0.1");
    private static final Inet4Address PEER = (Inet4Address) InetAddressLiterals.of("198.18.0.2");
    private static final Inet4Address PEER2 = (Inet4Address) InetAddressLiterals.of("198.18.0.3");
    private static final InetAddress LINK_LOCAL_PEER = InetAddressLiterals.of("fe80::2");
    private static final InetAddress VIP1 = InetAddressLiterals.of("198.18.0.100");
    private static final InetAddress VIP2 = InetAddressLiterals.of("198.18.0.200");
    private static final Set<DropReason> CODEC_REASONS = EnumSet.of(DropReason.SHORT, DropReason.BAD_TTL,
            DropReason.FOREIGN, DropReason.BAD_VERSION, DropReason.BAD_CHECKSUM);
    /** The group's private advert counter (in its GroupAuthenticator): a dropped packet must not change it either. */
    private static final VarHandle ADVERTISER;
    private static final VarHandle COUNTER;

    static {
        try {
            ADVERTISER = MethodHandles.privateLookupIn(DefaultCarpGroup.class, MethodHandles.lookup())
                    .findVarHandle(DefaultCarpGroup.class, "authenticator", GroupAuthenticator.class);
            COUNTER = MethodHandles.privateLookupIn(GroupAuthenticator.Plain.class, MethodHandles.lookup())
                    .findVarHandle(GroupAuthenticator.Plain.class, "counter", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Index of "accepted" in an outcome vector; the drop reasons use their ordinals. */
    private static final int ACCEPTED = DropReason.values().length;


    // ------------------------------------------------------------------------------------------------ harness

    /** Two groups (vhid 1 and 2) behind one dispatcher on one manual loop; checks every packet fed. */
    static final class Harness {
        final ManualLoop loop = new ManualLoop(1_000_000_000L);
        final CarpDispatcher dispatcher = new CarpDispatcher();
        final FakeRuntime rt1 = new FakeRuntime(loop, dispatcher, SELF, null);
        final FakeRuntime rt2 = new FakeRuntime(loop, dispatcher, SELF, null);
        final AtomicLong events = new AtomicLong();
        final CarpGroup g1;
        final CarpGroup g2;
        final long[] outcomes = new long[ACCEPTED + 1];
        final long[] codecOutcomes = new long[ACCEPTED + 1];
        long packets;
        long codecOnlyPackets;

        Harness() {
            rt1.recordSends = false;
            rt2.recordSends = false;
            g1 = CarpGroup.builder().vhid(1).password("secret").virtualAddress(VIP1).advskew(100).preempt(true)
                    .runtime(rt1).callbackExecutor(Runnable::run).onStateChange(e -> events.incrementAndGet())
                    .build();
            g2 = CarpGroup.builder().vhid(2).password("other-group").virtualAddress(VIP2).advskew(50)
                    .runtime(rt2).callbackExecutor(Runnable::run).onStateChange(e -> events.incrementAndGet())
                    .build();
            g1.start();
            g2.start();
        }

        private long[] counters() {
            long[] c = new long[ACCEPTED + 1];
            for (DropReason r : DropReason.values()) {
                c[r.ordinal()] = g1.stats().dropped(r) + g2.stats().dropped(r) + dispatcher.unmatchedDrops(r);
            }
            c[ACCEPTED] = g1.stats().ipv4PacketsReceived() + g1.stats().ipv6PacketsReceived()
                    + g2.stats().ipv4PacketsReceived() + g2.stats().ipv6PacketsReceived();
            return c;
        }

        /** Everything a packet could change, the groups' private advert counters included. */
        private List<Object> snapshot() {
            return List.of(COUNTER.get(ADVERTISER.get(g1)), COUNTER.get(ADVERTISER.get(g2)), g1.state(), g2.state(), g1.demotion(), g2.demotion(),
                    rt1.sendCount, rt2.sendCount,
                    rt1.addresses.calls.size(), rt2.addresses.calls.size(), loop.nextDeadline(), loop.timerCount(),
                    g1.stats().transitions(), g2.stats().transitions(), events.get(),
                    g1.stats().lastAdvertisementNanos(), g2.stats().lastAdvertisementNanos());
        }

        /** Feeds one IPv4 datagram; returns the outcome index (a drop reason's ordinal or {@link #ACCEPTED}). */
        int feed(byte[] packet) {
            int codec = checkCodec(packet);
            long[] before = counters();
            List<Object> stateBefore = snapshot();
            try {
                dispatcher.receiveIpv4(ByteBuffer.wrap(packet));
            } catch (Throwable t) {
                throw new AssertionError("exception escaped for packet " + TestPackets.hex(packet), t);
            }
            long[] after = counters();
            int outcome = -1;
            for (int i = 0; i <= ACCEPTED; i++) {
                long d = after[i] - before[i];
                if (d != 0) {
                    if (d != 1 || outcome != -1) {
                        fail("packet counted more than once: " + Arrays.toString(before) + " -> "
                                + Arrays.toString(after) + " for " + TestPackets.hex(packet));
                    }
                    outcome = i;
                }
            }
            if (outcome == -1) {
                fail("packet neither accepted nor counted: " + TestPackets.hex(packet));
            }
            if (codec != ACCEPTED && outcome != codec) {
                fail("codec said " + DropReason.values()[codec] + " but the group path counted " + name(outcome)
                        + ": " + TestPackets.hex(packet));
            }
            if (codec == ACCEPTED && outcome != ACCEPTED && outcome != DropReason.OTHER_VHID.ordinal()
                    && outcome != DropReason.BAD_AUTH.ordinal() && outcome != DropReason.OWN_PACKET.ordinal()) {
                fail("a well-formed advert was dropped as " + name(outcome) + ": " + TestPackets.hex(packet));
            }
            if (outcome != ACCEPTED) {
                List<Object> stateAfter = snapshot();
                if (!stateBefore.equals(stateAfter)) {
                    fail("a packet dropped as " + name(outcome) + " changed " + stateBefore + " -> " + stateAfter
                            + ": " + TestPackets.hex(packet));
                }
            }
            outcomes[outcome]++;
            packets++;
            return outcome;
        }

        /** The codec alone, on the IPv4 datagram; returns its verdict. */
        private int checkCodec(byte[] packet) {
            InboundPacket p;
            try {
                p = CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), true);
            } catch (Throwable t) {
                throw new AssertionError("CarpCodec.decodeIpv4 threw for " + TestPackets.hex(packet), t);
            }
            int verdict = checkWellFormed(p, packet);
            codecOutcomes[verdict]++;
            return verdict;
        }

        /** The same bytes through the other two decode paths: a separate envelope, and an IPv6 header. */
        void feedOtherPaths(byte[] packet, SplittableRandom random) {
            int ihl = packet.length > 0 ? (packet[0] & 0x0f) * 4 : 0;
            byte[] payload = ihl >= 20 && ihl <= packet.length ? Arrays.copyOfRange(packet, ihl, packet.length)
                    : packet;
            int ttl = random.nextInt(8) == 0 ? random.nextInt(256) : 255;
            IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, LINK_LOCAL_PEER, InetAddressLiterals.CARP_V6, ttl);
            int offset = random.nextInt(4);
            ByteBuffer b = ByteBuffer.allocate(offset + payload.length + random.nextInt(4));
            b.position(offset);
            b.put(payload);
            b.flip();
            b.position(offset);
            try {
                checkWellFormed(CarpCodec.decode(envelope, b, true), payload);
                assertEquals(offset, b.position(), "decode moved the buffer's position");

                byte[] v6 = new byte[40 + payload.length];
                v6[0] = 0x60;
                int payloadLength = random.nextInt(8) == 0 ? random.nextInt(65536) : payload.length;
                v6[4] = (byte) (payloadLength >>> 8);
                v6[5] = (byte) payloadLength;
                v6[6] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 112);
                v6[7] = (byte) ttl;
                System.arraycopy(payload, 0, v6, 40, payload.length);
                if (random.nextInt(8) == 0) {
                    v6 = Arrays.copyOf(v6, random.nextInt(v6.length + 1));
                }
                checkWellFormed(CarpCodec.decodeIpv6(ByteBuffer.wrap(v6), true), v6);
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("a decode path threw for " + TestPackets.hex(payload), t);
            }
            codecOnlyPackets += 2;
        }

        /** Exactly one of dropped-with-reason or accepted-with-valid-header; returns the verdict index. */
        private static int checkWellFormed(InboundPacket p, byte[] bytes) {
            assertNotNull(p, "decode returned null");
            if (p.isDropped()) {
                assertNotNull(p.dropReason());
                assertTrue(p.advertisement() == null, "a dropped packet carries an advertisement");
                assertTrue(CODEC_REASONS.contains(p.dropReason()), () -> "the codec reported " + p.dropReason());
                assertTrue(p.vhid() >= -1 && p.vhid() <= 255);
                return p.dropReason().ordinal();
            }
            assertTrue(p.dropReason() == null);
            assertNotNull(p.advertisement());
            assertNotNull(p.envelope());
            assertEquals(255, p.envelope().ttl(), () -> "accepted with a bad TTL: " + TestPackets.hex(bytes));
            assertEquals(2, p.advertisement().version());
            assertEquals(1, p.advertisement().type());
            assertEquals(p.vhid(), p.advertisement().vhid());
            return ACCEPTED;
        }

        /** Lets time pass (timers fire, masters advertise, backups time out) between packets. */
        void maybeAdvance(SplittableRandom random) {
            int dice = random.nextInt(1000);
            if (dice < 250) {
                loop.advanceBy(random.nextLong(400_000_000L));
            } else if (dice < 255) {
                loop.advanceBy(random.nextLong(5_000_000_000L));
            }
            if (packets % 10_000 == 0) {
                rt1.addresses.calls.clear();
                rt2.addresses.calls.clear();
            }
        }

        long dropped() {
            long sum = 0;
            for (DropReason r : DropReason.values()) {
                sum += outcomes[r.ordinal()];
            }
            return sum;
        }

        /** The invariant over the whole run: counters' sum = packets fed - accepted. */
        void assertTotals() {
            long[] c = counters();
            long drops = 0;
            for (DropReason r : DropReason.values()) {
                drops += c[r.ordinal()];
                assertEquals(outcomes[r.ordinal()], c[r.ordinal()], r.tag());
            }
            assertEquals(packets - c[ACCEPTED], drops, "drop counters' sum = packets fed - accepted");
            assertEquals(outcomes[ACCEPTED], c[ACCEPTED]);
        }

        String summary() {
            StringBuilder sb = new StringBuilder();
            for (DropReason r : DropReason.values()) {
                sb.append(String.format(Locale.ROOT, "%n  drop %-13s %,12d", r.tag(), outcomes[r.ordinal()]));
            }
            return sb.toString();
        }
    }

    private static String name(int outcome) {
        return outcome == ACCEPTED ? "accepted" : DropReason.values()[outcome].toString();
    }

    // ------------------------------------------------------------------------------------------------ packets

    /** Valid and near-valid starting points: authentic adverts, own packets, strangers, VRRP. */
    private static List<byte[]> basePackets(SplittableRandom r) {
        List<byte[]> base = new ArrayList<>();
        List<InetAddress> vips1 = List.of(VIP1);
        int[] advbases = {1, 1, 1, 1, 0, 2, 3, 255};
        for (int i = 0; i < 40; i++) {
            int advbase = advbases[r.nextInt(advbases.length)];
            int advskew = advbase == 0 ? 1 + r.nextInt(254) : r.nextInt(255);
            int demote = r.nextInt(6) == 0 ? r.nextInt(256) : 0;
            base.add(TestPackets.ipv4Advert(i % 4 == 0 ? PEER2 : PEER, KEY1, 1, vips1, advbase, advskew, demote,
                    r.nextLong()));
        }
        for (int i = 0; i < 5; i++) {
            base.add(TestPackets.ipv4Advert(PEER, KEY1, 1, vips1, 255, 255, 0, r.nextLong()));   // bow-out
            base.add(TestPackets.ipv4Advert(SELF, KEY1, 1, vips1, 1, 100, 0, r.nextLong()));      // own packet
            base.add(TestPackets.ipv4Advert(PEER, "wrong".getBytes(StandardCharsets.UTF_8), 1, vips1, 1, 0, 0,
                    r.nextLong()));                                                               // bad auth
            base.add(TestPackets.ipv4Advert(PEER, KEY1, 3 + r.nextInt(253), vips1, 1, 0, 0, r.nextLong()));
        }
        for (int i = 0; i < 10; i++) {
            base.add(TestPackets.ipv4Advert(PEER, KEY2, 2, List.of(VIP2), 1, r.nextInt(255), 0, r.nextLong()));
        }
        for (int count = 1; count <= 7; count++) {
            List<Inet4Address> a = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                a.add((Inet4Address) InetAddressLiterals.of("198.18.1." + (10 + i)));
            }
            base.add(TestPackets.ipv4(PEER, TestPackets.CARP_GROUP_V4, 255, 112, new byte[0],
                    TestPackets.vrrpv2(1 + r.nextInt(3), 100, r.nextInt(3), a)));
            base.add(TestPackets.ipv4(PEER, TestPackets.CARP_GROUP_V4, 255, 112, new byte[0],
                    TestPackets.vrrpv3(1 + r.nextInt(3), 100, a)));
        }
        return base;
    }

    private static byte[] mutate(byte[] base, SplittableRandom r) {
        byte[] p = base.clone();
        int rounds = r.nextInt(8) == 0 ? 2 + r.nextInt(2) : 1;
        for (int i = 0; i < rounds; i++) {
            p = mutateOnce(p, r);
        }
        return p;
    }

    private static byte[] mutateOnce(byte[] p, SplittableRandom r) {
        switch (r.nextInt(15)) {
            case 0:
                return p;                                                       // as is
            case 1:
                if (p.length > 0) {
                    int bit = r.nextInt(p.length * 8);
                    p[bit / 8] ^= (byte) (1 << (bit % 8));                      // one bit flip
                }
                return p;
            case 2:
                if (p.length > 0) {
                    p[r.nextInt(p.length)] = (byte) r.nextInt(256);             // one byte set
                }
                return p;
            case 3:
            case 4:
                return carpField(p, r);                                         // a field, checksum fixed
            case 5:
                return Arrays.copyOf(p, r.nextInt(p.length + 1));               // truncation
            case 6:
                return extend(p, r);                                            // trailing bytes
            case 7:
                return withOptions(p, r);                                       // IPv4 options
            case 8:
                if (p.length > 0) {
                    p[0] = (byte) ((p[0] & 0xf0) | r.nextInt(16));              // IHL
                }
                return p;
            case 9:
                if (p.length > 8) {
                    p[8] = (byte) r.nextInt(256);                               // TTL
                }
                return p;
            case 10:
                byte[] garbage = new byte[r.nextInt(121)];                      // garbage
                r.nextBytes(garbage);
                if (garbage.length > 0 && r.nextBoolean()) {
                    garbage[0] = 0x45;
                }
                return garbage;
            case 11:
                if (p.length > 9) {
                    p[9] = (byte) (r.nextInt(4) == 0 ? 112 : r.nextInt(256));   // protocol
                }
                return p;
            case 12:
                if (p.length > 3) {
                    int total = r.nextInt(65536);                               // total length
                    p[2] = (byte) (total >>> 8);
                    p[3] = (byte) total;
                }
                return p;
            case 13:
                if (p.length >= 16) {                                           // source address
                    byte[] src = r.nextBoolean() ? SELF.getAddress() : new byte[] {
                        (byte) 198, 18, 0, (byte) r.nextInt(256)};
                    System.arraycopy(src, 0, p, 12, 4);
                }
                return p;
            default:
                if (p.length > 0) {
                    p[0] = (byte) ((r.nextInt(16) << 4) | (p[0] & 0x0f));       // IP version
                }
                return p;
        }
    }

    /** Changes one CARP field and recomputes the CARP checksum, so the packet reaches the group. */
    private static byte[] carpField(byte[] p, SplittableRandom r) {
        int off = p.length > 0 ? (p[0] & 0x0f) * 4 : 0;
        if (off < 20 || off + 36 > p.length) {
            return p;
        }
        switch (r.nextInt(10)) {
            case 0 -> p[off] = (byte) (r.nextBoolean() ? 0x21 : r.nextInt(256));       // version | type
            case 1 -> p[off + 1] = (byte) (r.nextBoolean() ? 1 + r.nextInt(2) : r.nextInt(256)); // vhid
            case 2 -> p[off + 2] = (byte) r.nextInt(256);                              // advskew
            case 3 -> p[off + 3] = (byte) r.nextInt(256);                              // authlen
            case 4 -> p[off + 4] = (byte) (r.nextBoolean() ? r.nextInt(3) : r.nextInt(256)); // demote
            case 5 -> p[off + 5] = (byte) new int[] {0, 1, 1, 2, 255, r.nextInt(256)}[r.nextInt(6)]; // advbase
            case 6 -> p[off + 8 + r.nextInt(8)] = (byte) r.nextInt(256);               // counter
            case 7 -> p[off + 16 + r.nextInt(20)] = (byte) r.nextInt(256);             // md
            case 8 -> {                                                                // bow-out
                p[off + 2] = (byte) 255;
                p[off + 5] = (byte) 255;
            }
            default -> {                                                               // several at once
                p[off + 2] = (byte) r.nextInt(256);
                p[off + 4] = (byte) r.nextInt(256);
                p[off + 5] = (byte) r.nextInt(256);
            }
        }
        TestPackets.fixCarpChecksum(p, off);
        return p;
    }

    private static byte[] extend(byte[] p, SplittableRandom r) {
        byte[] extra = new byte[1 + r.nextInt(64)];
        if (r.nextBoolean()) {
            r.nextBytes(extra);
        }
        byte[] q = Arrays.copyOf(p, p.length + extra.length);
        System.arraycopy(extra, 0, q, p.length, extra.length);
        if (q.length >= 4 && r.nextBoolean()) {
            q[2] = (byte) (q.length >>> 8);                                    // total length covers the extension
            q[3] = (byte) q.length;
        }
        return q;
    }

    private static byte[] withOptions(byte[] p, SplittableRandom r) {
        if (p.length < 20 || (p[0] & 0x0f) != 5) {
            return p;
        }
        int words = 1 + r.nextInt(10);
        byte[] options = new byte[words * 4];
        if (r.nextBoolean()) {
            r.nextBytes(options);
        } else {
            Arrays.fill(options, (byte) 1);                                    // NOPs
        }
        byte[] q = new byte[p.length + options.length];
        System.arraycopy(p, 0, q, 0, 20);
        System.arraycopy(options, 0, q, 20, options.length);
        System.arraycopy(p, 20, q, 20 + options.length, p.length - 20);
        q[0] = (byte) ((q[0] & 0xf0) | (5 + words));
        int total = ((p[2] & 0xff) << 8 | (p[3] & 0xff)) + options.length;
        q[2] = (byte) (total >>> 8);
        q[3] = (byte) total;
        TestPackets.fixIpv4Checksum(q);
        return q;
    }

    // ------------------------------------------------------------------------------------------------ random run

    @Test
    void shouldAcceptOrCountEveryMutatedPacketExactlyOnceWithoutDroppedPacketsChangingState() {
        long seed = Long.getLong("carp.fuzz.seed", DEFAULT_SEED);
        long total = Long.getLong("carp.fuzz.packets", DEFAULT_PACKETS);
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> base = basePackets(random);
        Harness h = new Harness();
        long start = System.nanoTime();

        for (long i = 0; i < total; i++) {
            h.maybeAdvance(random);
            byte[] packet = mutate(base.get(random.nextInt(base.size())), random);
            h.feed(packet);
            if ((i & 7) == 0) {
                h.feedOtherPaths(packet, random);
            }
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        h.assertTotals();
        System.out.printf(Locale.ROOT, "CARP fuzz: seed=%d packets=%,d accepted=%,d dropped=%,d"
                        + " (codec-only decodes %,d) transitions=%,d virtual-time=%.1f s elapsed=%.2f s%s%n",
                seed, h.packets, h.outcomes[ACCEPTED], h.dropped(), h.codecOnlyPackets,
                h.g1.stats().transitions() + h.g2.stats().transitions(), h.loop.nanoTime() / 1e9, seconds,
                h.summary());

        assertEquals(total, h.packets);
        for (DropReason r : DropReason.values()) {
            if (r == DropReason.REPLAY || r == DropReason.BAD_INTERVAL || r == DropReason.BAD_ADDRESS_LIST) {
                continue; // REPLAY: replay-protected groups only; the other two: VRRPv2 groups (VrrpGroupFuzzTest)
            }
            assertTrue(h.outcomes[r.ordinal()] > 0, "the run never produced " + r + ": the fuzzer is too weak");
        }
        assertTrue(h.outcomes[ACCEPTED] > 0, "nothing was accepted");
        assertTrue(h.g1.stats().transitions() > 10, "accepted packets should move the election");
    }

    // ------------------------------------------------------------------------------------------------ sweeps

    private static byte[] validAdvert() {
        return TestPackets.ipv4Advert(PEER, KEY1, 1, List.of(VIP1), 1, 0, 0, 0x0102030405060708L);
    }

    @Test
    void shouldDetectEverySingleBitFlipInCarpPart() {
        Harness h = new Harness();
        byte[] valid = validAdvert();
        assertEquals(ACCEPTED, h.feed(valid), "the unmutated advert is accepted");
        for (int bit = 20 * 8; bit < valid.length * 8; bit++) {
            byte[] p = valid.clone();
            p[bit / 8] ^= (byte) (1 << (bit % 8));
            int outcome = h.feed(p);
            assertTrue(outcome != ACCEPTED, "bit " + bit + " flipped and still accepted");
        }
        h.assertTotals();
    }

    @Test
    void shouldSurviveEverySingleBitFlipInIpHeader() {
        Harness h = new Harness();
        byte[] valid = validAdvert();
        for (int bit = 0; bit < 20 * 8; bit++) {
            byte[] p = valid.clone();
            p[bit / 8] ^= (byte) (1 << (bit % 8));
            int outcome = h.feed(p);
            if (bit / 8 == 8) {
                assertEquals(DropReason.BAD_TTL.ordinal(), outcome, "TTL bit " + bit);
            } else if (bit / 8 == 9) {
                assertEquals(DropReason.FOREIGN.ordinal(), outcome, "protocol bit " + bit);
            }
        }
        h.assertTotals();
    }

    @Test
    void shouldSurviveEveryValueOfEveryByte() {
        Harness h = new Harness();
        byte[] valid = validAdvert();
        for (int i = 0; i < valid.length; i++) {
            for (int v = 0; v < 256; v++) {
                byte[] p = valid.clone();
                p[i] = (byte) v;
                int outcome = h.feed(p);
                if (i >= 20 && v != (valid[i] & 0xff)) {
                    assertTrue(outcome != ACCEPTED, "byte " + i + " = " + v + " accepted without a new checksum");
                }
            }
            h.loop.advanceBy(1_000_000_000L);
        }
        assertEquals(valid.length * 256L, h.packets);
        h.assertTotals();
    }

    @Test
    void shouldDropEveryTruncationAsShort() {
        Harness h = new Harness();
        byte[] valid = validAdvert();
        for (int length = 0; length < valid.length; length++) {
            assertEquals(DropReason.SHORT.ordinal(), h.feed(Arrays.copyOf(valid, length)), "length " + length);
        }
        h.assertTotals();
    }

    @Test
    void shouldDropEveryTtlButTwoHundredFiftyFive() {
        Harness h = new Harness();
        for (int ttl = 0; ttl <= 255; ttl++) {
            byte[] p = validAdvert();
            p[8] = (byte) ttl;
            TestPackets.fixIpv4Checksum(p);
            assertEquals(ttl == 255 ? ACCEPTED : DropReason.BAD_TTL.ordinal(), h.feed(p), "TTL " + ttl);
        }
        h.assertTotals();
    }

    @Test
    void shouldAcceptOnlyIhlFiveWithoutOptions() {
        Harness h = new Harness();
        for (int ihl = 0; ihl < 16; ihl++) {
            byte[] p = validAdvert();
            p[0] = (byte) (0x40 | ihl);
            int outcome = h.feed(p);
            assertEquals(ihl == 5, outcome == ACCEPTED, "IHL " + ihl);
            if (ihl < 5 || ihl > 13) {
                assertEquals(DropReason.SHORT.ordinal(), outcome, "IHL " + ihl);
            }
        }
        h.assertTotals();
    }

    @Test
    void shouldAcceptAdvertAfterEveryLengthOfIpv4Options() {
        Harness h = new Harness();
        SplittableRandom random = new SplittableRandom(DEFAULT_SEED);
        for (int words = 1; words <= 10; words++) {
            byte[] options = new byte[4 * words];
            random.nextBytes(options);
            byte[] header = Arrays.copyOfRange(validAdvert(), 20, 56);
            byte[] p = TestPackets.ipv4(PEER, TestPackets.CARP_GROUP_V4, 255, 112, options, header);
            assertEquals(0, InternetChecksum.compute(p, 0, 20 + 4 * words));
            assertEquals(ACCEPTED, h.feed(p), words + " option words");
        }
        h.assertTotals();
    }

    @Test
    void shouldIgnoreEveryExtensionBeyondTheAdvert() {
        Harness h = new Harness();
        SplittableRandom random = new SplittableRandom(DEFAULT_SEED);
        for (int extra = 1; extra <= 64; extra++) {
            byte[] p = Arrays.copyOf(validAdvert(), 56 + extra);
            byte[] tail = new byte[extra];
            random.nextBytes(tail);
            System.arraycopy(tail, 0, p, 56, extra);
            assertEquals(ACCEPTED, h.feed(p), extra + " trailing bytes outside the total length");
            p[3] = (byte) p.length;                                            // now inside the total length
            int outcome = h.feed(p);
            assertTrue(outcome == ACCEPTED || outcome == DropReason.FOREIGN.ordinal(), extra + " bytes inside");
        }
        h.assertTotals();
    }

    @Test
    void shouldCountRandomGarbageWithoutAccepting() {
        Harness h = new Harness();
        SplittableRandom random = new SplittableRandom(DEFAULT_SEED + 1);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(100)];
            random.nextBytes(garbage);
            assertFalse(h.feed(garbage) == ACCEPTED && garbage.length < 56, "garbage accepted");
        }
        h.assertTotals();
    }
}
