package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * carp4j's virtual MAC ({@code virtualMac}) next to keepalived's {@code use_vmac} (keepalived 2.2.7, VRRPv3, VRID 61):
 * both sides own the RFC 9568 section 7.3 MAC ({@code 00:00:5e:00:01:3d} over IPv4, {@code 00:00:5e:00:02:3d} over
 * IPv6), each on its own macvlan (keepalived's private mode, carp4j's bridge mode). Whichever of the two is master, the
 * client's neighbour entry for the address is that MAC and stays so across a failover in each direction; carp4j stays
 * BACKUP behind keepalived and keepalived behind carp4j; keepalived logs no invalid packet, carp4j drops none.
 */
@LinuxRootTest(value = "carp4j's and keepalived's virtual MAC in namespaces", ping = true, programs = "keepalived")
class KeepalivedVirtualMacTest {
    private static final Duration START = Duration.ofSeconds(20);
    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
        int octet = 1;
        for (String name : List.of("n1", "n2", "cl")) {
            Host h = lab.host(name);
            h.ip("-6", "addr", "add", "fd00:60::" + (name.equals("cl") ? 50 : octet++) + "/64", "dev", h.ifname(),
                    "nodad");
        }
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    /**
     * Starts keepalived with {@code use_vmac} on {@code host}. keepalived sets {@code arp_ignore=1} and
     * {@code arp_filter=1} on the parent but not {@code arp_announce} ({@code vrrp_if_config.c}); without
     * {@code arp_announce=2}, the ARP request it sends for the client (to answer the client's ping, from the virtual
     * address) points the client's entry for the virtual address at the parent's MAC, with keepalived alone as well
     * (seen here: the client's entry was the keepalived host's own MAC). An administrator sets it by hand; carp4j's
     * virtual MAC sets it itself. Set here as such an administrator would, so that the test is about the two
     * implementations' virtual MACs.
     */
    private static KeepalivedNode startKeepalived(Host host, KeepalivedConfig k) {
        if (!k.ipv6()) {
            host.exec("sysctl", "-qw", "net.ipv4.conf." + host.ifname() + ".arp_announce=2");
        }
        return KeepalivedNode.start(host, k);
    }

    private static KeepalivedConfig config(String family) {
        KeepalivedConfig k = KeepalivedConfig.defaults().useVmac(true);
        return family.equals("ipv6") ? k.virtualAddresses(KeepalivedConfig.VIP6 + "/64") : k;
    }

    private static String vmac(KeepalivedConfig k) {
        return k.ipv6() ? "00:00:5e:00:02:3d" : "00:00:5e:00:01:3d";
    }

    private static void assertNoDrops(LibraryNode node) {
        Map<String, String> stats = node.stats();
        for (String reason : List.of("bad_ttl", "bad_version", "bad_checksum", "bad_address_list", "short")) {
            assertEquals("0", stats.getOrDefault("drop_" + reason, "0"), reason + " drops: " + stats);
        }
    }

    /** The client reaches the address, and its neighbour entry for it is the virtual MAC. */
    private void assertClientSeesTheVirtualMac(KeepalivedConfig k, String when) {
        Host client = lab.host("cl");
        assertTrue(client.pingUntilReply(k.vip(), Duration.ofSeconds(5)), "the client reaches the address " + when);
        assertEquals(vmac(k), client.neighbourMac(k.vip()).orElse("none"), () -> "neighbour entry " + when
                + " (n1 eth0 " + lab.host("n1").mac() + ", n2 eth0 " + lab.host("n2").mac() + ")");
    }

    /** keepalived killed with SIGKILL leaves its macvlan (vrrp.61, with the address) behind; remove it. */
    private static void removeKeepalivedLeftovers(Host h) {
        for (String line : h.ip("-o", "link", "show").split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1 && f[1].startsWith("vrrp")) {
                h.ip("link", "del", f[1].replaceAll("@.*", ""));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipv4", "ipv6"})
    void shouldKeepTheVirtualMacBehindKeepalivedAndAcrossItsFailoverAndReturn(String family) {
        KeepalivedConfig k = config(family);
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        KeepalivedNode keepalived = startKeepalived(h1, k.priority(200));
        keepalived.awaitState(MASTER, START);
        LibraryNode carp4j = KeepalivedConfig.startLibrary(h2, k.priority(100), "--vmac").awaitStarted(START);
        assertTrue(carp4j.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "carp4j stays BACKUP behind keepalived: " + carp4j.transitions());
        assertEquals(BACKUP, carp4j.state());
        assertTrue(carp4j.stat("rx4") + carp4j.stat("rx6") > 0, "carp4j hears keepalived: " + carp4j.stats());
        assertNoDrops(carp4j);
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
        assertClientSeesTheVirtualMac(k, "with keepalived as master");

        int mark = carp4j.mark();
        keepalived.kill();
        carp4j.awaitTransition(mark, MASTER, Duration.ofSeconds(15));
        removeKeepalivedLeftovers(h1);
        assertClientSeesTheVirtualMac(k, "after keepalived's SIGKILL, carp4j master");

        mark = carp4j.mark();
        KeepalivedNode back = startKeepalived(h1, k.priority(250));
        back.awaitState(MASTER, START);
        carp4j.awaitTransition(mark, BACKUP, Duration.ofSeconds(10));
        assertClientSeesTheVirtualMac(k, "after keepalived took the address back");
        assertEquals(List.of(), back.problems(), "keepalived complains about nothing");
        assertNoDrops(carp4j);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipv4", "ipv6"})
    void shouldKeepKeepalivedBackupAndTheVirtualMacAcrossACleanStop(String family) {
        KeepalivedConfig k = config(family);
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        LibraryNode carp4j = KeepalivedConfig.startLibrary(h1, k.priority(200), "--vmac");
        carp4j.awaitTransition(0, MASTER, START);
        KeepalivedNode keepalived = startKeepalived(h2, k.priority(100));
        keepalived.awaitState(BACKUP, START);
        assertTrue(keepalived.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "keepalived stays BACKUP behind carp4j: " + keepalived.transitions());
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
        assertClientSeesTheVirtualMac(k, "with carp4j as master");

        int mark = keepalived.mark();
        carp4j.terminate();
        keepalived.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        carp4j.process().awaitExit(10_000);
        assertClientSeesTheVirtualMac(k, "after carp4j's clean stop, keepalived master");

        LibraryNode again = KeepalivedConfig.startLibrary(h1, k.priority(200), "--vmac");
        mark = keepalived.mark();
        again.awaitTransition(0, MASTER, START);
        keepalived.awaitTransition(mark, BACKUP, Duration.ofSeconds(10));
        assertClientSeesTheVirtualMac(k, "after carp4j took the address back");
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
        assertNoDrops(again);
    }
}
