package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.Measured;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 30% loss of protocol-112 packets on the bridge (nftables {@code numgen}), three nodes with distinct advskews (0, 100,
 * 200), advbase 1 s, loss adaptation on (the default). About 90 s:
 *
 * <ol>
 *   <li>Warm-up, about 30 s with the election: exactly 3 in 10 of vhid 47's packets to each backup are dropped
 *       ({@code numgen inc}, never two in a row), so that each backup measures 30% loss over the 16 gaps it needs
 *       before it trusts its estimate, without the chance of a false takeover that random loss has in that phase
 *       (three lost adverts in a row under the plain 3-interval rule: 37% per backup, simulated, before its 17th
 *       heard advert).</li>
 *   <li>Measured phase, 55 s: 30% random loss of every protocol-112 packet ({@code numgen random mod 10 < 3}). Zero
 *       transitions of vhid 47 are expected: its backups now wait 10 intervals (0.3^10 = 6e-6 per window).</li>
 * </ol>
 *
 * <p>A control group, vhid 48, runs beside it in the measured phase with {@code adaptToLoss(false)} on its backup; its
 * takeovers are counted and printed, not asserted (about one a minute is expected).
 */
@LinuxRootTest("advert loss made with nftables between network namespaces")
class AdvertLossRootTest {
    private static final String VIP = FaultSegment.SUBNET + "100";
    private static final String CONTROL_VIP = FaultSegment.SUBNET + "101";
    private static final int VHID = 47;
    private static final int CONTROL_VHID = 48;
    private static final int WARM_UP_ADVERTS = 18;
    private static final long MEASURED_MILLIS = 55_000;

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static Host c;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private static NettyCarpRuntime runtimeC;
    private final StateLog log = new StateLog();

    @BeforeAll
    static void createNetwork() {
        lab = FaultSegment.create();
        a = lab.host("a", 1);
        b = lab.host("b", 2);
        c = lab.host("c", 3);
        runtimeA = lab.runtime(a);
        runtimeB = lab.runtime(b);
        runtimeC = lab.runtime(c);
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
    void shouldNotFlapAtThirtyPercentRandomAdvertLoss() {
        long begin = System.nanoTime();
        for (Host backup : List.of(b, c)) { // numgen inc counts per rule: one pattern per backup
            lab.addFault("oifname \"" + backup.port() + "\" ip protocol 112 @nh,168,8 " + VHID
                    + " numgen inc mod 10 { 1, 4, 7 } drop");
        }
        CarpGroup master = group(runtimeA, a, VHID, VIP, 0, true);
        CarpGroup control = group(runtimeA, a, CONTROL_VHID, CONTROL_VIP, 0, true);
        master.start();
        control.start();
        Await.await("a MASTER of both vhids", 10_000,
                () -> master.state() == CarpState.MASTER && control.state() == CarpState.MASTER, log::toString);
        CarpGroup backupB = group(runtimeB, b, VHID, VIP, 100, true);
        CarpGroup backupC = group(runtimeC, c, VHID, VIP, 200, true);
        backupB.start();
        backupC.start();
        Await.await(WARM_UP_ADVERTS + " adverts heard by each backup under the 3-in-10 pattern", 60_000,
                () -> backupB.stats().ipv4PacketsReceived() >= WARM_UP_ADVERTS
                        && backupC.stats().ipv4PacketsReceived() >= WARM_UP_ADVERTS, log::toString);
        long warmUpMillis = (System.nanoTime() - begin) / 1_000_000L;
        assertEquals(CarpState.BACKUP, backupB.state(), log.toString());
        assertEquals(CarpState.BACKUP, backupC.state(), log.toString());

        CarpGroup controlBackup = group(runtimeB, b, CONTROL_VHID, CONTROL_VIP, 100, false);
        controlBackup.start();
        Await.await("the control backup hears its master", 5_000,
                () -> controlBackup.state() == CarpState.BACKUP && controlBackup.stats().ipv4PacketsReceived() > 0,
                log::toString);

        lab.clearFaults();
        lab.addFault("ip protocol 112 numgen random mod 10 < 3 drop");
        long measured = System.nanoTime();
        long sent0 = master.stats().ipv4PacketsSent();
        long heardB0 = backupB.stats().ipv4PacketsReceived();
        long heardC0 = backupC.stats().ipv4PacketsReceived();
        long masterTransitions0 = master.stats().transitions();
        long transitionsB0 = backupB.stats().transitions();
        long transitionsC0 = backupC.stats().transitions();
        Await.sleep(MEASURED_MILLIS);
        long sent = master.stats().ipv4PacketsSent() - sent0;
        double lossB = 1 - (double) (backupB.stats().ipv4PacketsReceived() - heardB0) / sent;
        double lossC = 1 - (double) (backupC.stats().ipv4PacketsReceived() - heardC0) / sent;
        long flips = master.stats().transitions() - masterTransitions0 + backupB.stats().transitions()
                - transitionsB0 + backupC.stats().transitions() - transitionsC0;
        long controlTakeovers = log.since(CONTROL_VHID, b.ifname(), measured).stream()
                .filter(e -> e.to() == CarpState.MASTER).count();
        List<CarpStateEvent> during = log.since(VHID, a.ifname(), measured);

        Measured.figure("loss.warmUpMillis", warmUpMillis);
        Measured.figure("loss.measuredMillis", MEASURED_MILLIS);
        Measured.figure("loss.advertsSent", sent);
        Measured.figure("loss.measuredLossB", String.format(Locale.ROOT, "%.3f", lossB));
        Measured.figure("loss.measuredLossC", String.format(Locale.ROOT, "%.3f", lossC));
        Measured.figure("loss.adaptiveTransitions", flips);
        Measured.figure("loss.controlTakeoversWithoutAdaptation", controlTakeovers);
        assertTrue(sent >= 45, "the master sent " + sent + " adverts in " + MEASURED_MILLIS + " ms");
        assertTrue(lossB > 0.10 && lossB < 0.50 && lossC > 0.10 && lossC < 0.50, // 3 sigma over ~55 adverts
                "the loss actually applied must be about 30%: b " + lossB + ", c " + lossC);
        assertEquals(0, flips, "transitions of vhid " + VHID + " under 30% loss: " + log);
        assertEquals(List.of(), during, log.toString());
        assertEquals(CarpState.MASTER, master.state());
        assertEquals(List.of("a"), lab.holders(VIP));
    }

    private CarpGroup group(NettyCarpRuntime runtime, Host host, int vhid, String vip, int advskew,
                            boolean adaptToLoss) {
        CarpGroupBuilder builder = CarpGroup.builder().runtime(runtime).interfaceName(host.ifname()).vhid(vhid)
                .password("flt-secret").virtualAddress(vip).advbase(1).advskew(advskew).adaptToLoss(adaptToLoss)
                .onStateChange(log);
        return lab.closeAfterTest(builder.build());
    }
}
