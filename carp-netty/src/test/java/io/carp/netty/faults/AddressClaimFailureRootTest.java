package io.carp.netty.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel refuses the virtual address: it rejects a secondary address whose scope differs from that of its
 * subnet's primary, so {@code RTM_NEWADDR} fails with EINVAL ("ipv4: Invalid scope value"), every time. Node a gets
 * such a primary with scope link, either before it claims the VIP 198.18.110.200 (a /25 that the runtime picks as the
 * most specific subnet containing the VIP) or while it is MASTER (its own /24 comes back with scope link, so renewing
 * the VIP fails). Node b (198.18.110.2/24) is healthy.
 */
@LinuxRootTest("an address the kernel refuses, in a network namespace")
class AddressClaimFailureRootTest {
    private static final String VIP = FaultSegment.SUBNET + "200";
    private static final String CONFLICT = FaultSegment.SUBNET + "129/25";

    private static LiveLab lab;
    private static Host a;
    private static Host b;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final StateLog log = new StateLog();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger groupLogger = Logger.getLogger(CarpGroup.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

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
        groupLogger.removeHandler(handler);
        lab.endTest();
        LiveLab.run(false, "ip", "-n", a.ns(), "-4", "addr", "flush", "dev", a.ifname()); // back to .1/24 alone
        lab.ip(a.ns(), "addr", "add", a.address() + "/24", "dev", a.ifname());
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldLogAndDemoteItselfSoHealthyPeerTakesOverWhenAddressIsRefused() {
        int vhid = 50;
        groupLogger.addHandler(handler);
        lab.ip(a.ns(), "addr", "add", CONFLICT, "dev", a.ifname(), "scope", "link");
        CarpGroup groupA = group(runtimeA, a, vhid, 0);
        groupA.start();
        Await.await("a MASTER, failing to add the VIP, demoted to 240", 8_000,
                () -> groupA.state() == CarpState.MASTER && groupA.demotion() == 240, log::toString);
        LogRecord error = records.stream().filter(r -> r.getLevel() == Level.WARNING
                && formatted(r).contains("could not add [" + VIP + "]")).findFirst().orElse(null);
        assertTrue(error != null, "no warning about the refused address; logged: " + records.stream()
                .map(AddressClaimFailureRootTest::formatted).toList());
        String message = formatted(error);
        assertTrue(message.contains("vhid " + vhid + "@" + a.ifname()), message);
        assertTrue(message.contains("RTM_NEWADDR " + VIP + "/25 on " + a.ifname() + ": EINVAL"), message);
        assertTrue(message.contains("Invalid scope value"), "the kernel's reason must be in the log: " + message);
        assertTrue(records.stream().anyMatch(r -> formatted(r).contains("demotion 0 -> 240")), records.toString());
        assertTrue(groupA.stats().addressFailures() >= 1);
        assertFalse(a.holds(VIP));

        long startB = System.nanoTime();
        CarpGroup groupB = group(runtimeB, b, vhid, 100);
        groupB.start();
        CarpStateEvent takeover = log.await(vhid, b.ifname(), CarpState.MASTER, startB, 5_000);
        assertTrue(takeover.reason().endsWith("is demoted (240 > 0)"), takeover.reason());
        long takeoverMillis = StateLog.millisBetween(startB, takeover); // a advertises every 1 + 240/256 s
        assertTrue(log.await(vhid, a.ifname(), CarpState.BACKUP, startB, 3_000).reason()
                .startsWith("demoted below " + b.address()));
        Await.await("the VIP on b only", 3_000, () -> lab.holders(VIP).equals(List.of("b")),
                () -> "holders " + lab.holders(VIP));
        Await.sleep(2_500);
        assertEquals(CarpState.BACKUP, groupA.state(), "a, demoted, must stay BACKUP: " + log);
        assertEquals(CarpState.MASTER, groupB.state());
        assertEquals(240, groupA.demotion());

        lab.ip(a.ns(), "addr", "del", CONFLICT, "dev", a.ifname());
        long bowOut = System.nanoTime();
        groupB.close();
        assertEquals("bow-out received from " + b.address(),
                log.await(vhid, a.ifname(), CarpState.MASTER, bowOut, 3_000).reason());
        Await.await("a holds the VIP and is no longer demoted", 3_000,
                () -> lab.holders(VIP).equals(List.of("a")) && groupA.demotion() == 0,
                () -> "holders " + lab.holders(VIP) + ", demotion " + groupA.demotion());
        Measured.figure("claimFailure.peerTakeoverMillis", takeoverMillis);
    }

    @Test
    void shouldDemoteItselfSoHealthyPeerTakesOverWhenAddressCannotBeRenewedAsMaster() {
        int vhid = 51;
        groupLogger.addHandler(handler);
        CarpGroup groupA = group(runtimeA, a, vhid, 0);
        CarpGroup groupB = group(runtimeB, b, vhid, 100);
        groupA.start();
        groupB.start();
        Await.await("a MASTER with the VIP, b BACKUP", 10_000,
                () -> groupA.state() == CarpState.MASTER && groupB.state() == CarpState.BACKUP
                        && groupB.stats().ipv4PacketsReceived() > 0 && lab.holders(VIP).equals(List.of("a")),
                log::toString);

        // The VIP (a /24 secondary) goes with its primary; the primary comes back with scope link, so the kernel
        // refuses to put the VIP back into its subnet: every renewal fails from now on.
        long broken = System.nanoTime();
        lab.ip(a.ns(), "addr", "del", a.address() + "/24", "dev", a.ifname());
        while (a.holds(VIP)) { // a renewal slipped in between: it made the VIP the primary of the /24
            lab.ip(a.ns(), "addr", "del", VIP + "/24", "dev", a.ifname());
        }
        lab.ip(a.ns(), "addr", "add", a.address() + "/24", "dev", a.ifname(), "scope", "link");
        CarpStateEvent takeover = log.await(vhid, b.ifname(), CarpState.MASTER, broken, 5_000);
        assertTrue(takeover.reason().endsWith("is demoted (240 > 0)"), takeover.reason());
        assertEquals(240, groupA.demotion());
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                && formatted(r).contains("could not refresh [" + VIP + "]")
                && formatted(r).contains("Invalid scope value")), records.toString());
        Await.await("the VIP on b only", 3_000, () -> lab.holders(VIP).equals(List.of("b")),
                () -> "holders " + lab.holders(VIP));
        Await.sleep(2_000);
        assertEquals(CarpState.BACKUP, groupA.state(), log.toString());
        assertEquals(CarpState.MASTER, groupB.state());
        Measured.figure("renewFailure.peerTakeoverMillis", StateLog.millisBetween(broken, takeover));
    }

    private CarpGroup group(NettyCarpRuntime runtime, Host host, int vhid, int advskew) {
        return lab.closeAfterTest(CarpGroup.builder().runtime(runtime).interfaceName(host.ifname()).vhid(vhid)
                .password("flt-secret").virtualAddress(VIP).advbase(1).advskew(advskew).onStateChange(log)
                .build());
    }

    private static String formatted(LogRecord r) {
        String message = r.getMessage();
        Object[] params = r.getParameters();
        if (params != null && params.length > 0) {
            message = java.text.MessageFormat.format(message, params);
        }
        return message;
    }
}
