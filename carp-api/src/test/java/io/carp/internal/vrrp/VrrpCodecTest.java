package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V4;
import static io.carp.internal.vrrp.VrrpTestPackets.GROUP_V6;
import static io.carp.internal.vrrp.VrrpTestPackets.bytes;
import static io.carp.internal.vrrp.VrrpTestPackets.hex;
import static io.carp.internal.vrrp.VrrpTestPackets.v4;
import static io.carp.internal.vrrp.VrrpTestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.DropReason;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of {@link VrrpCodec}. The checksums were computed by hand from RFC 9568 §5.2.8 (VRRPv3: pseudo-header
 * plus message) and RFC 3768 §5.3.8 (VRRPv2: message only); each sum is written out next to its vector, so a reader
 * can redo it, and tshark's VRRP dissector reported each of the four checksums "[correct]" when these bytes were
 * wrapped in IP headers and read from a pcap (tshark 4.0, 2026-12-03). keepalived's own packets, captured on the wire, are checked byte for byte by the live tests.
 */
class VrrpCodecTest {
    static final Inet4Address SRC4 = v4("198.18.0.1");
    static final Inet4Address VIP4 = v4("198.18.0.100");

    /**
     * VRRPv3 over IPv4, 198.18.0.1 -> 224.0.0.18, VRID 1, priority 100, 1 address, interval 100 cs.
     * Pseudo-header words: c612 0001 e000 0012 0070 000c = 0x1a6a1; message words: 3101 6401 0064 c612 0064 =
     * 0x15bdc; total 0x3027d, folded 0x0280, complemented 0xfd7f.
     */
    static final byte[] V3_IPV4 = bytes(
            0x31,                   // version 3 | type 1 (ADVERTISEMENT)
            0x01,                   // VRID 1
            0x64,                   // priority 100
            0x01,                   // count IPvX addrs 1
            0x00, 0x64,             // rsvd 0 | max adver int 100 cs (12 bits)
            0xfd, 0x7f,             // checksum 0xfd7f (pseudo-header + message)
            0xc6, 0x12, 0x00, 0x64  // 198.18.0.100
    );

    /**
     * VRRPv3 over IPv6, fe80::1 -> ff02::12, VRID 1, priority 100, 1 address fe80::100, interval 100 cs.
     * Pseudo-header: fe80+0001 (source) + ff02+0012 (destination) + 0018 (length 24) + 0070 (next header) = 0x1fe1d;
     * message: 3101 6401 0064 fe80 0100 -> total 0x39303, folded 0x9306, complemented 0x6cf9.
     */
    static final byte[] V3_IPV6 = bytes(
            0x31, 0x01, 0x64, 0x01, // version 3 | type 1, VRID 1, priority 100, count 1
            0x00, 0x64,             // max adver int 100 cs
            0x6c, 0xf9,             // checksum 0x6cf9
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00  // fe80::100
    );

    /**
     * VRRPv2, VRID 1, priority 100, 1 address, auth type 0, interval 1 s. Words: 2101 6401 0001 c612 0064 and four
     * zero words = 0x14b79, folded 0x4b7a, complemented 0xb485.
     */
    static final byte[] V2_NONE = bytes(
            0x21,                   // version 2 | type 1 (the same first byte as CARP)
            0x01,                   // VRID 1
            0x64,                   // priority 100
            0x01,                   // count IP addrs 1
            0x00,                   // auth type 0 (none)
            0x01,                   // adver int 1 s
            0xb4, 0x85,             // checksum 0xb485 (message only)
            0xc6, 0x12, 0x00, 0x64, // 198.18.0.100
            0, 0, 0, 0, 0, 0, 0, 0  // authentication data: zero
    );

    /**
     * The same with auth type 1 and the password "secret": words 2101 6401 0101 c612 0064 7365 6372 6574 0000 =
     * 0x288c4, folded 0x88c6, complemented 0x7739.
     */
    static final byte[] V2_SIMPLE = bytes(
            0x21, 0x01, 0x64, 0x01, // version 2 | type 1, VRID 1, priority 100, count 1
            0x01,                   // auth type 1 (simple text password)
            0x01,                   // adver int 1 s
            0x77, 0x39,             // checksum 0x7739
            0xc6, 0x12, 0x00, 0x64, // 198.18.0.100
            's', 'e', 'c', 'r', 'e', 't', 0, 0  // "secret", zero-padded to 8 bytes
    );

