package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.Election;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.Measured;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Library nodes ({@code NettyCarpRuntime} in separate JVMs, one per namespace) electing, failing over, preempting and
 * bowing out on a real layer-2 segment. Times are printed ({@code MEASURED ...}), never asserted tightly: with advbase
 * 1 s the master-down interval is about 3 s, and every wait here allows 10 s or more.
 */
@LinuxRootTest
class LibraryFailoverTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration ELECTION = Duration.ofSeconds(15);
    private static final Duration FAILOVER = Duration.ofSeconds(10);
    private static final CarpOptions OPTIONS = CarpOptions.defaults();
    private static final String VIP = OPTIONS.vip();

    private LiveLab lab;

    @AfterEach
    void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldElectOneMasterAndFailOverWhenTheMasterOfTwoIsKilled() {
        lab = CarpOptions.lab(2);
        List<LibraryNode> nodes = startAll(0, 100);
        CarpNode master = Election.awaitSingleMaster(ELECTION, nodes);
        assertOnlyMasterHoldsVip(master, nodes);
        CarpNode backup = other(nodes, master);

        int mark = backup.mark();
        long killed = System.nanoTime();
        master.kill();
        CarpNode.Transition takeover = backup.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("failover library -> library (2 nodes) after SIGKILL", killed, takeover.nanoTime());
        assertEquals("master timed out", takeover.reason());
        assertTrue(backup.host().awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(),
                "the new master holds the VIP");
    }

    @Test
    void shouldKeepOneMasterWhenTheMasterOfThreeIsKilled() {
        lab = CarpOptions.lab(3);
        List<LibraryNode> nodes = startAll(0, 100, 200);
        CarpNode master = Election.awaitSingleMaster(ELECTION, nodes);
        assertOnlyMasterHoldsVip(master, nodes);

        List<CarpNode> survivors = new ArrayList<>(nodes);
        survivors.remove(master);
        long killed = System.nanoTime();
        master.kill();
        CarpNode next = Election.awaitSingleMaster(FAILOVER, survivors);
        Measured.report("failover library (3 nodes, " + master.name() + " killed, " + next.name() + " took over)",
                killed, next.transitions().get(next.transitions().size() - 1).nanoTime());
        assertTrue(next.host().awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(), "the new master holds the VIP");
        for (CarpNode n : survivors) {
            if (n != next) {
                assertFalse(n.host().holds(VIP), n.name() + " is BACKUP and must not hold the VIP");
            }
        }
    }

    @Test
    void shouldLetARestartedFasterNodeTakeOverWhenItPreempts() {
        lab = CarpOptions.lab(2);
        LibraryNode fast = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(0));
        fast.awaitState(MASTER, START.plus(ELECTION));
        LibraryNode slow = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(100)).awaitStarted(START);
        Election.assertStable(Duration.ofSeconds(2), List.of(fast, slow));

        int mark = slow.mark();
        fast.kill();
        slow.awaitTransition(mark, MASTER, FAILOVER);

        int slowMark = slow.mark();
        LibraryNode restarted = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(0).preempt(true));
        restarted.awaitStarted(START);
        long started = restarted.transitions().get(0).nanoTime();
        CarpNode.Transition takeover = restarted.awaitTransition(0, MASTER, ELECTION);
        Measured.report("preemption by a restarted faster library node (from its start)", started, takeover.nanoTime());
        assertTrue(takeover.reason().startsWith("preempting slower master"),
                "the restarted node preempted instead of timing out: " + takeover);
        CarpNode.Transition yielded = slow.awaitTransition(slowMark, BACKUP, FAILOVER);
        assertTrue(yielded.reason().startsWith("preempted by"), "the slower master yielded: " + yielded);
        Election.assertStable(Duration.ofSeconds(2), List.of(restarted, slow));
        assertTrue(slow.host().awaitAddress(VIP, false, Duration.ofSeconds(2)).isPresent(),
                "the preempted node released the VIP");
        assertTrue(restarted.host().holds(VIP), "the preempting node holds the VIP");
    }

    @Test
    void shouldHandOverAtOnceWhenTheMasterBowsOutOnSigterm() {
        lab = CarpOptions.lab(2);
        List<LibraryNode> nodes = startAll(0, 100);
        CarpNode master = Election.awaitSingleMaster(ELECTION, nodes);
        CarpNode backup = other(nodes, master);

        int mark = backup.mark();
        long terminated = System.nanoTime();
        master.terminate();
        CarpNode.Transition takeover = backup.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("bow-out handover library -> library after SIGTERM", terminated, takeover.nanoTime());
        assertTrue(takeover.reason().startsWith("bow-out received from " + master.host().address()),
                "the backup took over on the bow-out advertisement, not on its timer: " + takeover);
        master.process().awaitExit(10_000);
        assertTrue(master.process().lines().stream().anyMatch(l -> l.text().startsWith("STOPPED ")),
                "the old master ran its shutdown (group and runtime closed) to the end:\n" + master.process().transcript());
        assertFalse(master.host().holds(VIP), "the old master released the VIP on close");
        assertTrue(backup.host().awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(),
                "the new master holds the VIP");
    }

    private List<LibraryNode> startAll(int... skews) {
        List<LibraryNode> nodes = new ArrayList<>();
        for (int i = 0; i < skews.length; i++) {
            nodes.add(LibraryNode.start(lab.host("n" + (i + 1)), OPTIONS.advskew(skews[i])));
        }
        for (LibraryNode n : nodes) {
            n.awaitStarted(START);
        }
        return nodes;
    }

    private static CarpNode other(List<? extends CarpNode> two, CarpNode one) {
        assertEquals(2, two.size());
        return two.get(0) == one ? two.get(1) : two.get(0);
    }

    private static void assertOnlyMasterHoldsVip(CarpNode master, List<? extends CarpNode> nodes) {
        assertTrue(master.host().awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(),
                master.name() + " is MASTER and must hold the VIP");
        for (CarpNode n : nodes) {
            if (n != master) {
                assertFalse(n.host().holds(VIP), n.name() + " is BACKUP and must not hold the VIP");
            }
        }
        assertSame(master, nodes.stream().filter(n -> n.host().holds(VIP)).findFirst().orElseThrow());
    }
}
