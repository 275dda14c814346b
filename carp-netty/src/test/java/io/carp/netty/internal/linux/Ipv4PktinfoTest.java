package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The {@code IP_PKTINFO} record that pins the source of a unicast IPv4 advert (64-bit little-endian layout). */
class Ipv4PktinfoTest {

    @Test
    void shouldWriteInPktinfoWithSourceAsSpecDstAndIfindex() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
        ByteBuffer out = ByteBuffer.allocate(ControlMessages.IPV4_PKTINFO_SPACE + 4);
        out.put(0, new byte[out.capacity()]).position(4);
        for (int i = 0; i < out.capacity(); i++) {
            out.put(i, (byte) 0xee);
        }
        ControlMessages.writeIpv4Pktinfo(out, (Inet4Address) InetAddress.getByName("198.18.100.1"), 7);
        String expected = "eeeeeeee"
                + "1c00000000000000" + "00000000" + "08000000" // cmsg_len 28, IPPROTO_IP, IP_PKTINFO
                + "07000000" + "c6126401" + "00000000"         // ipi_ifindex 7, ipi_spec_dst, ipi_addr
                + "00000000";                                   // padding to CMSG_SPACE(12) = 32
        assertEquals(expected, HexFormat.of().formatHex(out.array()));
        assertEquals(32, ControlMessages.IPV4_PKTINFO_SPACE);
    }
}
