package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 64-bit little-endian cmsghdr layout of IPv6 ancillary data. */
class ControlMessagesTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void shouldReadHopLimitAndDestinationFromRecvmsgControl() throws Exception {
        byte[] control = HexFormat.of().parseHex(""
                + "2400000000000000" + "29000000" + "32000000"  // cmsg_len 36, IPPROTO_IPV6, IPV6_PKTINFO
                + "ff020000000000000000000000000012" + "07000000" // ipi6_addr ff02::12, ipi6_ifindex 7
                + "00000000"                                       // padding to 8
                + "1400000000000000" + "29000000" + "34000000"  // cmsg_len 20, IPPROTO_IPV6, IPV6_HOPLIMIT
                + "fe000000" + "00000000");                       // 254, padding
        ControlMessages.Ipv6Info info = ControlMessages.parseIpv6(ByteBuffer.wrap(control));
        assertEquals(254, info.hopLimit());
        assertEquals(InetAddress.getByName("ff02::12"), info.destination());
        assertEquals(7, info.ifindex());
    }

    @Test
    void shouldFindTheTimestampRecordAfterAnotherOne() {
        byte[] control = HexFormat.of().parseHex(""
                + "1400000000000000" + "29000000" + "34000000"  // cmsg_len 20, IPPROTO_IPV6, IPV6_HOPLIMIT
                + "ff000000" + "00000000"                          // 255, padding
                + "2000000000000000" + "01000000" + "23000000"  // cmsg_len 32, SOL_SOCKET, SCM_TIMESTAMPNS
                + "0a00000000000000" + "0b00000000000000");       // tv_sec 10, tv_nsec 11
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN);
        int at = ControlMessages.find(b, control.length, Linux.SOL_SOCKET, Linux.SCM_TIMESTAMPNS, 16);
        assertEquals(40, at);
        assertEquals(10, b.getLong(at));
        assertEquals(11, b.getLong(at + 8));
        assertEquals(-1, ControlMessages.find(b, 24, Linux.SOL_SOCKET, Linux.SCM_TIMESTAMPNS, 16),
                "the kernel wrote only the first record");
        assertEquals(-1, ControlMessages.find(b, control.length - 8, Linux.SOL_SOCKET, Linux.SCM_TIMESTAMPNS, 16),
                "a record longer than what the kernel wrote");
        assertEquals(-1, ControlMessages.find(b, control.length, Linux.SOL_SOCKET, Linux.SCM_TIMESTAMPNS, 17),
                "too little data");
    }

    @Test
    void shouldReportMissingHopLimitAsMinusOne() {
        ControlMessages.Ipv6Info info = ControlMessages.parseIpv6(ByteBuffer.allocate(0));
        assertEquals(-1, info.hopLimit());
        assertNull(info.destination());
    }

    @Test
    void shouldStopAtRecordLongerThanBuffer() {
        byte[] control = HexFormat.of().parseHex("ff00000000000000" + "29000000" + "34000000" + "ff000000");
        assertEquals(-1, ControlMessages.parseIpv6(ByteBuffer.wrap(control)).hopLimit());
    }

    @Test
    void shouldWritePktinfoThatPicksSourceAndInterface() throws Exception {
        ByteBuffer out = ByteBuffer.allocate(ControlMessages.PKTINFO_SPACE);
        ControlMessages.writePktinfo(out, (Inet6Address) InetAddress.getByName("fe80::1"), 3);
        byte[] expected = HexFormat.of().parseHex("2400000000000000" + "29000000" + "32000000"
                + "fe800000000000000000000000000001" + "03000000" + "00000000");
        assertArrayEquals(expected, out.array());
    }

    @Test
    void shouldWriteATrafficClassRecordAfterThePktinfo() throws Exception {
        // cmsg_len 20 (16-byte header + int), IPPROTO_IPV6, IPV6_TCLASS 67, 0xc0, padded to 24
        ByteBuffer out = ByteBuffer.allocate(ControlMessages.PKTINFO_SPACE + ControlMessages.INT_SPACE);
        ControlMessages.writePktinfo(out, (Inet6Address) InetAddress.getByName("fe80::1"), 3);
        ControlMessages.writeInt(out.position(ControlMessages.PKTINFO_SPACE), Linux.IPPROTO_IPV6, Linux.IPV6_TCLASS,
                0xc0);
        assertEquals(24, ControlMessages.INT_SPACE);
        byte[] tail = java.util.Arrays.copyOfRange(out.array(), ControlMessages.PKTINFO_SPACE, out.capacity());
        assertEquals("1400000000000000" + "29000000" + "43000000" + "c0000000" + "00000000",
                HexFormat.of().formatHex(tail));
        ByteBuffer v4 = ByteBuffer.allocate(ControlMessages.INT_SPACE);
        ControlMessages.writeInt(v4, Linux.IPPROTO_IP, Linux.IP_TOS, 0xc0);
        assertEquals("1400000000000000" + "00000000" + "01000000" + "c0000000" + "00000000",
                HexFormat.of().formatHex(v4.array()));
    }
}
