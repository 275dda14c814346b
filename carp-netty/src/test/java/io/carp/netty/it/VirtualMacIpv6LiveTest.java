package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.internal.linux.NativeSocket;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RawCapture;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code virtualMac} for IPv6 groups, two library nodes: VRRPv3 over IPv6 uses RFC 9568 section 7.3's
 * {@code 00:00:5e:00:02:{vrid}}, CARP FreeBSD's {@code 00:00:5e:00:01:{vhid}} (the same for both families). On the
 * wire (captured on the client): the adverts leave with the virtual MAC as the Ethernet source and the master's own
 * link-local address as the IPv6 source, and the new master's unsolicited neighbour advertisement for the address
 * carries the virtual MAC (Ethernet source and target link-layer option, hop limit 255). The client's neighbour entry
 * for the address is the virtual MAC whichever node is master and stays the same across a failover; a clean stop
 * removes the macvlan; a node killed with SIGKILL leaves it behind and the next start on that host removes it and
 * makes it again.
 */
@LinuxRootTest(value = "IPv6 virtual MAC (macvlan) in namespaces", ping = true)
class VirtualMacIpv6LiveTest {
    private static final String VIP6 = "fd00:60::100";
    private static final int ID = 61;
    private static final Duration START = Duration.ofSeconds(20);
    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
        int octet = 1;
        for (String name : List.of("n1", "n2")) {
            Host h = lab.host(name);
            h.ip("-6", "addr", "add", "fd00:60::" + octet++ + "/64", "dev", h.ifname(), "nodad");
        }
        Host client = lab.host("cl");
        client.ip("-6", "addr", "add", "fd00:60::50/64", "dev", client.ifname(), "nodad");
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    private static List<String> args(Host host, String protocol, int rank) {
        List<String> args = new ArrayList<>(List.of("--interface=" + host.ifname(), "--vhid=" + ID,
                "--addr=" + VIP6, "--vmac"));
        if (protocol.equals("vrrp")) {
            args.addAll(List.of("--vrrp=3", "--priority=" + (rank == 0 ? 200 : 100), "--advert-int-cs=100"));
        } else {
            args.addAll(List.of("--pass=cit-secret", "--advbase=1", "--advskew=" + (rank == 0 ? 0 : 100)));
        }
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vrrp", "carp"})
    void shouldKeepTheClientsNeighbourEntryOnTheVirtualMacAcrossAFailover(String protocol) throws Exception {
        boolean vrrp = protocol.equals("vrrp");
        String vmac = vrrp ? "00:00:5e:00:02:3d" : "00:00:5e:00:01:3d";
        String vmacIf = vrrp ? "c4j-vrrp6-" + ID : "c4j-carp6-" + ID;
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        Host client = lab.host("cl");
        String ll1 = lab.linkLocal(h1.ns(), h1.ifname());
        String ll2 = lab.linkLocal(h2.ns(), h2.ifname());
        try (NativeSocket capture = RawCapture.ipv6FrameCapture(NetworkNamespace.of(client.ns()), client.ifname())) {
            LibraryNode first = LibraryNode.launch(h1, null, args(h1, protocol, 0));
            first.awaitTransition(0, MASTER, START);
            LibraryNode second = LibraryNode.launch(h2, null, args(h2, protocol, 1)).awaitStarted(START);
            second.awaitState(BACKUP, START);
            assertTrue(second.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                    "the backup hears the master's adverts from the same MAC as its own macvlan: "
                            + second.transitions());

            String link = h1.ip("-d", "link", "show", vmacIf);
            assertTrue(link.contains("link/ether " + vmac) && link.contains("macvlan mode bridge"), link);
            String addrs = h1.ip("-6", "-o", "addr", "show", "dev", vmacIf);
            assertTrue(addrs.contains("inet6 " + VIP6 + "/"), "the master holds the address on the macvlan: " + addrs);
            assertTrue(addrs.contains("inet6 " + ll1 + "/64"), "the macvlan has the parent's link-local address (the"
                    + " adverts' source) and no address of its own: " + addrs);
            assertEquals(2, addrs.strip().split("\n").length, addrs);
            assertEquals("0", h1.exec("sysctl", "-n", "net.ipv6.conf." + vmacIf + ".disable_ipv6").trim());
            assertEquals("0", h1.exec("sysctl", "-n", "net.ipv4.conf." + h1.ifname() + ".arp_ignore").trim(),
                    "an IPv6 group leaves the parent's IPv4 sysctls alone");
            assertFalse(h1.holds(VIP6), "not on eth0");

            byte[] advert = RawCapture.await(capture, 5_000, f -> isAdvert(f, ll1));
            assertNotNull(advert, "the master's advert reaches the client");
            assertEquals(vmac, mac(advert, 6), "Ethernet source of the advert");
            assertEquals(255, advert[14 + 7] & 0xff, "hop limit");
            assertEquals(vrrp ? 0xc0 : 0, ((advert[14] & 0x0f) << 4) | ((advert[15] & 0xf0) >>> 4),
                    "traffic class: keepalived's 0xc0 for VRRP, 0 for CARP");

            assertTrue(client.pingUntilReply(VIP6, Duration.ofSeconds(5)), "the client reaches the address");
            assertEquals(vmac, client.neighbourMac(VIP6).orElse("none"), () -> "the master answers with the virtual"
                    + " MAC (h1 eth0 " + h1.mac() + ", h2 eth0 " + h2.mac() + ")");

            RawCapture.await(capture, 300, f -> false); // drop what the first master announced so far
            int mark = second.mark();
            first.terminate();
            second.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
            byte[] na = RawCapture.await(capture, 5_000, VirtualMacIpv6LiveTest::isNeighbourAdvertForVip);
            assertNotNull(na, "the new master announces the address");
            assertEquals(vmac, mac(na, 6), "Ethernet source of the neighbour advertisement");
            assertEquals(255, na[14 + 7] & 0xff, "hop limit of the neighbour advertisement");
            assertEquals(vmac, mac(na, 14 + 40 + 26), "target link-layer address option");
            assertEquals(0x20, na[14 + 40 + 4] & 0xe0, "Override set, Solicited and Router clear");
            byte[] advert2 = RawCapture.await(capture, 5_000, f -> isAdvert(f, ll2));
            assertNotNull(advert2, "the new master's advert reaches the client");
            assertEquals(vmac, mac(advert2, 6), "Ethernet source of the new master's advert");

            assertTrue(client.pingUntilReply(VIP6, Duration.ofSeconds(5)), "the client reaches the new master");
            assertEquals(vmac, client.neighbourMac(VIP6).orElse("none"), "same neighbour entry after the failover");
            assertTrue(h2.ip("-6", "-o", "addr", "show", "dev", vmacIf).contains("inet6 " + VIP6 + "/"));
            first.process().awaitExit(10_000);
            assertFalse(h1.ip("link", "show").contains(vmacIf), "a clean stop removes the macvlan");

            // a crash leaves the macvlan behind; the next start on the host removes it and makes it again
            second.kill();
            second.process().awaitExit(10_000);
            String stale = h2.ip("-o", "link", "show", vmacIf);
            LibraryNode again = LibraryNode.launch(h2, null, args(h2, protocol, 1));
            again.awaitTransition(0, MASTER, START);
            String fresh = h2.ip("-o", "link", "show", vmacIf);
            assertFalse(ifindex(stale).equals(ifindex(fresh)), "the stale macvlan (" + stale + ") was removed and"
                    + " made again: " + fresh);
            assertTrue(client.pingUntilReply(VIP6, Duration.ofSeconds(5)), "the client reaches the restarted node");
            assertEquals(vmac, client.neighbourMac(VIP6).orElse("none"));
            again.terminate();
            again.process().awaitExit(10_000);
            assertFalse(h2.ip("link", "show").contains(vmacIf), "a clean stop removes the macvlan");
        }
    }

    /** The index at the start of an {@code ip -o link show} line. */
    private static String ifindex(String line) {
        return line.substring(0, line.indexOf(':'));
    }

    /** An IPv6 protocol-112 frame from {@code source}. */
    private static boolean isAdvert(byte[] f, String source) {
        return f.length >= 14 + 40 + 8 && (f[12] & 0xff) == 0x86 && (f[13] & 0xff) == 0xdd && (f[14 + 6] & 0xff) == 112
                && address(f, 14 + 8).equals(address(source));
    }

    /** An unsolicited neighbour advertisement (ICMPv6 136) for the virtual address. */
    private static boolean isNeighbourAdvertForVip(byte[] f) {
        return f.length >= 14 + 40 + 32 && (f[12] & 0xff) == 0x86 && (f[13] & 0xff) == 0xdd
                && (f[14 + 6] & 0xff) == 58 && (f[14 + 40] & 0xff) == 136
                && address(f, 14 + 40 + 8).equals(address(VIP6));
    }

    private static InetAddress address(byte[] f, int offset) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(f, offset, offset + 16));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String mac(byte[] f, int offset) {
        return HexFormat.ofDelimiter(":").formatHex(f, offset, offset + 6);
    }
}
