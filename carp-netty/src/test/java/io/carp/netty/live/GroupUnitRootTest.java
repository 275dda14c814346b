package io.carp.netty.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpGroupUnit;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.NettyCarpRuntime;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Plug;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@link CarpGroupUnit} across two interfaces, like a firewall's two legs: A and B each have one veth on bridge 1
 * (198.18.100.0/24, vhid 1) and one on bridge 2 (198.18.101.0/24, vhid 2). When A's first link goes down, both vhids
 * move to B, although A's second link is fine.
 */
@LinuxRootTest("a group unit across two interfaces")
class GroupUnitRootTest {
    private static final String NS_A = "uni-g-a";
    private static final String NS_B = "uni-g-b";
    private static final String NS_BR = "uni-g-br";
    private static final String VIP1 = "198.18.100.100";
    private static final String VIP2 = "198.18.101.100";

    private static LiveLab lab;
    private static NettyCarpRuntime runtimeA;
    private static NettyCarpRuntime runtimeB;
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createNetwork() {
        lab = new LiveLab();
        lab.bridged(NS_BR, "br1", new Plug(NS_A, "uniga1", "198.18.100.1/24", "unigpa1"),
                new Plug(NS_B, "unigb1", "198.18.100.2/24", "unigpb1"));
        lab.bridged(NS_BR, "br2", new Plug(NS_A, "uniga2", "198.18.101.1/24", "unigpa2"),
                new Plug(NS_B, "unigb2", "198.18.101.2/24", "unigpb2"));
        runtimeA = lab.runtime(NS_A);
        runtimeB = lab.runtime(NS_B);
    }

    @AfterAll
    static void deleteNetwork() {
        if (lab != null) {
            lab.close(); // closes the runtimes first
        }
    }

    @Test
    void shouldMoveBothVhidsToPeerWhenFirstLinkOfUnitGoesDown() {
        CarpGroup a1 = group(runtimeA, "uniga1", 1, 0, VIP1);
        CarpGroup a2 = group(runtimeA, "uniga2", 2, 0, VIP2);
        CarpGroup b1 = group(runtimeB, "unigb1", 1, 100, VIP1);
        CarpGroup b2 = group(runtimeB, "unigb2", 2, 100, VIP2);
        CarpGroupUnit.of("fw-a", a1, a2);
        CarpGroupUnit.of("fw-b", b1, b2);
        Supplier<String> context = () -> "events: " + events + "\nA demotions " + a1.demotion() + "/"
                + a2.demotion();
        try {
            a1.start();
            a2.start();
            b1.start();
            b2.start();
            Await.until("A MASTER of both, B BACKUP of both", () -> a1.state() == CarpState.MASTER
                    && a2.state() == CarpState.MASTER && b1.state() == CarpState.BACKUP
                    && b2.state() == CarpState.BACKUP, context);

            lab.in(NS_A, "ip", "link", "set", "uniga1", "down");
            // The events reach the listener on the callback thread just after the states flip: wait for them too.
            Await.until("B MASTER of both", () -> b1.state() == CarpState.MASTER && b2.state() == CarpState.MASTER
                    && !reason(2, "uniga2", CarpState.MASTER, CarpState.BACKUP).equals("none")
                    && !reason(2, "unigb2", CarpState.BACKUP, CarpState.MASTER).equals("none"), context);
            assertEquals(CarpState.INIT, a1.state(), context.get());
            assertEquals(CarpState.BACKUP, a2.state(), context.get());
            assertTrue(reason(2, "uniga2", CarpState.MASTER, CarpState.BACKUP).startsWith("forced: unit fw-a"), context.get());
            assertTrue(reason(2, "unigb2", CarpState.BACKUP, CarpState.MASTER).startsWith("bow-out received"), context.get());
            Await.until("VIP 2 moved to B", () -> lab.has(NS_B, "unigb2", VIP2) && !lab.has(NS_A, "uniga2", VIP2),
                    context);
            assertTrue(lab.has(NS_B, "unigb1", VIP1), lab.addresses(NS_B, "unigb1"));
            Await.holds("A stays BACKUP of vhid 2 while its other link is down", 1_500,
                    () -> a2.state() == CarpState.BACKUP && a2.demotion() == 240
                            && b2.state() == CarpState.MASTER, context);

            lab.in(NS_A, "ip", "link", "set", "uniga1", "up");
            Await.until("A's vhid 1 back to BACKUP and the unit's demotion lifted",
                    () -> a1.state() == CarpState.BACKUP && a2.demotion() == 0, context);
            assertEquals(CarpState.MASTER, b1.state(), "B keeps vhid 1 (no preempt): " + context.get());
            assertEquals(CarpState.MASTER, b2.state(), "B keeps vhid 2 (no preempt): " + context.get());
        } finally {
            a1.close();
            a2.close();
            b1.close();
            b2.close();
        }
    }

    private CarpGroup group(NettyCarpRuntime runtime, String interfaceName, int vhid, int advskew, String address) {
        return CarpGroup.builder().interfaceName(interfaceName).vhid(vhid).password("unit-secret").advskew(advskew)
                .virtualAddress(address).runtime(runtime).callbackExecutor(Runnable::run).onStateChange(events::add)
                .build();
    }

    private String reason(int vhid, String interfaceName, CarpState from, CarpState to) {
        return events.stream().filter(e -> e.vhid() == vhid && e.from() == from && e.to() == to
                        && e.interfaceName().equals(interfaceName))
                .map(CarpStateEvent::reason).findFirst().orElse("none");
    }
}
