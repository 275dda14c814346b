package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.Await;
import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.Election;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.Measured;
import io.carp.netty.testing.UcarpNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The library against the real ucarp 1.5.2, both ways round: each accepts the other's advertisements (no "Bad digest"
 * from ucarp, no BAD_AUTH drop in the library), a backup stays backup while the master lives and takes over when it
 * is killed, preemption works both ways, and a wrong password is refused by both.
 */
@LinuxRootTest(ucarp = true)
class UcarpInteropTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration ELECTION = Duration.ofSeconds(15);
    /** ucarp reacts more slowly than its timers (libpcap's 1 s buffer): about 5 s in the lab, so allow 15. */
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    /** Longer than any master-down interval here (3 s + skew), so a backup that ignored the adverts would show it. */
    private static final Duration WATCH = Duration.ofSeconds(5);
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
    void shouldFollowAUcarpMasterAndTakeOverWhenItIsKilled() {
        UcarpNode ucarp = UcarpNode.start(lab.host("n1"), OPTIONS.advskew(0));
        ucarp.awaitState(MASTER, ELECTION);
        LibraryNode library = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(100)).awaitStarted(START);

        Election.assertStable(WATCH, List.of(ucarp, library));
        assertEquals(BACKUP, library.state());
        Map<String, String> stats = library.stats();
        assertTrue(Long.parseLong(stats.get("rx4")) >= 3,
                "the library accepted ucarp's advertisements: " + stats);
        assertEquals("0", stats.get("drop_bad_auth"), "the library verified ucarp's HMAC: " + stats);
        assertEquals(0, ucarp.badDigests(), "ucarp logged no Bad digest");
        assertTrue(lab.host("n1").holds(VIP) && !lab.host("n2").holds(VIP), "only ucarp's host holds the VIP");

        int mark = library.mark();
        long killed = System.nanoTime();
        ucarp.kill();
        CarpNode.Transition takeover = library.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("failover ucarp -> library after SIGKILL", killed, takeover.nanoTime());
        assertEquals("master timed out", takeover.reason());
        assertTrue(lab.host("n2").awaitAddress(VIP, true, Duration.ofSeconds(2)).isPresent(),
                "the library holds the VIP");
    }

    @Test
    void shouldBeFollowedByAUcarpBackupAndReplacedWhenKilled() {
        LibraryNode library = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(0));
        library.awaitState(MASTER, START.plus(ELECTION));
        UcarpNode ucarp = UcarpNode.start(lab.host("n2"), OPTIONS.advskew(100));
        ucarp.awaitState(BACKUP, ELECTION);

        Election.assertStable(WATCH, List.of(library, ucarp));
        assertEquals(BACKUP, ucarp.state(), "ucarp accepted the library's advertisements and stayed BACKUP");
        assertEquals(0, ucarp.badDigests(), "ucarp verified the library's HMAC (no Bad digest)");
        assertEquals(0, library.stat("drop_bad_auth"), "no BAD_AUTH drop in the library: " + library.stats());
        assertTrue(lab.host("n1").holds(VIP) && !lab.host("n2").holds(VIP), "only the library's host holds the VIP");

        int mark = ucarp.mark();
        long killed = System.nanoTime();
        library.kill();
        CarpNode.Transition takeover = ucarp.awaitTransition(mark, MASTER, FAILOVER);
        Measured.report("failover library -> ucarp after SIGKILL", killed, takeover.nanoTime());
        assertTrue(lab.host("n2").awaitAddress(VIP, true, Duration.ofSeconds(3)).isPresent(),
                "ucarp's script added the VIP");
    }

    @Test
    void shouldPreemptASlowerUcarpMasterWhenTheLibraryPreempts() {
        UcarpNode ucarp = UcarpNode.start(lab.host("n1"), OPTIONS.advskew(100));
        ucarp.awaitState(MASTER, ELECTION);
        int ucarpMark = ucarp.mark();
        LibraryNode library = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(0).preempt(true)).awaitStarted(START);

        CarpNode.Transition takeover = library.awaitTransition(0, MASTER, ELECTION);
        assertTrue(takeover.reason().startsWith("preempting slower master " + lab.host("n1").address()),
                "the library preempted ucarp: " + takeover);
        ucarp.awaitTransition(ucarpMark, BACKUP, ELECTION);
        Election.assertStable(WATCH, List.of(ucarp, library));
        assertEquals(MASTER, library.state());
        assertEquals(BACKUP, ucarp.state());
        assertEquals(0, ucarp.badDigests(), "ucarp logged no Bad digest");
        assertEquals(0, library.stat("drop_bad_auth"), "no BAD_AUTH drop in the library: " + library.stats());
        assertTrue(lab.host("n1").awaitAddress(VIP, false, Duration.ofSeconds(3)).isPresent(),
                "ucarp's down script removed the VIP");
        assertTrue(lab.host("n2").holds(VIP), "the library holds the VIP");
    }

    @Test
    void shouldYieldToAFasterUcarpWhenUcarpPreempts() {
        LibraryNode library = LibraryNode.start(lab.host("n1"), OPTIONS.advskew(100));
        library.awaitState(MASTER, START.plus(ELECTION));
        int libraryMark = library.mark();
        UcarpNode ucarp = UcarpNode.start(lab.host("n2"), OPTIONS.advskew(0).preempt(true));

        ucarp.awaitTransition(0, MASTER, ELECTION);
        CarpNode.Transition yielded = library.awaitTransition(libraryMark, BACKUP, ELECTION);
        assertTrue(yielded.reason().startsWith("preempted by " + lab.host("n2").address()),
                "the library yielded to ucarp's faster advertisements: " + yielded);
        Election.assertStable(WATCH, List.of(ucarp, library));
        assertEquals(MASTER, ucarp.state());
        assertEquals(BACKUP, library.state());
        Map<String, String> stats = library.stats();
        assertTrue(Long.parseLong(stats.getOrDefault("rx4", "0")) >= 3, "the library hears ucarp: " + stats);
        assertEquals("0", stats.get("drop_bad_auth"), "no BAD_AUTH drop in the library: " + stats);
        assertEquals(0, ucarp.badDigests(), "ucarp logged no Bad digest");
        assertFalse(lab.host("n1").holds(VIP), "the library released the VIP");
        assertTrue(lab.host("n2").holds(VIP), "ucarp's script added the VIP");
    }

    @Test
    void shouldRefuseEachOtherAndBothStayMasterWhenThePasswordsDiffer() {
        UcarpNode ucarp = UcarpNode.start(lab.host("n1"), OPTIONS.advskew(0));
        LibraryNode library = LibraryNode.start(lab.host("n2"), OPTIONS.advskew(100).password("not-the-same"));
        library.awaitStarted(START);
        ucarp.awaitState(MASTER, ELECTION);
        library.awaitState(MASTER, ELECTION);

        int ucarpBefore = ucarp.transitions().size();
        int libraryBefore = library.transitions().size();
        Await.sleep(10_000);
        assertEquals(ucarpBefore, ucarp.transitions().size(),
                "ucarp did not flap over 10 s: " + ucarp.transitions());
        assertEquals(libraryBefore, library.transitions().size(),
                "the library did not flap over 10 s: " + library.transitions());
        assertEquals(MASTER, ucarp.state());
        assertEquals(MASTER, library.state());
        assertTrue(ucarp.badDigests() >= 3, "ucarp refused the library's adverts (Bad digest): " + ucarp.badDigests());
        Map<String, String> stats = library.stats();
        assertTrue(Long.parseLong(stats.get("drop_bad_auth")) >= 3,
                "the library refused ucarp's adverts and counted BAD_AUTH: " + stats);
        assertEquals("0", stats.get("rx4"), "the library accepted none of ucarp's adverts: " + stats);
    }
}
