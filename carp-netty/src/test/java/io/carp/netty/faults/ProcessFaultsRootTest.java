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
import io.carp.netty.testing.LiveNodeMain;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Measured;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The master is a child JVM ({@code LiveNodeMain}, advskew 0) that the test freezes with SIGSTOP, thaws with
 * SIGCONT, or kills with SIGKILL; the backup (advskew 100) runs in this JVM. Advbase 1 s: the backup's master-down
 * interval is 3 + 100/256 = 3.39 s, and the master's address lifetime is 4 s (master-down 3 s + one interval),
 * renewed every second advert.
 */
@LinuxRootTest("SIGSTOP, SIGCONT and SIGKILL of a master JVM in a network namespace")
class ProcessFaultsRootTest {
    private static final String VIP = FaultSegment.SUBNET + "100";
    private static final long JVM_START_MILLIS = 30_000;

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static NettyCarpRuntime runtimeB;
    private final StateLog log = new StateLog();

    @BeforeAll
    static void createNetwork() {
        lab = FaultSegment.create();
        a = lab.host("a", 1);
        b = lab.host("b", 2);
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
    void shouldTakeOverWhileMasterIsStoppedAndConvergeToOneMasterAfterContinue() throws Exception {
        int vhid = 41;
        LiveProcess master = lab.closeAfterTest(LiveProcess.javaIn("node@a", a.ns(), LiveNodeMain.class,
                node(vhid)));
        master.await("STATE " + vhid + " BACKUP MASTER", 0, JVM_START_MILLIS);
        CarpGroup backup = startBackup(vhid);

        long stop = System.nanoTime();
        master.signal("STOP");
        CarpStateEvent takeover = log.await(vhid, b.ifname(), CarpState.MASTER, stop, 8_000);
        assertEquals("master timed out", takeover.reason());
        long takeoverMillis = StateLog.millisBetween(stop, takeover);
        Await.await("the stopped master's copy of the VIP expires and only the backup holds it", 8_000,
                () -> lab.holders(VIP).equals(List.of("b")), () -> "holders " + lab.holders(VIP));
        long stoppedMillis = (System.nanoTime() - stop) / 1_000_000L;

        long cont = System.nanoTime();
        master.signal("CONT");
        CarpStateEvent yielded = log.await(vhid, b.ifname(), CarpState.BACKUP, cont, 3_000);
        assertEquals("preempted by " + a.address(), yielded.reason());
        long convergeMillis = StateLog.millisBetween(cont, yielded);
        Await.await("the VIP only on the thawed master", 3_000,
                () -> lab.holders(VIP).equals(List.of("a")), () -> "holders " + lab.holders(VIP));
        long vipMillis = (System.nanoTime() - cont) / 1_000_000L;

        Await.sleep(2_500); // two more adverts of each: nothing moves any more
        assertEquals(List.of("a"), lab.holders(VIP));
        assertEquals(CarpState.BACKUP, backup.state());
        assertEquals(List.of(), master.since("STATE", cont), "the thawed master never left MASTER: " + master);
        assertEquals(List.of(yielded), log.since(vhid, b.ifname(), cont), log.toString());

        Measured.figure("sigstop.takeoverMillis", takeoverMillis);
        Measured.figure("sigstop.stoppedMillis", stoppedMillis);
        Measured.figure("sigcont.backupYieldsMillis", convergeMillis);
        Measured.figure("sigcont.vipOnOneNodeMillis", vipMillis);
        assertTrue(takeoverMillis <= 3_391 + 1_000, "takeover " + takeoverMillis + " ms after SIGSTOP");
    }

    @Test
    void shouldLetKernelExpireKilledMastersAddressAndLeaveItOnlyOnBackup() throws Exception {
        int vhid = 42;
        LiveProcess master = lab.closeAfterTest(LiveProcess.javaIn("node@a", a.ns(), LiveNodeMain.class,
                node(vhid)));
        master.await("STATE " + vhid + " BACKUP MASTER", 0, JVM_START_MILLIS);
        startBackup(vhid);
        long lifetime = a.validLifetime(VIP);
        assertTrue(lifetime >= 1 && lifetime <= 4, "valid_lft " + lifetime + " s (expected: the 3 s master-down"
                + " interval + one 1 s advert interval, renewed every second advert)");

        long kill = System.nanoTime();
        master.signal("KILL");
        assertTrue(master.awaitExit(5_000), "the master did not die");
        long expiryMillis = Await.await("the kernel removes the dead master's VIP", 10_000,
                () -> !a.holds(VIP), () -> "addresses of a: " + a.addresses());
        CarpStateEvent takeover = log.await(vhid, b.ifname(), CarpState.MASTER, kill, 8_000);
        assertEquals("master timed out", takeover.reason());
        Await.await("the VIP only on the backup", 3_000, () -> lab.holders(VIP).equals(List.of("b")),
                () -> "holders " + lab.holders(VIP));

        Measured.figure("sigkill.validLifetimeSeconds", lifetime);
        Measured.figure("sigkill.addressExpiredMillis", expiryMillis);
        Measured.figure("sigkill.takeoverMillis", StateLog.millisBetween(kill, takeover));
        assertTrue(expiryMillis <= lifetime * 1_000 + 2_000, "the VIP outlived its kernel lifetime (" + lifetime
                + " s) by far: " + expiryMillis + " ms");
    }

    /** Starts the in-JVM backup once the child is MASTER, and waits until it hears the master's adverts. */
    private CarpGroup startBackup(int vhid) {
        Await.await("the master holds the VIP", 5_000, () -> a.holds(VIP), () -> "" + a.addresses());
        CarpGroup backup = lab.closeAfterTest(CarpGroup.builder().runtime(runtimeB).interfaceName(b.ifname())
                .vhid(vhid).password("flt-secret").virtualAddress(VIP).advbase(1).advskew(100)
                .onStateChange(log).build());
        backup.start();
        Await.await("the backup hears the master", 5_000,
                () -> backup.state() == CarpState.BACKUP && backup.stats().ipv4PacketsReceived() >= 2,
                log::toString);
        return backup;
    }

    private static String[] node(int vhid) {
        return new String[] {"--interface", a.ifname(), "--vhid", String.valueOf(vhid), "--pass", "flt-secret",
                "--addr", VIP, "--advbase", "1", "--advskew", "0"};
    }
}