    @Test
    void shouldEncodeV3Ipv4GoldenVector() {
        assertEquals(hex(V3_IPV4), hex(VrrpCodec.encodeV3(SRC4, GROUP_V4, 1, 100, 100, List.of(VIP4))));
    }

    @Test
    void shouldEncodeV3Ipv6GoldenVector() {
        assertEquals(hex(V3_IPV6), hex(VrrpCodec.encodeV3(v6("fe80::1"), GROUP_V6, 1, 100, 100,
                List.of(v6("fe80::100")))));
    }

    @Test
    void shouldEncodeV2GoldenVectors() {
        assertEquals(hex(V2_NONE), hex(VrrpCodec.encodeV2(1, 100, 1, 0, new byte[8], List.of(VIP4))));
        byte[] auth = VrrpCodec.simpleTextAuthData("secret".getBytes(StandardCharsets.US_ASCII));
        assertEquals(hex(V2_SIMPLE), hex(VrrpCodec.encodeV2(1, 100, 1, 1, auth, List.of(VIP4))));
    }

    @Test
    void shouldDecodeV3Ipv4DatagramEveryField() {
        byte[] datagram = VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 7, V3_IPV4);
        assertEquals(0x45, datagram[0] & 0xff);
        assertEquals(0xc0, datagram[1] & 0xff, "TOS internetwork control, as keepalived");
        assertEquals(32, datagram[3] & 0xff, "total length");
        assertEquals(0, datagram[6] | datagram[7], "no fragment flags");
        assertEquals(255, datagram[8] & 0xff);
        assertEquals(112, datagram[9] & 0xff);
        VrrpPacket p = VrrpCodec.decodeIpv4(ByteBuffer.wrap(datagram), true);
        assertFalse(p.isDropped(), p::toString);
        VrrpAdvertisement a = p.advertisement();
        assertEquals(3, a.version());
        assertEquals(1, a.vrid());
        assertEquals(100, a.priority());
        assertEquals(100, a.intervalCentis());
        assertEquals(List.of(VIP4), a.addresses());
        assertEquals(0xfd7f, a.checksum());
        assertEquals(0, a.authData().length);
        assertEquals(SRC4, p.envelope().source());
    }

    @Test
    void shouldDecodeV3Ipv6Packet() {
        byte[] packet = VrrpCodec.encodeIpv6(v6("fe80::1"), GROUP_V6, 255, V3_IPV6);
        VrrpPacket p = VrrpCodec.decodeIpv6(ByteBuffer.wrap(packet), true);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(List.of(v6("fe80::100")), p.advertisement().addresses());
        // The IPv6 raw-socket path: payload and envelope separately.
        VrrpPacket q = VrrpCodec.decode(new IpEnvelope(IpFamily.IPV6, v6("fe80::1"), GROUP_V6, 255),
                ByteBuffer.wrap(V3_IPV6), true);
        assertEquals(p.advertisement(), q.advertisement());
    }

    @Test
    void shouldDecodeV2WithAuthData() {
        VrrpPacket p = VrrpCodec.decodeIpv4(ByteBuffer.wrap(VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, V2_SIMPLE)),
                true);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(2, p.advertisement().version());
        assertEquals(1, p.advertisement().authType());
        assertEquals(100, p.advertisement().intervalCentis(), "1 s in centiseconds");
        assertArrayEquals("secret\0\0".getBytes(StandardCharsets.US_ASCII), p.advertisement().authData());
        assertFalse(p.advertisement().toString().contains("secret"), "toString never prints the password");
    }

    @Test
    void shouldRejectV3ChecksumForAnotherDestination() {
        // The pseudo-header covers the destination: a multicast advert's checksum is wrong for a unicast peer.
        VrrpPacket p = VrrpCodec.decode(new IpEnvelope(IpFamily.IPV4, SRC4, v4("198.18.0.2"), 255),
                ByteBuffer.wrap(V3_IPV4), true);
        assertEquals(DropReason.BAD_CHECKSUM, p.dropReason());
        byte[] unicast = VrrpCodec.encodeV3(SRC4, v4("198.18.0.2"), 1, 100, 100, List.of(VIP4));
        assertFalse(VrrpCodec.decode(new IpEnvelope(IpFamily.IPV4, SRC4, v4("198.18.0.2"), 255),
                ByteBuffer.wrap(unicast), true).isDropped());
    }

    @Test
    void shouldDropByReason() {
        assertEquals(DropReason.SHORT, v4Verdict(new byte[4]), "shorter than the 8-byte header");
        assertEquals(DropReason.SHORT, v4Verdict(java.util.Arrays.copyOf(V3_IPV4, 11)), "address cut");
        assertEquals(DropReason.SHORT, v4Verdict(java.util.Arrays.copyOf(V2_NONE, 19)), "auth data cut");
        byte[] v4 = V3_IPV4.clone();
        v4[0] = 0x41;
        assertEquals(DropReason.BAD_VERSION, v4Verdict(v4));
        byte[] type2 = V3_IPV4.clone();
        type2[0] = 0x32;
        assertEquals(DropReason.BAD_VERSION, v4Verdict(type2));
        byte[] badSum = V3_IPV4.clone();
        badSum[2] = 0x65;
        assertEquals(DropReason.BAD_CHECKSUM, v4Verdict(badSum));
        byte[] badSum2 = V2_NONE.clone();
        badSum2[19] = 1;
        assertEquals(DropReason.BAD_CHECKSUM, v4Verdict(badSum2), "v2 checksum covers the auth data");
        // VRRPv2 has no IPv6 form (RFC 3768).
        VrrpPacket v2v6 = VrrpCodec.decode(new IpEnvelope(IpFamily.IPV6, v6("fe80::1"), GROUP_V6, 255),
                ByteBuffer.wrap(V2_NONE), true);
        assertEquals(DropReason.BAD_VERSION, v2v6.dropReason());
    }

    @Test
    void shouldCheckTtlOnlyWhenAsked() {
        byte[] ttl64 = VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 64, 1, V3_IPV4);
        VrrpPacket dropped = VrrpCodec.decodeIpv4(ByteBuffer.wrap(ttl64), true);
        assertEquals(DropReason.BAD_TTL, dropped.dropReason());
        assertEquals(1, dropped.vrid(), "a TTL drop is counted against its VRID");
        assertFalse(VrrpCodec.decodeIpv4(ByteBuffer.wrap(ttl64), false).isDropped());
        byte[] hop1 = VrrpCodec.encodeIpv6(v6("fe80::1"), GROUP_V6, 1, V3_IPV6);
        assertEquals(DropReason.BAD_TTL, VrrpCodec.decodeIpv6(ByteBuffer.wrap(hop1), true).dropReason());
    }

    @Test
    void shouldTreatCarpAsForeign() {
        byte[] carp = CarpCodec.encode(1, 0, 0, 1, 42L, new byte[20]);
        VrrpPacket p = VrrpCodec.decodeIpv4(ByteBuffer.wrap(VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, carp)), true);
        assertEquals(DropReason.FOREIGN, p.dropReason());
        assertEquals(-1, p.vrid(), "a CARP packet is never counted against a VRID");
        assertTrue(VrrpCodec.isCarp(ByteBuffer.wrap(carp), 0, carp.length));
        assertFalse(VrrpCodec.isCarp(ByteBuffer.wrap(V2_NONE), 0, V2_NONE.length));
    }

    @Test
    void shouldClassifyPayloadsForRouting() {
        byte[] carp = CarpCodec.encode(1, 0, 0, 1, 42L, new byte[20]);
        assertEquals(VrrpCodec.Kind.CARP, VrrpCodec.classify(ByteBuffer.wrap(carp), 0, carp.length));
        assertEquals(VrrpCodec.Kind.VRRP, VrrpCodec.classify(ByteBuffer.wrap(V3_IPV4), 0, V3_IPV4.length));
        assertEquals(VrrpCodec.Kind.VRRP, VrrpCodec.classify(ByteBuffer.wrap(V2_NONE), 0, V2_NONE.length));
        byte[] badV2 = V2_NONE.clone();
        badV2[19] = 9;
        assertEquals(VrrpCodec.Kind.UNKNOWN, VrrpCodec.classify(ByteBuffer.wrap(badV2), 0, badV2.length));
        byte[] badCarp = carp.clone();
        badCarp[30] ^= 1;
        assertEquals(VrrpCodec.Kind.UNKNOWN, VrrpCodec.classify(ByteBuffer.wrap(badCarp), 0, badCarp.length));
        assertEquals(VrrpCodec.Kind.UNKNOWN, VrrpCodec.classify(ByteBuffer.wrap(new byte[0]), 0, 0));
    }

    @Test
    void shouldTellVrrpV2WithSevenAddressesFromCarp() {
        // 44 bytes, byte 3 = 7 like CARP's authlen, zero auth data: both checksums hold; the exact length decides.
        List<InetAddress> seven = new java.util.ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            seven.add(v4("198.18.0." + i));
        }
        byte[] v2 = VrrpCodec.encodeV2(9, 100, 1, 0, new byte[8], seven);
        assertEquals(44, v2.length);
        assertFalse(VrrpCodec.isCarp(ByteBuffer.wrap(v2), 0, v2.length));
        VrrpPacket p = VrrpCodec.decodeIpv4(ByteBuffer.wrap(VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, v2)), true);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(7, p.advertisement().count());
        // And CARP's own decoder sees it as VRRP too.
        assertEquals(DropReason.FOREIGN, CarpCodec.decodeIpv4(
                ByteBuffer.wrap(VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, v2)), true).dropReason());
    }

    @Test
    void shouldDropNonVrrpProtocolAndMalformedIpHeaders() {
        byte[] datagram = VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, V3_IPV4);
        datagram[9] = 17;
        assertEquals(DropReason.FOREIGN, VrrpCodec.decodeIpv4(ByteBuffer.wrap(datagram), true).dropReason());
        assertEquals(DropReason.SHORT, VrrpCodec.decodeIpv4(ByteBuffer.wrap(new byte[19]), true).dropReason());
        byte[] badIhl = VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, V3_IPV4);
        badIhl[0] = 0x44;
        assertEquals(DropReason.SHORT, VrrpCodec.decodeIpv4(ByteBuffer.wrap(badIhl), true).dropReason());
        assertEquals(DropReason.SHORT, VrrpCodec.decodeIpv6(ByteBuffer.wrap(new byte[39]), true).dropReason());
    }

    @Test
    void shouldIgnoreBytesAfterTheMessage() {
        byte[] longer = java.util.Arrays.copyOf(V2_NONE, V2_NONE.length + 5);
        assertFalse(VrrpCodec.decode(env4(), ByteBuffer.wrap(longer), true).isDropped());
    }

    @Test
    void shouldDecodeCountZeroForTheGroupToDrop() {
        // RFC 9568 erratum 8299: count 0 MUST be discarded; the group does it (with a reason), the codec reads it.
        byte[] none = bytes(0x31, 1, 100, 0, 0, 100, 0, 0);
        int sum = VrrpCodec.v3Checksum(SRC4.getAddress(), GROUP_V4.getAddress(), ByteBuffer.wrap(none), 0, 8);
        none[6] = (byte) (sum >>> 8);
        none[7] = (byte) sum;
        VrrpPacket p = VrrpCodec.decode(env4(), ByteBuffer.wrap(none), true);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(0, p.advertisement().count());
    }

    @Test
    void shouldMaskReservedBitsOfTheInterval() {
        byte[] reserved = V3_IPV4.clone();
        reserved[4] = (byte) 0xf0; // reserved bits set: ignored on receipt (RFC 9568 §5.2.6)
        int sum = 0;
        reserved[6] = 0;
        reserved[7] = 0;
        sum = VrrpCodec.v3Checksum(SRC4.getAddress(), GROUP_V4.getAddress(), ByteBuffer.wrap(reserved), 0, 12);
        reserved[6] = (byte) (sum >>> 8);
        reserved[7] = (byte) sum;
        assertEquals(100, VrrpCodec.decode(env4(), ByteBuffer.wrap(reserved), true).advertisement().intervalCentis());
    }

    @Test
    void shouldRefuseBadEncodeArgumentsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encodeV3(SRC4, GROUP_V4, 1, 100, 4096, List.of(VIP4)));
        assertEquals("intervalCentis: 4096 (expected: 1-4095)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encodeV3(SRC4, GROUP_V6, 1, 100, 100, List.of(VIP4)));
        assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encodeV3(SRC4, GROUP_V4, 1, 100, 100, List.of(v6("fd00::1"))));
        assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encodeV2(1, 100, 1, 2, new byte[8], List.of(VIP4)));
        assertThrows(IllegalArgumentException.class,
                () -> VrrpCodec.encodeV2(1, 100, 1, 0, new byte[8], List.of(v6("fd00::1"))));
        assertThrows(IllegalArgumentException.class, () -> VrrpCodec.simpleTextAuthData(new byte[9]));
    }

    private static IpEnvelope env4() {
        return new IpEnvelope(IpFamily.IPV4, SRC4, GROUP_V4, 255);
    }

    private static DropReason v4Verdict(byte[] message) {
        return VrrpCodec.decodeIpv4(ByteBuffer.wrap(VrrpCodec.encodeIpv4(SRC4, GROUP_V4, 255, 1, message)), true)
                .dropReason();
    }
}
