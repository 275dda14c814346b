package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import io.carp.netty.testing.UcarpNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks the harness itself with two real ucarps, independently of the library: namespaces, bridge, scripts, output
 * capture, signals, address reading and the client's ping all have to work for this to pass.
 */
@LinuxRootTest(ucarp = true, ping = true)
class UcarpHarnessSanityTest {
    private static final Duration ELECTION = Duration.ofSeconds(10);
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
    void shouldElectOneUcarpMasterAndFailOverWhenItIsKilled() {
        CarpOptions options = CarpOptions.defaults();
        String vip = options.vip();
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        UcarpNode first = UcarpNode.start(h1, options.advskew(0));
        first.awaitState(MASTER, ELECTION);
        UcarpNode second = UcarpNode.start(h2, options.advskew(50));
        second.awaitState(BACKUP, ELECTION);

        assertTrue(second.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "the backup must stay backup while the master advertises: " + second.transitions());
        assertEquals(MASTER, first.state());
        assertTrue(h1.holds(vip), "the master's up script added the VIP");
        assertFalse(h2.holds(vip), "the backup does not hold the VIP");
        assertTrue(lab.host("cl").pingUntilReply(vip, Duration.ofSeconds(3)), "the client reaches the VIP");
        assertEquals(h1.mac(), lab.host("cl").neighbourMac(vip).orElse("none"), "the master answers for the VIP");
        assertEquals(0, first.badDigests() + second.badDigests(), "same password: no Bad digest");

        int mark = second.mark();
        long killed = System.nanoTime();
        first.kill();
        CarpNode.Transition takeover = second.awaitTransition(mark, MASTER, Duration.ofSeconds(15));
        Measured.report("failover ucarp -> ucarp after SIGKILL", killed, takeover.nanoTime());

        assertTrue(h2.awaitAddress(vip, true, Duration.ofSeconds(3)).isPresent(), "the new master added the VIP");
        assertTrue(lab.host("cl").pingUntilReply(vip, Duration.ofSeconds(3)),
                "the client reaches the VIP after failover");
        assertEquals(h2.mac(), lab.host("cl").neighbourMac(vip).orElse("none"),
                "the new master's gratuitous ARP moved the client's neighbour entry");
    }
}
