package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An interface deleted and created again under the same name (a VM's NIC hot-plugged, a bond or veth rebuilt): the
 * group on it goes to INIT when it disappears, and when it comes back (with a new ifindex) to BACKUP and then the
 * normal election, on sockets opened again on the new interface. A (advskew 0, preempt) and B (advskew 100) are on a
 * bridge; only A's veth is deleted and re-created, so B keeps its carrier and takes over meanwhile.
 */
@LinuxRootTest("an interface deleted and created again under the same name")
class InterfaceRecreatedRootTest {
    private static final String NS_A = "uni-rc-a";
    private static final String NS_B = "uni-rc-b";
    private static final String NS_BR = "uni-rc-br";
    private static final String IF_A = "unirca";
    private static final String IF_B = "unircb";
    private static final String A_IP = "198.18.103.1";
    private static final String B_IP = "198.18.103.2";
    private static final String VIP = "198.18.103.100";
    private static final String VIP6 = "fd00:103::100";
    private static final Plug PLUG_A = new Plug(NS_A, IF_A, A_IP + "/24", "unircpa");

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();
    private final List<CarpGroup> groups = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br0", PLUG_A, new Plug(NS_B, IF_B, B_IP + "/24", "unircpb"));
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    private static void plugA() {
        lab.plug(PLUG_A, NS_BR, "br0");
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void closeGroups() {
        groups.forEach(CarpGroup::close);
    }

    @Test
    void shouldComeBackToBackupAndTheElectionWhenTheInterfaceIsCreatedAgain() throws Exception {
        CarpGroup a = group(runtimeA, IF_A, 0, true);
        CarpGroup b = group(runtimeB, IF_B, 100, false);
        a.start();
        await("A MASTER", () -> a.state() == CarpState.MASTER);
        b.start();
        await("B BACKUP, hearing A", () -> b.state() == CarpState.BACKUP && b.stats().ipv4PacketsReceived() >= 2
                && b.stats().ipv6PacketsReceived() >= 2);
        String indexBefore = ifindex();

        lab.in(NS_A, "ip", "link", "del", IF_A);
        await("A INIT", () -> a.state() == CarpState.INIT);
        await("B takes over", () -> b.state() == CarpState.MASTER);

        plugA();
        assertFalse(indexBefore.equals(ifindex()), "the interface has a new ifindex: " + indexBefore);
        long heardBefore = a.stats().ipv4PacketsReceived();
        long heard6Before = a.stats().ipv6PacketsReceived();
        await("A back to BACKUP", () -> transitions("A").contains("INIT->BACKUP (link up)"));
        await("A preempts B (its adverts reach B on the new interface)",
                () -> a.state() == CarpState.MASTER && b.state() == CarpState.BACKUP);
        assertTrue(a.stats().ipv4PacketsReceived() > heardBefore, "A heard B over IPv4 on the new interface");
        assertTrue(a.stats().ipv6PacketsReceived() > heard6Before, "A heard B over IPv6 on the new interface");
        // The event reaches the listener on the callback thread just after the state flips: wait for it too.
        await("B's event: preempted by A", () -> transitions("B").stream()
                .anyMatch(t -> t.startsWith("MASTER->BACKUP (preempted by " + A_IP)));
        await("the VIP on A's new interface", () -> lab.has(NS_A, IF_A, VIP) && !lab.has(NS_B, IF_B, VIP));
        assertEquals(List.of("INIT->BACKUP (started)", "BACKUP->MASTER (master timed out)",
                "MASTER->INIT (link down)", "INIT->BACKUP (link up)"), transitions("A").subList(0, 4));
    }

    private CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int advskew, boolean preempt) {
        CarpGroup g = CarpGroup.builder().interfaceName(interfaceName).vhid(3).password("rc-secret")
                .virtualAddress(VIP).virtualAddress(VIP6).advskew(advskew).preempt(preempt).runtime(runtime)
                .callbackExecutor(Runnable::run).onStateChange(events::add).build();
        groups.add(g);
        return g;
    }

    private List<String> transitions(String node) {
        String ifname = node.equals("A") ? IF_A : IF_B;
        return events.stream().filter(e -> e.interfaceName().equals(ifname))
                .map(e -> e.from() + "->" + e.to() + " (" + e.reason() + ")").toList();
    }

    private static String ifindex() {
        return lab.in(NS_A, "cat", "/sys/class/net/" + IF_A + "/ifindex").trim();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "; events: " + events);
            }
            Thread.sleep(20);
        }
    }
}
