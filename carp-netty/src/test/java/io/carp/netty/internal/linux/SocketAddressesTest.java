package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void shouldLayOutSockaddrIn() throws Exception {
        assertArrayEquals(hex("0200" + "0000" + "e0000012" + "0000000000000000"),
                SocketAddresses.ipv4((Inet4Address) InetAddress.getByName("224.0.0.18")));
    }

    @Test
    void shouldLayOutSockaddrIn6WithScope() throws Exception {
        assertArrayEquals(hex("0a00" + "0000" + "00000000" + "ff020000000000000000000000000012" + "05000000"),
                SocketAddresses.ipv6((Inet6Address) InetAddress.getByName("ff02::12"), 5));
    }

    @Test
    void shouldLayOutSockaddrLlWithEtherTypeInNetworkOrder() {
        assertArrayEquals(hex("1100" + "0806" + "04000000" + "0100" + "00" + "06" + "ffffffffffff0000"),
                SocketAddresses.linkLayer(4, 0x0806, GratuitousArp.BROADCAST));
    }

    @Test
    void shouldLayOutSockaddrNlWithGroups() {
        assertArrayEquals(hex("1000" + "0000" + "00000000" + "01000000"), SocketAddresses.netlink(1));
    }

    @Test
    void shouldDecodeIpv6FromSockaddrWithoutScope() throws Exception {
        byte[] raw = SocketAddresses.ipv6((Inet6Address) InetAddress.getByName("fe80::1"), 9);
        Inet6Address a = SocketAddresses.decodeIpv6(ByteBuffer.wrap(raw), 0);
        assertEquals(InetAddress.getByName("fe80::1"), a);
        assertEquals(0, a.getScopeId());
    }

    @Test
    void shouldKeepIpv4MappedAddressAsIpv6() {
        byte[] mapped = hex("00000000000000000000ffffc6123201");
        assertEquals(16, SocketAddresses.ipv6Address(mapped).getAddress().length);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
