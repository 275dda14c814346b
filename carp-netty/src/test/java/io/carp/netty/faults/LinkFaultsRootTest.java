package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ip link set dev X down/up} inside a node's namespace, on the master and on the backup. Two in-JVM nodes:
 * a (advskew 0) and b (advskew 100), advbase 1 s.
 */
@LinuxRootTest("interfaces set down and up in network namespaces")
class LinkFaultsRootTest {
    private static final String VIP = FaultSegment.SUBNET + "100";

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final StateLog log = new StateLog();

    @BeforeAll
    static void createNetwork() {
        lab = FaultSegment.create();
        a = lab.host("a", 1);
        b = lab.host("b", 2);
        runtimeA = lab.runtime(a);
        runtimeB = lab.runtime(b);
    }

    @AfterEach
    void endTest() {
        lab.endTest();
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldReleaseOnMasterLinkDownAndRejoinAsBackupWhenUpWithoutPreempt() {
        int vhid = 43;
        CarpGroup[] g = electA(vhid, false);

        long down = System.nanoTime();
        lab.link(a, false);
        assertEquals("link down", log.await(vhid, a.ifname(), CarpState.INIT, down, 3_000).reason());
        Await.await("a removes the VIP (the kernel keeps IPv4 addresses on a down link)", 3_000,
                () -> !a.holds(VIP), () -> "addresses of a: " + a.addresses());
        CarpStateEvent takeover = log.await(vhid, b.ifname(), CarpState.MASTER, down, 6_000);
        assertEquals("master timed out", takeover.reason());
        Await.await("the VIP on b only", 3_000, () -> lab.holders(VIP).equals(List.of("b")),
                () -> "holders " + lab.holders(VIP));

        long up = System.nanoTime();
        lab.link(a, true);
        assertEquals("link up", log.await(vhid, a.ifname(), CarpState.BACKUP, up, 3_000).reason());
        Await.sleep(3_000); // more than two adverts of b, which advertises slower than a
        assertEquals(CarpState.BACKUP, g[0].state(), "without preempt a must stay BACKUP: " + log);
        assertEquals(CarpState.MASTER, g[1].state());
        assertEquals(1, log.since(vhid, a.ifname(), up).size(), log.toString());
        assertEquals(List.of("b"), lab.holders(VIP));
        Measured.figure("linkDown.masterToInitMillis",
                StateLog.millisBetween(down, log.since(vhid, a.ifname(), down).get(0)));
        Measured.figure("linkDown.backupTakeoverMillis", StateLog.millisBetween(down, takeover));
    }

    @Test
    void shouldPreemptBackAfterLinkUpWhenPreemptIsOn() {
        int vhid = 44;
        CarpGroup[] g = electA(vhid, true);

        long down = System.nanoTime();
        lab.link(a, false);
        log.await(vhid, a.ifname(), CarpState.INIT, down, 3_000);
        log.await(vhid, b.ifname(), CarpState.MASTER, down, 6_000);

        long up = System.nanoTime();
        lab.link(a, true);
        assertEquals("link up", log.await(vhid, a.ifname(), CarpState.BACKUP, up, 3_000).reason());
        CarpStateEvent back = log.await(vhid, a.ifname(), CarpState.MASTER, up, 4_000);
        assertEquals("preempting slower master " + b.address(), back.reason());
        assertEquals("preempted by " + a.address(),
                log.await(vhid, b.ifname(), CarpState.BACKUP, up, 3_000).reason());
        Await.await("the VIP on a only", 3_000, () -> lab.holders(VIP).equals(List.of("a")),
                () -> "holders " + lab.holders(VIP));
        Await.sleep(1_500);
        assertEquals(CarpState.MASTER, g[0].state());
        assertEquals(CarpState.BACKUP, g[1].state());
        assertEquals(List.of("a"), lab.holders(VIP));
        Measured.figure("linkUp.preemptBackMillis", StateLog.millisBetween(up, back));
    }

    @Test
    void shouldLeaveMasterUndisturbedWhenBackupLinkGoesDownAndUp() {
        int vhid = 45;
        CarpGroup[] g = electA(vhid, false);
        long masterTransitions = g[0].stats().transitions();

        long down = System.nanoTime();
        lab.link(b, false);
        assertEquals("link down", log.await(vhid, b.ifname(), CarpState.INIT, down, 3_000).reason());
        Await.sleep(1_500);
        long up = System.nanoTime();
        lab.link(b, true);
        assertEquals("link up", log.await(vhid, b.ifname(), CarpState.BACKUP, up, 3_000).reason());
        Await.sleep(4_000); // longer than b's master-down interval (3.39 s): b must hear a and stay BACKUP
        assertEquals(CarpState.BACKUP, g[1].state(), log.toString());
        assertEquals(1, log.since(vhid, b.ifname(), up).size(), log.toString());
        assertEquals(CarpState.MASTER, g[0].state());
        assertEquals(masterTransitions, g[0].stats().transitions(), "the master must not move: " + log);
        assertTrue(g[1].stats().ipv4PacketsReceived() > 0);
        assertEquals(List.of("a"), lab.holders(VIP));
    }

    /** Starts a (advskew 0) and then b (advskew 100), and waits until a is MASTER with the VIP and b hears it. */
    private CarpGroup[] electA(int vhid, boolean preempt) {
        CarpGroup groupA = group(runtimeA, a, vhid, 0, preempt);
        CarpGroup groupB = group(runtimeB, b, vhid, 100, preempt);
        groupA.start();
        groupB.start();
        Await.await("a MASTER with the VIP, b BACKUP hearing it", 10_000,
                () -> groupA.state() == CarpState.MASTER && groupB.state() == CarpState.BACKUP
                        && groupB.stats().ipv4PacketsReceived() > 0 && lab.holders(VIP).equals(List.of("a")),
                log::toString);
        return new CarpGroup[] {groupA, groupB};
    }

    private CarpGroup group(NettyCarpRuntime runtime, Host host, int vhid, int advskew, boolean preempt) {
        return lab.closeAfterTest(CarpGroup.builder().runtime(runtime).interfaceName(host.ifname()).vhid(vhid)
                .password("flt-secret").virtualAddress(VIP).advbase(1).advskew(advskew).preempt(preempt)
                .onStateChange(log).build());
    }
}
