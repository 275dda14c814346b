package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NeighborAdvertisementTest {
    private static final byte[] MAC = HexFormat.of().parseHex("c27a8934b5d4");

    @Test
    void shouldBuildUnsolicitedAdvertisementWithOverrideAndTargetLinkLayerOption() throws Exception {
        byte[] m = NeighborAdvertisement.message(v6("fd00:cafe::100"), MAC);
        byte[] expected = HexFormat.of().parseHex(""
                + "88"                               // type 136: neighbour advertisement
                + "00"                               // code
                + "0000"                             // checksum: left to the kernel
                + "20000000"                         // R=0 S=0 O=1, reserved
                + "fd00cafe000000000000000000000100" // target: the virtual address
                + "02"                               // option: target link-layer address
                + "01"                               // option length: 1 x 8 bytes
                + "c27a8934b5d4");                   // our MAC
        assertArrayEquals(expected, m);
    }

    @Test
    void shouldComputeSameChecksumAsKernelWhenSentFromLinkLocal() throws Exception {
        // Captured with tcpdump -xx: the kernel filled in 0x8f17 for this message from fe80::c07a:89ff:fe34:b5d4.
        byte[] captured = HexFormat.of().parseHex("88008f1720000000fd00cafe000000000000000000000100"
                + "0201c27a8934b5d4");
        byte[] m = NeighborAdvertisement.messageWithChecksum(v6("fe80::c07a:89ff:fe34:b5d4"), v6("ff02::1"),
                v6("fd00:cafe::100"), MAC);
        assertArrayEquals(captured, m);
    }

    @Test
    void shouldGiveZeroWhenChecksumIsVerifiedOverItsOwnResult() throws Exception {
        byte[] src = v6("fe80::1").getAddress();
        byte[] dst = NeighborAdvertisement.ALL_NODES;
        byte[] m = NeighborAdvertisement.messageWithChecksum(v6("fe80::1"), v6("ff02::1"), v6("2001:db8::7"), MAC);
        assertEquals(0, NeighborAdvertisement.checksum(src, dst, m));
    }

    @Test
    void shouldBuildTheWholeIpv6PacketFromTheVirtualAddressForThePacketSocket() throws Exception {
        byte[] p = NeighborAdvertisement.ipv6Packet(v6("fd00:cafe::100"), MAC);
        assertEquals(72, p.length);
        assertEquals(0x60, p[0] & 0xff, "version 6, traffic class 0");
        assertEquals(0, p[1] | p[2] | p[3], "traffic class and flow label 0");
        assertEquals(32, ((p[4] & 0xff) << 8) | (p[5] & 0xff), "payload length");
        assertEquals(58, p[6] & 0xff, "next header: ICMPv6");
        assertEquals(255, p[7] & 0xff, "hop limit (RFC 4861 section 7.1.2)");
        assertArrayEquals(v6("fd00:cafe::100").getAddress(), java.util.Arrays.copyOfRange(p, 8, 24), "source");
        assertArrayEquals(NeighborAdvertisement.ALL_NODES, java.util.Arrays.copyOfRange(p, 24, 40), "destination");
        byte[] message = java.util.Arrays.copyOfRange(p, 40, 72);
        assertArrayEquals(NeighborAdvertisement.messageWithChecksum(v6("fd00:cafe::100"), v6("ff02::1"),
                v6("fd00:cafe::100"), MAC), message);
        assertEquals(0, NeighborAdvertisement.checksum(java.util.Arrays.copyOfRange(p, 8, 24),
                NeighborAdvertisement.ALL_NODES, message), "the checksum verifies over the packet's own addresses");
        assertArrayEquals(HexFormat.of().parseHex("333300000001"), NeighborAdvertisement.ALL_NODES_MAC);
    }

    private static Inet6Address v6(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }
}
