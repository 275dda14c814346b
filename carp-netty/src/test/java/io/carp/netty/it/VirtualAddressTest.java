package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.Election;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The virtual address as a client sees it: it answers pings from whichever library node is master, the client's
 * neighbour entry follows the master after a failover (gratuitous ARP), and a master killed with SIGKILL loses the
 * address by itself (the kernel lifetime the runtime gives it) instead of keeping it forever.
 */
@LinuxRootTest(ping = true)
class VirtualAddressTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration ELECTION = Duration.ofSeconds(15);
    private static final Duration FAILOVER = Duration.ofSeconds(10);
    private static final CarpOptions OPTIONS = CarpOptions.defaults();
    private static final String VIP = OPTIONS.vip();

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
    void shouldAnswerOnTheMasterBeforeAndAfterFailoverAndExpireOnTheKilledNode() {
        Host client = lab.host("cl");
        LibraryNode first = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(0));
        first.awaitState(MASTER, START.plus(ELECTION));
        LibraryNode second = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(100)).awaitStarted(START);
        Election.awaitSingleMaster(ELECTION, List.of(first, second));

        LiveLab.Address held = lab.host("n1").address(VIP)
                .orElseThrow(() -> new AssertionError("the master holds the VIP"));
        System.out.println("VIP on the master: " + held);
        assertFalse(held.permanent(), "the runtime gives the VIP a kernel lifetime, renewed by each advert: " + held);
        assertFalse(lab.host("n2").holds(VIP), "the backup does not hold the VIP");
        assertTrue(client.pingUntilReply(VIP, Duration.ofSeconds(3)), "the client reaches the VIP on the master");
        assertEquals(lab.host("n1").mac(), client.neighbourMac(VIP).orElse("none"), "the master answers for the VIP");

        int mark = second.mark();
        long killed = System.nanoTime();
        first.kill();
        CarpNode.Transition takeover = second.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("failover library -> library (reachability test)", killed, takeover.nanoTime());
        assertTrue(lab.host("n2").awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(),
                "the new master holds the VIP");
        assertTrue(client.pingUntilReply(VIP, Duration.ofSeconds(3)), "the client reaches the VIP after failover");
        assertEquals(lab.host("n2").mac(), client.neighbourMac(VIP).orElse("none"),
                "the new master's gratuitous ARP moved the client's neighbour entry");

        Optional<Duration> gone = lab.host("n1").awaitAddress(VIP, false, Duration.ofSeconds(10));
        long goneAt = System.nanoTime();
        assertTrue(gone.isPresent(), "the SIGKILLed node still holds the VIP 10 s after the failover ("
                + lab.host("n1").address(VIP).map(LiveLab.Address::toString).orElse("?")
                + "): the kernel lifetime should have removed it");
        Measured.report("VIP gone from the SIGKILLed node (from the kill, 100 ms polling)", killed, goneAt);
        assertTrue(client.pingUntilReply(VIP, Duration.ofSeconds(3)), "the VIP still answers on the new master");
    }

    @Test
    void shouldLeaveTheVipOnTheMasterOnlyWhenAFrozenMasterResumes() {
        Host client = lab.host("cl");
        LibraryNode first = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(0));
        first.awaitState(MASTER, START.plus(ELECTION));
        LibraryNode second = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(100)).awaitStarted(START);
        Election.awaitSingleMaster(ELECTION, List.of(first, second));

        int mark = second.mark();
        long frozen = System.nanoTime();
        first.process().stop();
        CarpNode.Transition takeover = second.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("failover after SIGSTOP of the library master", frozen, takeover.nanoTime());
        assertTrue(lab.host("n1").awaitAddress(VIP, false, Duration.ofSeconds(10)).isPresent(),
                "the frozen node's VIP expired although its process still exists (kernel lifetime)");

        first.process().resume();
        CarpNode master = Election.awaitSingleMaster(ELECTION, List.of(first, second));
        CarpNode backup = master == first ? second : first;
        System.out.println("after SIGCONT: " + Election.describe(List.of(first, second)));
        assertTrue(master.host().awaitAddress(VIP, true, Duration.ofSeconds(3)).isPresent(),
                "the settled master " + master.name() + " holds the VIP");
        assertFalse(backup.host().holds(VIP), "the backup " + backup.name() + " does not hold the VIP");
        assertTrue(client.pingUntilReply(VIP, Duration.ofSeconds(3)), "the client reaches the VIP");
        assertEquals(master.host().mac(), client.neighbourMac(VIP).orElse("none"),
                "the settled master answers for the VIP");
    }
}
