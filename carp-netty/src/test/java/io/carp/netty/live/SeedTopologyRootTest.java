package io.carp.netty.live;

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
import io.carp.netty.testing.LiveLab.Plug;
import io.carp.netty.testing.LiveNodeMain;
import io.carp.netty.testing.LiveProcess;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's seed topology on one bridge: A is master of vhid 1 (a child JVM, so it can be SIGKILLed), B master of
 * vhid 2 (a runtime in this JVM), and C backs up both with advskew 100 in ONE runtime: two groups on one interface
 * sharing one socket. Killing A moves vhid 1, and only vhid 1, to C.
 */
@LinuxRootTest("the three-host seed topology")
class SeedTopologyRootTest {
    private static final String NS_A = "uni-s-a";
    private static final String NS_B = "uni-s-b";
    private static final String NS_C = "uni-s-c";
    private static final String NS_BR = "uni-s-br";
    private static final String IF_A = "unisa";
    private static final String IF_B = "unisb";
    private static final String IF_C = "unisc";
    private static final String VIP1 = "198.18.100.101";
    private static final String VIP2 = "198.18.100.102";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeB;
    private static NettyCarpRuntime runtimeC;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", new Plug(NS_A, IF_A, "198.18.100.1/24", "unispa"),
                new Plug(NS_B, IF_B, "198.18.100.2/24", "unispb"), new Plug(NS_C, IF_C, "198.18.100.3/24", "unispc"));
        runtimeB = lab.runtime(NS_B);
        runtimeC = lab.runtime(NS_C);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close(); // closes the runtimes first
        }
    }

    @Test
    void shouldMoveOnlyVhid1ToBackupOfBothWhenMasterAIsKilled() throws Exception {
        LiveProcess a = lab.java("host A", NS_A, LiveNodeMain.class, "-i", IF_A, "-v", "1", "-p", "seed-secret",
                "-a", VIP1, "-k", "0", "-P");
        CarpGroup b2 = group(runtimeB, IF_B, 2, 0, VIP2).preempt(true).build();
        CarpGroup c1 = group(runtimeC, IF_C, 1, 100, VIP1).build();
        CarpGroup c2 = group(runtimeC, IF_C, 2, 100, VIP2).build();
        Supplier<String> context = () -> a.output() + "\nevents in this JVM: " + events;
        b2.start();
        Await.until("A MASTER of vhid 1", () -> a.printed(l -> l.startsWith("STATE 1 BACKUP MASTER")), context);
        Await.until("B MASTER of vhid 2", () -> b2.state() == CarpState.MASTER, context);

        c1.start();
        c2.start();
        Await.until("C hears both masters", () -> c1.stats().ipv4PacketsReceived() > 0
                && c2.stats().ipv4PacketsReceived() > 0, context);
        assertEquals(1, lab.carpSockets(NS_C), "C's two groups share one socket");
        Await.holds("A and B masters, C backup of both", 2_000, () -> b2.state() == CarpState.MASTER
                && c1.state() == CarpState.BACKUP && c2.state() == CarpState.BACKUP
                && !a.printed(l -> l.startsWith("STATE 1 MASTER")), context);
        assertTrue(lab.has(NS_A, IF_A, VIP1), lab.addresses(NS_A, IF_A));
        assertTrue(lab.has(NS_B, IF_B, VIP2), lab.addresses(NS_B, IF_B));
        assertFalse(lab.addresses(NS_C, IF_C).contains("198.18.100.10"), lab.addresses(NS_C, IF_C));

        a.kill();
        // The event reaches the listener on the callback thread just after the state flips: wait for both.
        Await.until("C MASTER of vhid 1", () -> c1.state() == CarpState.MASTER
                && !reason(1, IF_C).equals("none"), context);
        assertEquals("master timed out", reason(1, IF_C), context.get());
        Await.until("VIP 1 on C", () -> lab.has(NS_C, IF_C, VIP1), () -> lab.addresses(NS_C, IF_C));
        Await.holds("C still BACKUP of vhid 2, B still its MASTER", 1_000,
                () -> c2.state() == CarpState.BACKUP && b2.state() == CarpState.MASTER, context);
        assertFalse(lab.has(NS_C, IF_C, VIP2), lab.addresses(NS_C, IF_C));
        assertTrue(lab.has(NS_B, IF_B, VIP2), lab.addresses(NS_B, IF_B));
    }

    private io.carp.CarpGroupBuilder group(NettyCarpRuntime runtime, String interfaceName, int vhid, int advskew,
                                           String address) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("seed-secret").advskew(advskew)
                .virtualAddress(address).runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add);
    }

    private String reason(int vhid, String interfaceName) {
        return events.stream().filter(e -> e.vhid() == vhid && e.to() == CarpState.MASTER
                && e.interfaceName().equals(interfaceName)).map(CarpStateEvent::reason).findFirst().orElse("none");
    }
}
