package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The virtual MAC interface against a real kernel, in a namespace of ours. */
@LinuxRootTest("macvlan interfaces and sysctls in a network namespace")
class VirtualMacInterfaceRootTest {
    private static final String NS = "cnx-vmac";
    private static final String PARENT = "cnxv0";
    private LiveLab lab;
    private NetworkNamespace ns;
    private RtNetlink nl;

    @BeforeEach
    void createNamespace() {
        lab = new LiveLab();
        lab.namespace(NS);
        lab.in(NS, "ip", "link", "add", PARENT, "type", "veth", "peer", "name", "cnxv1");
        lab.in(NS, "ip", "link", "set", PARENT, "up");
        lab.in(NS, "ip", "link", "set", "cnxv1", "up");
        lab.in(NS, "ip", "addr", "add", "198.18.52.1/24", "dev", PARENT);
        // not the defaults, so that a restore to 0 would be caught
        lab.in(NS, "sysctl", "-qw", "net.ipv4.conf." + PARENT + ".arp_ignore=2");
        ns = NetworkNamespace.of(lab.ns(NS));
        nl = ns.call(RtNetlink::open);
    }

    @AfterEach
    void deleteNamespace() {
        nl.close();
        lab.close();
    }

    private String sysctl(String key) {
        return lab.in(NS, "sysctl", "-n", key).trim();
    }

