package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The raw sockets on their own, between two namespaces joined by a veth pair. */
@LinuxRootTest("raw sockets in network namespaces")
class CarpSocketsRootTest {
    private static final String NS_A = "cnx-sock-a";
    private static final String NS_B = "cnx-sock-b";
    private static LiveLab lab;
    private static NetworkNamespace a;
    private static NetworkNamespace b;

    @BeforeAll
    static void createNamespaces() {
        lab = new LiveLab();
        lab.namespace(NS_A);
        lab.namespace(NS_B);
        lab.veth(NS_A, "cnxsa", NS_B, "cnxsb");
        lab.in(NS_A, "ip", "addr", "add", "198.18.50.1/24", "dev", "cnxsa");
        lab.in(NS_B, "ip", "addr", "add", "198.18.50.2/24", "dev", "cnxsb");
        a = NetworkNamespace.of(lab.ns(NS_A));
        b = NetworkNamespace.of(lab.ns(NS_B));
    }

    @AfterAll
    static void deleteNamespaces() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldSendWithTtl255AndTosLowDelayWhenPeerReadsPacket() {
        try (NativeSocket sender = RawCapture.ipv4Capture(a, "cnxsa");
             NativeSocket receiver = RawCapture.ipv4Capture(b, "cnxsb")) {
            assertEquals(255, RawCapture.multicastTtl(sender));
            byte[] carp = new byte[36];
            carp[0] = 0x21;
            carp[1] = 42;
            byte[] to = SocketAddresses.ipv4((Inet4Address) address("224.0.0.18"));
            sender.sendTo(carp, carp.length, to, "test send");
            byte[] packet = RawCapture.await(receiver, 3000, p -> p.length >= 21 && p[21] == 42);
            assertNotNull(packet, "no protocol-112 packet arrived in " + NS_B);
            assertEquals(0x45, packet[0] & 0xff, "IPv4, 20-byte header");
            assertEquals(0x10, packet[1] & 0xff, "TOS low delay");
            assertEquals(255, packet[8] & 0xff, "TTL");
            assertEquals(112, packet[9] & 0xff, "protocol");
            assertArrayEquals(new byte[] {(byte) 198, 18, 50, 1}, Arrays.copyOfRange(packet, 12, 16), "source");
            assertArrayEquals(new byte[] {(byte) 224, 0, 0, 18}, Arrays.copyOfRange(packet, 16, 20), "destination");
        }
    }

    @Test
    void shouldReportRealHopLimitBecauseMinHopCountDoesNotFilterRawSockets() {
        int ifindexB = RawCapture.ifindex(b, "cnxsb");
        int ifindexA = RawCapture.ifindex(a, "cnxsa");
        try (NativeSocket sender = RawCapture.ipv6Socket(a, "cnxsa", 254);
             NativeSocket receiver = RawCapture.ipv6Socket(b, "cnxsb", 255)) {
            // The option exists and is accepted, but Linux only applies it to TCP: a raw socket still gets the
            // packet, which is why the transport reads IPV6_HOPLIMIT and lets the dispatcher drop it.
            RawCapture.setMinHopCount(receiver, 255);
            RawCapture.sendIpv6(sender, ifindexA, new byte[] {0x21, 43, 0, 0});
            Ipv6RawIo.Received r = RawCapture.awaitIpv6(receiver, ifindexB, 3000);
            assertNotNull(r, "the hop-limit-254 packet did not arrive");
            assertEquals(254, r.hopLimit());
            assertEquals(address("ff02::12"), r.destination());
            assertEquals(43, r.payload().get(1));
        }
    }

    @Test
    void shouldPutGratuitousArpOnWireExactlyAsBuilt() {
        int ifindexA = RawCapture.ifindex(a, "cnxsa");
        byte[] mac = a.call(() -> {
            try (RtNetlink nl = RtNetlink.open()) {
                return nl.link("cnxsa").hardwareAddress();
            }
        });
        Inet4Address vip = (Inet4Address) address("198.18.50.100");
        try (NativeSocket capture = RawCapture.arpCapture(b, "cnxsb");
             NativeSocket arp = a.call(() -> CarpSockets.openArp("cnxsa"))) {
            CarpSockets.sendGratuitousArp(arp, "cnxsa", ifindexA, mac, vip);
            byte[] frame = RawCapture.await(capture, 3000, f -> f.length >= 42 && f[41] == 100);
            assertNotNull(frame, "no gratuitous ARP arrived in " + NS_B);
            assertArrayEquals(GratuitousArp.frame(mac, vip), Arrays.copyOf(frame, 42));
        }
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
