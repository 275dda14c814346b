package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.Await;
import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks the keepalived harness with two real keepalived processes, independently of the library: configuration,
 * state parsing, SIGKILL of the VRRP child, SIGTERM and the log check must all work for the VRRP interop tests to
 * mean anything.
 */
@LinuxRootTest(value = "two keepalived in namespaces", ping = true, programs = {"keepalived", "tcpdump"})
class KeepalivedHarnessSanityTest {
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
    void shouldElectTheHigherPriorityAndFailOverOnSigkillThenHandBackOnSigtermWithVrrpV3() {
        KeepalivedConfig config = KeepalivedConfig.defaults();
        String vip = config.vip();
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        KeepalivedNode high = KeepalivedNode.start(h1, config.priority(200));
        KeepalivedNode low = KeepalivedNode.start(h2, config.priority(100));
        high.awaitState(MASTER, ELECTION);
        low.awaitState(BACKUP, ELECTION);
        assertTrue(low.transitionsDuring(Duration.ofSeconds(3)).stream().noneMatch(t -> t.to().equals(MASTER)),
                "the lower priority stays backup: " + low.transitions());
        assertTrue(h1.awaitAddress(vip, true, Duration.ofSeconds(3)).isPresent(), "the master holds the VIP");
        assertFalse(h2.holds(vip), "the backup does not hold the VIP");
        assertTrue(lab.host("cl").pingUntilReply(vip, Duration.ofSeconds(3)), "the client reaches the VIP");
        assertEquals(h1.mac(), lab.host("cl").neighbourMac(vip).orElse("none"), "the master answers for the VIP");

        int mark = low.mark();
        long killed = System.nanoTime();
        high.kill();
        CarpNode.Transition takeover = low.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        Measured.report("failover keepalived -> keepalived after SIGKILL (advert_int 1, prio 100)", killed,
                takeover.nanoTime());
        assertTrue(h1.holds(vip), "SIGKILL of the VRRP child leaves the VIP behind (no cleanup ran)");
        assertTrue(h2.awaitAddress(vip, true, Duration.ofSeconds(3)).isPresent(), "the new master added the VIP");

        // a clean stop sends priority 0: the other takes over at once, without waiting for master-down
        h1.ip("addr", "del", vip + "/" + CarpOptions.PREFIX_LENGTH, "dev", h1.ifname());
        KeepalivedNode back = KeepalivedNode.start(h1, config.priority(50));
        back.awaitState(BACKUP, ELECTION);
        mark = back.mark();
        long stopped = System.nanoTime();
        low.stop(Duration.ofSeconds(5));
        CarpNode.Transition handover = back.awaitTransition(mark, MASTER, Duration.ofSeconds(5));
        Measured.report("keepalived SIGTERM (priority 0) -> other keepalived master", stopped, handover.nanoTime());
        assertTrue(h2.awaitAddress(vip, false, Duration.ofSeconds(3)).isPresent(), "SIGTERM removed the VIP");
        assertTrue(low.process().linesMatching(java.util.regex.Pattern.compile("sent 0 priority")).size() > 0,
                "keepalived says it sent priority 0:\n" + low.process().transcript());
        assertEquals(java.util.List.of(), high.problems(), "no complaints");
        assertEquals(java.util.List.of(), low.problems(), "no complaints");
        assertEquals(java.util.List.of(), back.problems(), "no complaints");
    }

    @Test
    void shouldSeeAPasswordMismatchInKeepalivedsLogWithVrrpV2() {
        KeepalivedConfig config = KeepalivedConfig.defaults().version(2);
        KeepalivedNode master = KeepalivedNode.start(lab.host("n1"), config.priority(200).password("right"));
        master.awaitState(MASTER, ELECTION);
        KeepalivedNode other = KeepalivedNode.start(lab.host("n2"), config.priority(100).password("wrong"));
        // the log check must be able to fail: a wrong password is reported, and the other node does not hear the
        // master, so it becomes master too
        other.awaitState(MASTER, ELECTION);
        assertTrue(!other.problems().isEmpty(), "keepalived logs the wrong password:\n" + other.process().transcript());
    }

    @Test
    void shouldCountKeepalivedsPeriodicGratuitousArpsWithGarpMasterRefresh() {
        KeepalivedConfig config = KeepalivedConfig.defaults().garpMasterRefresh(1);
        try (Announcements arps = Announcements.watch(lab.host("cl"), config.vip())) {
            KeepalivedNode master = KeepalivedNode.start(lab.host("n1"), config.priority(200));
            master.awaitState(MASTER, ELECTION);
            Await.sleep(1000); // past keepalived's initial burst (5 gratuitous ARPs, then 5 more after 5 s by default)
            int mark = arps.mark();
            Await.sleep(3500);
            int refreshes = arps.countSince(mark);
            // one refresh a second (keepalived sends vrrp_garp_master_refresh_repeat = 1 each time)
            assertTrue(refreshes >= 3 && refreshes <= 10, refreshes + " announcements in 3.5 s: " + arps.lines());
            assertTrue(arps.sourceMacs().stream().allMatch(lab.host("n1").mac()::equals), arps.sourceMacs().toString());
        }
    }
}