    @Test
    void shouldCreateAPrivateMacvlanWithTheVirtualMacAndSysctlsThenRestoreOnClose() {
        String name = VirtualMacInterface.interfaceName(true, 61, false);
        byte[] mac = VirtualMacInterface.vrrpMac(61, false);
        VirtualMacInterface vmac = ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, false, false));
        String details = lab.in(NS, "ip", "-d", "link", "show", name);
        assertTrue(details.contains("link/ether 00:00:5e:00:01:3d"), details);
        assertTrue(details.contains("macvlan mode private"), details);
        assertTrue(details.contains("alias carp4j-vmac parent=" + PARENT + " arp_ignore=2 arp_filter=0 arp_announce=0"), details);
        assertTrue(details.contains("state UP") || details.contains(",UP"), details);
        assertFalse(lab.in(NS, "ip", "-6", "addr", "show", "dev", name).contains("fe80"),
                "no link-local address derived from the shared MAC");
        assertEquals("1", sysctl("net.ipv4.conf." + name + ".arp_ignore"));
        assertEquals("1", sysctl("net.ipv4.conf." + name + ".accept_local"));
        assertEquals("0", sysctl("net.ipv4.conf." + name + ".rp_filter"));
        assertEquals("1", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"));
        assertEquals("1", sysctl("net.ipv4.conf." + PARENT + ".arp_filter"));
        assertEquals("2", sysctl("net.ipv4.conf." + PARENT + ".arp_announce"));

        closeIn(vmac);
        assertFalse(lab.in(NS, "ip", "link", "show").contains(name), "removed");
        assertEquals("2", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"), "restored");
        assertEquals("0", sysctl("net.ipv4.conf." + PARENT + ".arp_filter"), "restored");
        assertEquals("0", sysctl("net.ipv4.conf." + PARENT + ".arp_announce"), "restored");
    }

    @Test
    void shouldCleanUpWhatACrashedRunLeftBehindAndRestoreTheParentsOriginalValues() {
        String name = VirtualMacInterface.interfaceName(false, 7, false);
        byte[] mac = VirtualMacInterface.carpMac(7);
        ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, false, false)); // never closed: a crash
        assertEquals("1", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"));
        VirtualMacInterface again = ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, false, false));
        String details = lab.in(NS, "ip", "-d", "link", "show", name);
        assertTrue(details.contains("arp_ignore=2"), "the original value, not the crashed run's 1: " + details);
        closeIn(again);
        assertEquals("2", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"));
        assertFalse(lab.in(NS, "ip", "link", "show").contains(name));
    }

    @Test
    void shouldRefuseToTakeOverAnInterfaceItDidNotCreate() {
        String name = VirtualMacInterface.interfaceName(true, 62, false);
        lab.in(NS, "ip", "link", "add", name, "link", PARENT, "type", "macvlan");
        byte[] mac = VirtualMacInterface.vrrpMac(62, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, false, false)));
        assertTrue(e.getMessage().contains("not created by carp4j"), e.getMessage());
        assertEquals("2", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"), "untouched");
    }

    @Test
    void shouldGiveAnIpv6VirtualMacInterfaceTheParentsLinkLocalAddress() {
        lab.in(NS, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf." + PARENT + ".accept_dad=0");
        lab.in(NS, "ip", "link", "set", PARENT, "down");
        lab.in(NS, "ip", "link", "set", PARENT, "up");
        String parentLinkLocal = lab.in(NS, "ip", "-6", "-o", "addr", "show", "dev", PARENT, "scope", "link")
                .replaceAll("(?s).*inet6 (fe80:[0-9a-f:]+)/.*", "$1");
        String name = VirtualMacInterface.interfaceName(true, 61, true);
        byte[] mac = VirtualMacInterface.vrrpMac(61, true);
        VirtualMacInterface vmac = ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, true, true));
        String details = lab.in(NS, "ip", "-d", "link", "show", name);
        assertTrue(details.contains("link/ether 00:00:5e:00:02:3d"), details);
        assertTrue(details.contains("macvlan mode bridge"), details);
        String v6 = lab.in(NS, "ip", "-6", "-o", "addr", "show", "dev", name);
        assertTrue(v6.contains("inet6 " + parentLinkLocal + "/64"), parentLinkLocal + " on " + v6);
        assertEquals("2", sysctl("net.ipv4.conf." + PARENT + ".arp_ignore"), "IPv6 leaves the IPv4 ARP sysctls");
        closeIn(vmac);
    }

    @Test
    void shouldSendAdvertsFromTheVirtualMacThroughTheParentsSocketWithPktinfo() throws Exception {
        String name = VirtualMacInterface.interfaceName(true, 61, false);
        byte[] mac = VirtualMacInterface.vrrpMac(61, false);
        VirtualMacInterface vmac = ns.call(() -> VirtualMacInterface.create(nl, PARENT, name, mac, false, false));
        java.util.concurrent.CompletableFuture<String> captured = CompletableFuture.supplyAsync(
                () -> LiveLab.run(false, "timeout", "10", "ip", "netns", "exec", lab.ns(NS), "tcpdump", "-i", "cnxv1", "-e",
                        "-n", "-c", "1", "ip proto 112"));
        Thread.sleep(1500); // tcpdump starts listening
        int parentIndex = RawCapture.ifindex(ns, PARENT);
        Inet4Address source = (Inet4Address) InetAddress.getByName("198.18.52.1");
        try (NativeSocket s = ns.call(() -> CarpSockets.openIpv4(PARENT, parentIndex, source, false))) {
            Ipv4UnicastSender sender = new Ipv4UnicastSender(s.fd(), "test socket", vmac.ifindex());
            sender.send(ByteBuffer.wrap(new byte[] {0x31, 61, 100, 1, 0, 100, 0, 0, (byte) 198, 18, 52,
                    100}), (Inet4Address) InetAddress.getByName("224.0.0.18"), source);
        }
        String line = captured.get(15, TimeUnit.SECONDS);
        assertTrue(line.contains("00:00:5e:00:01:3d > 01:00:5e:00:00:12"), "sent from the virtual MAC: " + line);
        assertTrue(line.contains("198.18.52.1 > 224.0.0.18"), "from the parent's address: " + line);
        closeIn(vmac);
    }

    private void closeIn(VirtualMacInterface vmac) {
        ns.call(() -> {
            vmac.close();
            return null;
        });
    }
}
