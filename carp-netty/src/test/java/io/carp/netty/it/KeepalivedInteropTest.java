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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * carp4j's VRRP groups next to the real keepalived (2.2.7) on one segment, configured alike (same VRID, interval,
 * addresses, password): each accepts the other's adverts (keepalived logs no complaint, carp4j drops nothing), and
 * failover works both ways within the protocol's bounds (RFC 9568 section 6.1: Master_Down_Interval =
 * 3 * interval + Skew_Time, Skew_Time = (256 - priority) * interval / 256; RFC 3768 for VRRPv2, skew in seconds).
 * The bounds are asserted with a margin for the loaded CI machine; the measured times are printed.
 */
@LinuxRootTest(value = "carp4j and keepalived in namespaces", ping = true, programs = "keepalived")
class KeepalivedInteropTest {
    private static final Duration START = Duration.ofSeconds(20);
    /** Slack on the protocol bounds: process scheduling on a shared 2-core CI machine, log line delivery. */
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

    private static KeepalivedConfig config(String variant) {
        KeepalivedConfig base = KeepalivedConfig.defaults();
        return switch (variant) {
            case "v3" -> base;
            case "v2" -> base.version(2);
            case "v2-pass" -> base.version(2).password("cit-pw");
            case "v3-ipv6" -> base.virtualAddresses(KeepalivedConfig.VIP6 + "/64");
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private static long masterDownMs(KeepalivedConfig k, int backupPriority) {
        double interval = k.advertIntCentis() / 100.0;
        double skew = k.version() == 3 ? (256 - backupPriority) * interval / 256 : (256 - backupPriority) / 256.0;
        return Math.round((3 * interval + skew) * 1000);
    }

    private static long skewMs(KeepalivedConfig k, int backupPriority) {
        double interval = k.advertIntCentis() / 100.0;
        return Math.round((k.version() == 3 ? (256 - backupPriority) * interval / 256 : (256 - backupPriority) / 256.0)
                * 1000);
    }

    private static void assertNoDrops(LibraryNode node) {
        Map<String, String> stats = node.stats();
        for (String reason : List.of("bad_ttl", "bad_version", "bad_checksum", "bad_auth", "bad_interval",
                "bad_address_list", "short")) {
            assertEquals("0", stats.getOrDefault("drop_" + reason, "0"), reason + " drops: " + stats);
        }
        assertTrue(node.stat("rx4") + node.stat("rx6") > 0 || stats.get("state").equals(MASTER),
                "carp4j received keepalived's adverts: " + stats);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v3", "v2", "v2-pass", "v3-ipv6"})
    void shouldStayBackupBehindKeepalivedThenTakeOverOnSigkillAndGiveBackToAHigherPriority(String variant) {
        KeepalivedConfig k = config(variant);
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        KeepalivedNode keepalived = KeepalivedNode.start(h1, k.priority(200));
        keepalived.awaitState(MASTER, START);
        LibraryNode carp4j = KeepalivedConfig.startLibrary(h2, k.priority(100)).awaitStarted(START);
        assertTrue(carp4j.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "carp4j stays BACKUP behind keepalived: " + carp4j.transitions());
        assertEquals(BACKUP, carp4j.state());
        assertNoDrops(carp4j);
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
        if (!k.ipv6()) {
            assertTrue(lab.host("cl").pingUntilReply(k.vip(), Duration.ofSeconds(3)), "keepalived answers");
        }

        int mark = carp4j.mark();
        long killed = System.nanoTime();
        keepalived.kill();
        CarpNode.Transition takeover = carp4j.awaitTransition(mark, MASTER, Duration.ofSeconds(15));
        Duration took = Measured.report("VRRP " + variant + ": keepalived SIGKILL -> carp4j MASTER", killed,
                takeover.nanoTime());
        long bound = masterDownMs(k, 100);
        assertTrue(took.toMillis() <= bound + MARGIN_MS, took.toMillis() + " ms > master-down " + bound + " ms");
        if (!k.ipv6()) {
            h1.ip("addr", "flush", "dev", h1.ifname(), "to", k.vip() + "/32"); // left behind by the SIGKILL
            assertTrue(lab.host("cl").pingUntilReply(k.vip(), Duration.ofSeconds(5)), "carp4j answers");
            assertEquals(h2.mac(), lab.host("cl").neighbourMac(k.vip()).orElse("none"), "carp4j announced itself");
        }

        mark = carp4j.mark();
        KeepalivedNode back = KeepalivedNode.start(h1, k.priority(250));
        back.awaitState(MASTER, START);
        carp4j.awaitTransition(mark, BACKUP, Duration.ofSeconds(10));
        assertEquals(List.of(), back.problems(), "keepalived complains about nothing");
        assertNoDrops(carp4j);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v3", "v2", "v3-ipv6"})
    void shouldKeepKeepalivedBackupThenHandOverOnACleanStopAndOnSigkill(String variant) {
        KeepalivedConfig k = config(variant);
        Host h1 = lab.host("n1");
        Host h2 = lab.host("n2");
        LibraryNode carp4j = KeepalivedConfig.startLibrary(h1, k.priority(200));
        carp4j.awaitTransition(0, MASTER, START);
        KeepalivedNode keepalived = KeepalivedNode.start(h2, k.priority(100));
        keepalived.awaitState(BACKUP, START);
        assertTrue(keepalived.transitionsDuring(Duration.ofSeconds(4)).isEmpty(),
                "keepalived stays BACKUP behind carp4j: " + keepalived.transitions());
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");

        // clean stop: carp4j sends priority 0, keepalived takes over after its skew time
        int mark = keepalived.mark();
        long stopped = System.nanoTime();
        carp4j.terminate();
        CarpNode.Transition handover = keepalived.awaitTransition(mark, MASTER, Duration.ofSeconds(10));
        Duration took = Measured.report("VRRP " + variant + ": carp4j SIGTERM (priority 0) -> keepalived MASTER",
                stopped, handover.nanoTime());
        long skew = skewMs(k, 100);
        assertTrue(took.toMillis() <= skew + MARGIN_MS, took.toMillis() + " ms > skew time " + skew + " ms");
        assertTrue(keepalived.process().linesMatching(java.util.regex.Pattern.compile("priority 0")).size() > 0,
                "keepalived saw the priority-0 advert:\n" + keepalived.process().transcript());

        // carp4j back with a higher priority preempts; then it dies without a word
        LibraryNode again = KeepalivedConfig.startLibrary(h1, k.priority(200));
        mark = keepalived.mark();
        again.awaitTransition(0, MASTER, START);
        keepalived.awaitTransition(mark, BACKUP, Duration.ofSeconds(10));
        mark = keepalived.mark();
        long killed = System.nanoTime();
        again.kill();
        CarpNode.Transition takeover = keepalived.awaitTransition(mark, MASTER, Duration.ofSeconds(15));
        took = Measured.report("VRRP " + variant + ": carp4j SIGKILL -> keepalived MASTER", killed,
                takeover.nanoTime());
        long bound = masterDownMs(k, 100);
        assertTrue(took.toMillis() <= bound + MARGIN_MS, took.toMillis() + " ms > master-down " + bound + " ms");
        assertEquals(List.of(), keepalived.problems(), "keepalived complains about nothing");
    }
}
