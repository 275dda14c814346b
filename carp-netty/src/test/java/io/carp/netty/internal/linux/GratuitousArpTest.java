package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GratuitousArpTest {
    private static final byte[] MAC = HexFormat.of().parseHex("c27a8934b5d4");

    @Test
    void shouldBuildArpAnnouncementWithVipAsSenderAndTarget() throws Exception {
        byte[] arp = GratuitousArp.arpPacket(MAC, (Inet4Address) InetAddress.getByName("198.18.50.100"));
        byte[] expected = HexFormat.of().parseHex(""
                + "0001"         // hardware type: Ethernet
                + "0800"         // protocol type: IPv4
                + "06"           // hardware address length
                + "04"           // protocol address length
                + "0001"         // operation: request
                + "c27a8934b5d4" // sender hardware address: our MAC
                + "c6123264"     // sender protocol address: 198.18.50.100
                + "000000000000" // target hardware address: unknown
                + "c6123264");   // target protocol address: 198.18.50.100 again
        assertArrayEquals(expected, arp);
        assertEquals(GratuitousArp.ARP_LEN, arp.length);
    }

    @Test
    void shouldMatchFrameCapturedByTcpdumpWhenBroadcast() throws Exception {
        // Captured on the peer of a veth while the runtime claimed 198.18.50.100 (tcpdump -xx).
        byte[] captured = HexFormat.of().parseHex("ffffffffffffc27a8934b5d408060001"
                + "080006040001c27a8934b5d4c6123264" + "000000000000c6123264");
        assertArrayEquals(captured, GratuitousArp.frame(MAC, (Inet4Address) InetAddress.getByName("198.18.50.100")));
    }

    @Test
    void shouldRejectMacThatIsNotSixBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GratuitousArp.arpPacket(new byte[4], (Inet4Address) InetAddress.getByName("198.18.50.100")));
        assertTrue(e.getMessage().contains("4 bytes"), e.getMessage());
    }
}
