package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Byte-level tests of the rtnetlink encoder and decoder (host order: little-endian, as on x86-64 and aarch64). */
class NetlinkTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void shouldEncodeNewAddressWithLifetimeAsCreateReplace() throws Exception {
        byte[] m = Netlink.newAddress(0x01020304, 7, InetAddress.getByName("198.18.0.100"), 24, 3);
        byte[] expected = hex(""
                + "44000000"  // nlmsg_len 68
                + "1400"      // nlmsg_type RTM_NEWADDR (20)
                + "0505"      // flags REQUEST|ACK|REPLACE|CREATE (0x0505)
                + "04030201"  // nlmsg_seq
                + "00000000"  // nlmsg_pid: kernel
                + "02"        // ifa_family AF_INET
                + "18"        // ifa_prefixlen 24
                + "00"        // ifa_flags
                + "00"        // ifa_scope universe
                + "07000000"  // ifa_index 7
                + "0800" + "0200" + "c6120064" // IFA_LOCAL 198.18.0.100
                + "0800" + "0100" + "c6120064" // IFA_ADDRESS 198.18.0.100
                + "1400" + "0600"              // IFA_CACHEINFO, 16 bytes
                + "03000000"  // ifa_prefered 3 s
                + "03000000"  // ifa_valid 3 s
                + "00000000" + "00000000"      // cstamp, tstamp (ignored)
                + "0800" + "0800" + "00000000"); // IFA_FLAGS 0
        assertArrayEquals(expected, m);
    }

    @Test
    void shouldEncodeIpv6AddressWithoutDuplicateAddressDetection() throws Exception {
        byte[] m = Netlink.newAddress(1, 3, InetAddress.getByName("fd00::100"), 128, AddressInfo.FOREVER);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(m.length, b.getInt(0));
        assertEquals(10, b.get(16));              // AF_INET6
        assertEquals((byte) 128, b.get(17));      // prefix
        assertEquals(AddressInfo.IFA_F_NODAD, b.get(18));
        assertEquals(20, b.getShort(24));         // IFA_LOCAL: 4 + 16 bytes
        assertEquals(Netlink.IFA_LOCAL, b.getShort(26));
        assertArrayEquals(InetAddress.getByName("fd00::100").getAddress(), slice(m, 28, 16));
        int cacheinfo = 24 + 20 + 20;
        assertEquals(Netlink.IFA_CACHEINFO, b.getShort(cacheinfo + 2));
        assertEquals(-1, b.getInt(cacheinfo + 4)); // 0xffffffff: forever
        assertEquals(AddressInfo.IFA_F_NODAD, b.getInt(m.length - 4)); // IFA_FLAGS value
    }

    @Test
    void shouldEncodeDeleteAddressWithPrefix() throws Exception {
        byte[] m = Netlink.deleteAddress(9, 2, InetAddress.getByName("198.18.50.100"), 32);
        byte[] expected = hex("28000000" + "1500" + "0500" + "09000000" + "00000000" // RTM_DELADDR, REQUEST|ACK
                + "02" + "20" + "00" + "00" + "02000000"                           // AF_INET /32 ifindex 2
                + "08000200c6123264" + "08000100c6123264");                         // IFA_LOCAL, IFA_ADDRESS
        assertArrayEquals(expected, m);
    }

    @Test
    void shouldEncodeAddressDumpAndLinkLookups() {
        assertArrayEquals(hex("18000000" + "1600" + "0103" + "05000000" + "00000000" + "0000000000000000"),
                Netlink.dumpAddresses(5, 0)); // RTM_GETADDR, REQUEST|DUMP, ifaddrmsg all zero
        assertArrayEquals(hex("2c000000" + "1200" + "0100" + "06000000" + "00000000"
                        + "00000000" + "00000000" + "00000000" + "00000000" // ifinfomsg
                        + "0a000300" + "7665746830000000"),               // IFLA_IFNAME "veth0\0" + pad
                Netlink.getLink(6, "veth0"));
        byte[] byIndex = Netlink.getLink(7, 42);
        assertEquals(42, ByteBuffer.wrap(byIndex).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
    }

    @Test
    void shouldDecodeAddressWithLifetimesAndSecondaryFlag() {
        byte[] msg = hex("44000000" + "1400" + "0000" + "00000000" + "00000000"
                + "02" + "18" + "01" + "00" + "03000000"          // AF_INET /24 SECONDARY ifindex 3
                + "08000100c6123264" + "08000200c6123264"          // IFA_ADDRESS, IFA_LOCAL
                + "14000600" + "02000000" + "03000000" + "0000000000000000" // cacheinfo prefered 2, valid 3
                + "0800080001010000");                             // IFA_FLAGS 0x101
        List<Netlink.Message> messages = Netlink.messages(ByteBuffer.wrap(msg));
        assertEquals(1, messages.size());
        AddressInfo a = Netlink.address(messages.get(0));
        assertEquals("198.18.50.100", a.address().getHostAddress());
        assertEquals(24, a.prefixLength());
        assertEquals(3, a.ifindex());
        assertEquals(0x101, a.flags());
        assertTrue(a.secondary());
        assertEquals(3, a.validSeconds());
        assertEquals(2, a.preferredSeconds());
    }

    @Test
    void shouldDecodeLinkFlagsOperStateAndMac() {
        byte[] msg = hex("40000000" + "1000" + "0000" + "00000000" + "00000000"
                + "00" + "00" + "0100" + "05000000" + "43100100" + "00000000" // ifindex 5, flags UP|RUNNING|LOWER_UP
                + "0a000300" + "636e7830" + "00000000"                          // IFLA_IFNAME "cnx0"
                + "05001000" + "06000000"                                       // IFLA_OPERSTATE UP (6)
                + "0a000100" + "c27a8934b5d40000");                             // IFLA_ADDRESS
        LinkInfo link = Netlink.link(Netlink.messages(ByteBuffer.wrap(msg)).get(0));
        assertEquals(5, link.ifindex());
        assertEquals("cnx0", link.name());
        assertEquals(LinkInfo.OPER_UP, link.operState());
        assertArrayEquals(hex("c27a8934b5d4"), link.hardwareAddress());
        assertTrue(link.usable());
        assertFalse(link.deleted());
    }

    @Test
    void shouldSeeLinkWithoutCarrierOrDeletedAsUnusable() {
        LinkInfo noCarrier = new LinkInfo(5, "cnx0", LinkInfo.IFF_UP, 2, new byte[6], false); // LOWERLAYERDOWN
        LinkInfo adminDown = new LinkInfo(5, "cnx0", LinkInfo.IFF_RUNNING, 6, new byte[6], false);
        LinkInfo deleted = new LinkInfo(5, "cnx0", LinkInfo.IFF_UP | LinkInfo.IFF_RUNNING, 6, new byte[6], true);
        assertFalse(noCarrier.usable());
        assertFalse(adminDown.usable());
        assertFalse(deleted.usable());
    }

    @Test
    void shouldReadErrorCodeAndExtendedAckText() {
        byte[] msg = hex("40000000" + "0200" + "0003" + "09000000" + "00000000" // NLMSG_ERROR, CAPPED|ACK_TLVS
                + "eaffffff"                                                      // error -22 (EINVAL)
                + "28000000" + "1400" + "0505" + "09000000" + "00000000"          // the original header (capped)
                + "1a000100" + "496e76616c696420707265666978206c656e677468" + "00" + "0000"); // NLMSGERR_ATTR_MSG
        Netlink.Message m = Netlink.messages(ByteBuffer.wrap(msg)).get(0);
        assertEquals(Netlink.NLMSG_ERROR, m.type());
        assertEquals(-22, Netlink.errorCode(m));
        assertEquals("Invalid prefix length", Netlink.errorText(m));
    }

    @Test
    void shouldReadAckAsZeroWithoutText() {
        byte[] msg = hex("24000000" + "0200" + "0001" + "09000000" + "00000000" + "00000000"
                + "28000000" + "1400" + "0505" + "09000000" + "00000000");
        Netlink.Message m = Netlink.messages(ByteBuffer.wrap(msg)).get(0);
        assertEquals(0, Netlink.errorCode(m));
        assertNull(Netlink.errorText(m));
    }

    @Test
    void shouldSplitSeveralMessagesAndStopAtTruncatedOne() {
        byte[] done = hex("14000000" + "0300" + "0200" + "01000000" + "00000000" + "00000000");
        byte[] truncated = hex("ff000000" + "1400" + "0000" + "01000000" + "00000000");
        ByteBuffer b = ByteBuffer.allocate(done.length * 2 + truncated.length);
        b.put(done).put(done).put(truncated).flip();
        List<Netlink.Message> messages = Netlink.messages(b);
        assertEquals(2, messages.size());
        assertEquals(Netlink.NLMSG_DONE, messages.get(1).type());
    }

    @Test
    void shouldIgnoreMalformedAttributesAndShortPayloads() {
        byte[] badAttr = hex("1c000000" + "1400" + "0000" + "00000000" + "00000000"
                + "02200000" + "03000000" + "ff000100");                  // attribute claims 255 bytes
        assertNull(Netlink.address(Netlink.messages(ByteBuffer.wrap(badAttr)).get(0)));
        byte[] shortLink = hex("14000000" + "1000" + "0000" + "00000000" + "00000000" + "00000000");
        assertNull(Netlink.link(Netlink.messages(ByteBuffer.wrap(shortLink)).get(0)));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] slice(byte[] b, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(b, from, out, 0, length);
        return out;
    }
}
