package io.carp.internal.protocol;

import io.carp.IpFamily;

import static io.carp.internal.protocol.CarpCodecTest.HEADER;
import static io.carp.internal.protocol.CarpCodecTest.IPV4_PACKET;
import static io.carp.internal.protocol.CarpCodecTest.IPV6_HEADER;
import static io.carp.internal.protocol.CarpCodecTest.concat;
import static io.carp.internal.protocol.TestPackets.CARP_GROUP_V4;
import static io.carp.internal.protocol.TestPackets.fixCarpChecksum;
import static io.carp.internal.protocol.TestPackets.fixIpv4Checksum;
import static io.carp.internal.protocol.TestPackets.v4;
import static io.carp.internal.protocol.TestPackets.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.DropReason;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per malformed input: each is dropped with the right {@link DropReason}, never thrown. */
class CarpCodecDropReasonTest {
    private static final Inet4Address SOURCE = v4("192.168.1.10");

    private static InboundPacket decode4(byte[] packet) {
        return CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), true);
    }

    private static InboundPacket decode6(byte[] packet) {
        return CarpCodec.decodeIpv6(ByteBuffer.wrap(packet), true);
    }

    private static void assertDropped(DropReason reason, InboundPacket p) {
        assertTrue(p.isDropped(), () -> "expected " + reason + ", got " + p);
        assertEquals(reason, p.dropReason(), p::toString);
        assertNull(p.advertisement());
    }

    private static byte[] packetWithCarp(int carpIndex, int value) {
        byte[] p = IPV4_PACKET.clone();
        p[20 + carpIndex] = (byte) value;
        return p;
    }

    // ------------------------------------------------------------------------------------------------ IP header

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 10, 19})
    void shouldDropAsShortWhenShorterThanIpv4Header(int length) {
        InboundPacket p = decode4(Arrays.copyOf(IPV4_PACKET, length));
        assertDropped(DropReason.SHORT, p);
        assertEquals(-1, p.vhid());
        assertNull(p.envelope());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {20, 21, 22, 40, 55})
    void shouldDropAsShortWhenCarpPartShorterThan36Bytes(int length) {
        byte[] packet = Arrays.copyOf(IPV4_PACKET, length);
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.SHORT, p);
        assertNotNull(p.envelope(), "the IP header was readable");
        assertEquals(length >= 22 ? 1 : -1, p.vhid(), "vhid attributed once its byte is readable");
    }

    @Test
    void shouldDropAsShortWhenTotalLengthFieldCutsCarpPart() {
        byte[] packet = IPV4_PACKET.clone();
        packet[3] = 55; // total length 55 although 56 bytes were delivered: trust the smaller
        fixIpv4Checksum(packet);
        assertDropped(DropReason.SHORT, decode4(packet));
    }

    @Test
    void shouldDecodeWhenTotalLengthFieldExceedsDeliveredBytes() {
        byte[] packet = IPV4_PACKET.clone();
        packet[3] = (byte) 200;
        assertFalse(decode4(packet).isDropped());
    }

    @Test
    void shouldIgnoreTrailingBytesBeyondTotalLength() {
        byte[] packet = Arrays.copyOf(IPV4_PACKET, 70); // e.g. link-layer padding after the datagram
        assertFalse(decode4(packet).isDropped());
    }

    @ParameterizedTest(name = "IHL {0}")
    @ValueSource(ints = {0, 1, 4})
    void shouldDropAsShortWhenIhlBelowFive(int ihl) {
        byte[] packet = IPV4_PACKET.clone();
        packet[0] = (byte) (0x40 | ihl);
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.SHORT, p);
        assertNull(p.envelope());
    }

    @ParameterizedTest(name = "IHL {0}")
    @ValueSource(ints = {6, 13, 14, 15})
    void shouldDropAsShortWhenIhlLeavesNoRoomForCarpPart(int ihl) {
        byte[] packet = IPV4_PACKET.clone();
        packet[0] = (byte) (0x40 | ihl);
        assertDropped(DropReason.SHORT, decode4(packet));
    }

    @Test
    void shouldDropAsShortWhenIhlExceedsPacket() {
        byte[] packet = Arrays.copyOf(IPV4_PACKET, 30);
        packet[0] = 0x4f; // 60-byte header in a 30-byte packet
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.SHORT, p);
        assertNull(p.envelope());
    }

    @ParameterizedTest(name = "IP version {0}")
    @ValueSource(ints = {0, 5, 6, 15})
    void shouldDropAsShortWhenIpVersionIsNotFour(int version) {
        byte[] packet = IPV4_PACKET.clone();
        packet[0] = (byte) ((version << 4) | 5);
        assertDropped(DropReason.SHORT, decode4(packet));
    }

    @Test
    void shouldDecodeAdvertAfterIpv4Options() {
        // IHL 6: a 4-byte Router Alert option (RFC 2113) before a valid CARP payload.
        byte[] packet = TestPackets.ipv4(SOURCE, CARP_GROUP_V4, 255, 112, new byte[] {(byte) 0x94, 0x04, 0, 0},
                HEADER);
        assertEquals(0x46, packet[0]);
        InboundPacket p = decode4(packet);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(CarpCodecTest.COUNTER, p.advertisement().counter());
        assertEquals(SOURCE, p.envelope().source());
    }

    @Test
    void shouldDecodeAdvertAfterFortyBytesOfIpv4Options() {
        byte[] options = new byte[40]; // IHL 15, the maximum; NOPs then EOL
        Arrays.fill(options, 0, 39, (byte) 1);
        byte[] packet = TestPackets.ipv4(SOURCE, CARP_GROUP_V4, 255, 112, options, HEADER);
        assertEquals(0x4f, packet[0]);
        assertFalse(decode4(packet).isDropped());
    }

    // ------------------------------------------------------------------------------------------------ TTL

    @ParameterizedTest(name = "TTL {0}")
    @ValueSource(ints = {0, 1, 64, 128, 254})
    void shouldDropAsBadTtlWhenTtlIsNot255(int ttl) {
        byte[] packet = IPV4_PACKET.clone();
        packet[8] = (byte) ttl;
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.BAD_TTL, p);
        assertEquals(1, p.vhid(), "attributed to its group");
        assertEquals(ttl, p.envelope().ttl());
    }

    @Test
    void shouldAcceptAnyTtlWhenTtlCheckIsDisabled() {
        byte[] packet = IPV4_PACKET.clone();
        packet[8] = 1;
        InboundPacket p = CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), false);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(1, p.envelope().ttl());
    }

    @Test
    void shouldDropAsBadTtlWhenHopLimitIsNot255() {
        byte[] packet = concat(IPV6_HEADER, HEADER);
        packet[7] = 1;
        assertDropped(DropReason.BAD_TTL, decode6(packet));
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, v6("fe80::2"), v6("ff02::12"), 64);
        assertDropped(DropReason.BAD_TTL, CarpCodec.decode(envelope, ByteBuffer.wrap(HEADER), true));
        assertFalse(CarpCodec.decode(envelope, ByteBuffer.wrap(HEADER), false).isDropped());
    }

    // ------------------------------------------------------------------------------------------------ CARP header

    @ParameterizedTest(name = "byte 0 = {0}")
    @ValueSource(ints = {0x11, 0x01, 0xf1, 0x41})
    void shouldDropAsBadVersionWhenVersionIsNotTwo(int versionType) {
        byte[] packet = packetWithCarp(0, versionType);
        fixCarpChecksum(packet, 20);
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.BAD_VERSION, p);
        assertEquals(1, p.vhid());
    }

    @ParameterizedTest(name = "byte 0 = {0}")
    @ValueSource(ints = {0x20, 0x22, 0x2f})
    void shouldDropAsBadVersionWhenTypeIsNotAdvertisement(int versionType) {
        byte[] packet = packetWithCarp(0, versionType);
        fixCarpChecksum(packet, 20);
        assertDropped(DropReason.BAD_VERSION, decode4(packet));
    }

    @Test
    void shouldDropAsBadChecksumWhenChecksumIsWrong() {
        byte[] packet = packetWithCarp(7, 0x7c);
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.BAD_CHECKSUM, p);
        assertEquals(1, p.vhid());
    }

    @Test
    void shouldDropAsBadChecksumWhenUnauthenticatedFieldChangedWithoutNewChecksum() {
        assertDropped(DropReason.BAD_CHECKSUM, decode4(packetWithCarp(2, 100))); // advskew 0 -> 100, checksum kept
    }

    @Test
    void shouldNotCheckAuthlen() {
        byte[] packet = packetWithCarp(3, 9);
        fixCarpChecksum(packet, 20);
        InboundPacket p = decode4(packet);
        assertFalse(p.isDropped(), p::toString);
        assertEquals(9, p.advertisement().authlen());
    }

    // ------------------------------------------------------------------------------------------------ foreign

    @ParameterizedTest(name = "{0} addresses")
    @ValueSource(ints = {1, 2, 5, 7})
    void shouldDropAsForeignWhenPacketIsVrrpv2(int count) {
        List<Inet4Address> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(v4("192.168.1." + (50 + i)));
        }
        byte[] vrrp = TestPackets.vrrpv2(1, 100, 1, addresses);
        assertEquals(0x21, vrrp[0], "VRRPv2 starts with the same byte as CARP");
        assertEquals(0, InternetChecksum.compute(vrrp, 0, vrrp.length), "a valid VRRPv2 checksum");

        InboundPacket p = decode4(TestPackets.ipv4(SOURCE, CARP_GROUP_V4, 255, 112, new byte[0], vrrp));

        assertDropped(DropReason.FOREIGN, p);
        assertEquals(-1, p.vhid(), "the VRID is not a vhid: not attributed to a group");
    }

    @Test
    void shouldDropAsForeignWhenVrrpv2HasNoAuthentication() {
        byte[] vrrp = TestPackets.vrrpv2(7, 200, 0, List.of(v4("192.168.1.50")));
        assertDropped(DropReason.FOREIGN,
                decode4(TestPackets.ipv4(SOURCE, CARP_GROUP_V4, 255, 112, new byte[0], vrrp)));
    }

    @Test
    void shouldDropAsForeignWhenPacketIsVrrpv3() {
        byte[] vrrp = TestPackets.vrrpv3(1, 100, List.of(v4("192.168.1.50")));
        assertEquals(0x31, vrrp[0]);
        InboundPacket p = decode4(TestPackets.ipv4(SOURCE, CARP_GROUP_V4, 255, 112, new byte[0], vrrp));
        assertDropped(DropReason.FOREIGN, p);
        assertEquals(-1, p.vhid());
    }

    @Test
    void shouldDropAsForeignWhenVrrpv3PacketIsAsLongAsCarp() {
        byte[] packet = packetWithCarp(0, 0x31);
        fixCarpChecksum(packet, 20);
        assertDropped(DropReason.FOREIGN, decode4(packet));
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 6, 17, 111, 113, 255})
    void shouldDropAsForeignWhenProtocolIsNot112(int protocol) {
        byte[] packet = IPV4_PACKET.clone();
        packet[9] = (byte) protocol;
        fixIpv4Checksum(packet);
        InboundPacket p = decode4(packet);
        assertDropped(DropReason.FOREIGN, p);
        assertEquals(-1, p.vhid());
    }

    @Test
    void shouldDropAsForeignWhenIpv6NextHeaderIsNot112() {
        byte[] packet = concat(IPV6_HEADER, HEADER);
        packet[6] = 58; // ICMPv6
        assertDropped(DropReason.FOREIGN, decode6(packet));
    }

    // ------------------------------------------------------------------------------------------------ IPv6

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 39})
    void shouldDropAsShortWhenShorterThanIpv6Header(int length) {
        InboundPacket p = decode6(Arrays.copyOf(concat(IPV6_HEADER, HEADER), length));
        assertDropped(DropReason.SHORT, p);
        assertNull(p.envelope());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {40, 41, 42, 75})
    void shouldDropAsShortWhenIpv6CarpPartShorterThan36Bytes(int length) {
        assertDropped(DropReason.SHORT, decode6(Arrays.copyOf(concat(IPV6_HEADER, HEADER), length)));
    }

    @Test
    void shouldDropAsShortWhenIpv6PayloadLengthFieldCutsCarpPart() {
        byte[] packet = concat(IPV6_HEADER, HEADER);
        packet[5] = 35;
        assertDropped(DropReason.SHORT, decode6(packet));
    }

    @Test
    void shouldDropAsShortWhenIpv6VersionIsWrong() {
        byte[] packet = concat(IPV6_HEADER, HEADER);
        packet[0] = 0x40;
        assertDropped(DropReason.SHORT, decode6(packet));
    }

    @Test
    void shouldDropAsShortWhenSeparatePayloadIsShort() {
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, v6("fe80::2"), v6("ff02::12"), 255);
        for (int length = 0; length < 36; length++) {
            InboundPacket p = CarpCodec.decode(envelope, ByteBuffer.wrap(HEADER, 0, length), true);
            assertDropped(DropReason.SHORT, p);
            assertEquals(length >= 2 ? 1 : -1, p.vhid());
        }
    }

    // ------------------------------------------------------------------------------------------------ order

    @Test
    void shouldReportBadTtlBeforeBadChecksum() {
        byte[] packet = packetWithCarp(7, 0x7c);
        packet[8] = 64;
        assertDropped(DropReason.BAD_TTL, decode4(packet));
    }

    @Test
    void shouldReportBadTtlBeforeShortCarpPart() {
        byte[] packet = Arrays.copyOf(IPV4_PACKET, 30);
        packet[8] = 64;
        assertDropped(DropReason.BAD_TTL, decode4(packet));
    }

    @Test
    void shouldReportShortIpHeaderBeforeBadTtl() {
        byte[] packet = Arrays.copyOf(IPV4_PACKET, 19);
        packet[8] = 64;
        assertDropped(DropReason.SHORT, decode4(packet));
    }

    @Test
    void shouldReportForeignProtocolBeforeBadTtl() {
        byte[] packet = IPV4_PACKET.clone();
        packet[8] = 64;
        packet[9] = 17;
        assertDropped(DropReason.FOREIGN, decode4(packet));
    }

    @Test
    void shouldReportShortBeforeBadVersion() {
        byte[] packet = Arrays.copyOf(packetWithCarp(0, 0x11), 50);
        assertDropped(DropReason.SHORT, decode4(packet));
    }

    @Test
    void shouldReportBadVersionBeforeBadChecksum() {
        assertDropped(DropReason.BAD_VERSION, decode4(packetWithCarp(0, 0x11))); // checksum not fixed
    }

    @Test
    void shouldReportBadTtlBeforeBadVersion() {
        byte[] packet = packetWithCarp(0, 0x11);
        packet[8] = 1;
        assertDropped(DropReason.BAD_TTL, decode4(packet));
    }
}
