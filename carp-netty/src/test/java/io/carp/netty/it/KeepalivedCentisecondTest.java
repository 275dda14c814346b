package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.BACKUP;
import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.CarpNode;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VRRPv3 at 5 centiseconds (keepalived {@code advert_int 0.05}, carp4j {@code advertisementInterval(50 ms)}): no false
 * takeover in 60 s without faults, and failover both ways within Master_Down_Interval (3 * 50 ms + skew, about
 * 180 ms) plus a margin for the shared CI machine.
 */
@LinuxRootTest(value = "carp4j and keepalived at 50 ms", programs = "keepalived")
class KeepalivedCentisecondTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final long MARGIN_MS = 1000;
    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(2);
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    private static long masterDownMs(int backupPriority) {
        return Math.round((3 * 0.05 + (256 - backupPriority) * 0.05 / 256) * 1000);
    }

    @Test
    void shouldHoldStillForAMinuteAndFailOverBothWaysAtFiftyMilliseconds() {
        KeepalivedConfig k = KeepalivedConfig.defaults().advertInt("0.05");
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        KeepalivedNode keepalived = KeepalivedNode.start(h1, k.priority(200));
        keepalived.awaitState(MASTER, START);
        LibraryNode carp4j = KeepalivedConfig.startLibrary(h2, k.priority(100)).awaitStarted(START);
        int keepalivedMark = keepalived.mark();
        List<CarpNode.Transition> flips = carp4j.transitionsDuring(Duration.ofSeconds(60));
        assertEquals(List.of(), flips, "carp4j stays BACKUP for 60 s at 50 ms adverts");
        assertTrue(keepalived.transitions().stream().noneMatch(t -> t.line() >= keepalivedMark),
                "keepalived stays MASTER for the minute: " + keepalived.transitions());
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
        assertTrue(carp4j.stat("rx4") > 1000, "about 20 adverts a second reached carp4j: " + carp4j.stats());

        int mark = carp4j.mark();
        long killed = System.nanoTime();
        keepalived.kill();
        CarpNode.Transition takeover = carp4j.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        Duration took = Measured.report("VRRPv3 50 ms: keepalived SIGKILL -> carp4j MASTER", killed,
                takeover.nanoTime());
        assertTrue(took.toMillis() <= masterDownMs(100) + MARGIN_MS,
                took.toMillis() + " ms > master-down " + masterDownMs(100) + " ms + margin");

        KeepalivedNode back = KeepalivedNode.start(h1, k.priority(50));
        back.awaitState(BACKUP, START);
        assertTrue(back.transitionsDuring(Duration.ofSeconds(5)).isEmpty(), "keepalived stays BACKUP behind carp4j");
        mark = back.mark();
        killed = System.nanoTime();
        carp4j.kill();
        takeover = back.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        took = Measured.report("VRRPv3 50 ms: carp4j SIGKILL -> keepalived MASTER", killed, takeover.nanoTime());
        assertTrue(took.toMillis() <= masterDownMs(50) + MARGIN_MS,
                took.toMillis() + " ms > master-down " + masterDownMs(50) + " ms + margin");
        assertEquals(List.of(), back.problems(), "keepalived complains about nothing");
    }
}
