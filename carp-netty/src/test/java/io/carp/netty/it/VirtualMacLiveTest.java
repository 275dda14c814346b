package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code virtualMac}: two library nodes with a virtual MAC. The client's neighbour entry for the address is the
 * virtual MAC {@code 00:00:5e:00:01:3c} (vhid 60) whichever node is master, and stays the same across a failover;
 * the backup keeps hearing the master although both have a macvlan with that MAC; a clean stop removes the macvlan.
 */
@LinuxRootTest(value = "virtual MAC (macvlan) in namespaces", ping = true)
class VirtualMacLiveTest {
    private static final CarpOptions OPTIONS = CarpOptions.defaults();
    private static final String VMAC = "00:00:5e:00:01:3c";
    private static final String VMAC_IF = "c4j-carp-60";
    private static final Duration START = Duration.ofSeconds(20);
    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    @Test
    void shouldKeepTheClientsNeighbourEntryOnTheVirtualMacAcrossAFailover() {
        String vip = OPTIONS.vip();
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        LibraryNode first = LibraryNode.start(h1, OPTIONS.advskew(0), "--vmac");
        first.awaitTransition(0, MASTER, START);
        LibraryNode second = LibraryNode.start(h2, OPTIONS.advskew(100), "--vmac").awaitStarted(START);
        second.awaitState(BACKUP, START);
        assertTrue(second.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "the backup hears the master's adverts from the same MAC as its own macvlan: " + second.transitions());

        String link = h1.ip("-d", "link", "show", VMAC_IF);
        assertTrue(link.contains("link/ether " + VMAC) && link.contains("macvlan mode bridge"), link);
        assertTrue(h1.ip("-o", "addr", "show", "dev", VMAC_IF).contains("inet " + vip + "/"),
                "the master holds the address on the macvlan");
        assertFalse(h1.holds(vip), "not on eth0");
        assertTrue(lab.host("cl").pingUntilReply(vip, Duration.ofSeconds(3)), "the client reaches the address");
        assertEquals(VMAC, lab.host("cl").neighbourMac(vip).orElse("none"), () -> "the master answers with the virtual"
                + " MAC (h1 eth0 " + h1.mac() + ", h2 eth0 " + h2.mac() + "; h1 arp_ignore/arp_filter "
                + h1.exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore", "net.ipv4.conf.eth0.arp_filter",
                "net.ipv4.conf.all.arp_ignore").replace('\n', ' ') + ")");

        int mark = second.mark();
        first.terminate();
        second.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        assertTrue(lab.host("cl").pingUntilReply(vip, Duration.ofSeconds(5)), "the client reaches the new master");
        assertEquals(VMAC, lab.host("cl").neighbourMac(vip).orElse("none"), "same neighbour entry after the failover");
        assertTrue(h2.ip("-o", "addr", "show", "dev", VMAC_IF).contains("inet " + vip + "/"));
        first.process().awaitExit(10_000);
        assertFalse(h1.ip("link", "show").contains(VMAC_IF), "a clean stop removes the macvlan");
        assertEquals("0", h1.exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").trim(),
                "and restores the interface's arp_ignore");
    }
}
