package io.carp.testkit;

import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import io.carp.IpFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The network itself: time, nodes, threads, life cycle. */
class SimulatedNetworkTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void shouldAssignAddressesInOrderWhenNoneAreGiven() {
        SimulatedNode a = network.node("A");
        SimulatedNode b = network.node("B", "198.18.7.7");
        SimulatedNode c = network.node("C", null, "2001:db8::c0");

        assertEquals("198.18.0.1", a.ipv4().getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:1", a.ipv6().getHostAddress());
        assertEquals("198.18.7.7", b.ipv4().getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:2", b.ipv6().getHostAddress());
        assertEquals("198.18.0.3", c.ipv4().getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:c0", c.address(IpFamily.IPV6).getHostAddress());
        assertEquals(List.of(a, b, c), network.nodes());
    }

    @Test
    void shouldRefuseANodeWhenTheNameOrAddressIsTakenOrInvalid() {
        network.node("A");
        assertEquals("name: \"A\" (expected: a non-empty name no other node has)",
                assertThrows(IllegalArgumentException.class, () -> network.node("A")).getMessage());
        assertEquals("node B: address 198.18.0.1 is already used by node A (expected: a unique address per node)",
                assertThrows(IllegalArgumentException.class, () -> network.node("B", "198.18.0.1")).getMessage());
        assertEquals("ipv4: \"example.com\" (expected: an IPv4 literal such as 198.18.0.10)",
                assertThrows(IllegalArgumentException.class, () -> network.node("B", "example.com")).getMessage());
        assertEquals("ipv6: \"198.18.0.9\" (expected: an IPv6 literal such as 2001:db8::a)",
                assertThrows(IllegalArgumentException.class, () -> network.node("B", null, "198.18.0.9"))
                        .getMessage());
    }

    @Test
    void shouldMoveTheClockExactlyWhenAdvanced() {
        assertEquals(Duration.ZERO, network.now());
        network.advanceBy(Duration.ofMillis(1500));
        assertEquals(Duration.ofMillis(1500), network.now());
        assertEquals(1_500_000_000L, network.clock().nanoTime());
        assertEquals(VirtualClock.DEFAULT_EPOCH.plusMillis(1500), network.clock().wallTime());
        assertEquals("duration: PT-1S (expected: zero or more)", assertThrows(IllegalArgumentException.class,
                () -> network.advanceBy(Duration.ofSeconds(-1))).getMessage());
    }

    @Test
    void shouldStopAtTheInstantTheConditionHoldsWhenRunningUntil() {
        SimulatedNode a = network.node("A");
        a.start(group(1, 0));

        assertTrue(network.runUntil(() -> a.state(1) == CarpState.MASTER, Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(3), network.now(), "master-down of advskew 0 is exactly 3 s");

        assertFalse(network.runUntil(() -> a.state(1) == CarpState.BACKUP, Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(5), network.now(), "a timeout leaves the clock at the deadline");
    }

    /** Rule: group callbacks run inline on the simulation thread at the virtual instant of the transition. */
    @Test
    void shouldRunCallbacksInlineAtTheTransitionInstant() {
        SimulatedNode a = network.node("A");
        List<String> seen = new ArrayList<>();
        Thread test = Thread.currentThread();
        a.start(group(1, 0).onMaster(e -> seen.add(network.now() + " " + (Thread.currentThread() == test))));
        network.advanceBy(Duration.ofSeconds(4));
        assertEquals(List.of("PT3S true"), seen);
    }

    @Test
    void shouldRefuseToAdvanceTimeWhenCalledFromACallback() {
        SimulatedNode a = network.node("A");
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        a.start(group(1, 0).onMaster(e -> {
            try {
                network.advanceBy(Duration.ofSeconds(1));
            } catch (RuntimeException ex) {
                thrown.set(ex);
            }
        }));
        network.advanceBy(Duration.ofSeconds(4));
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().startsWith("advanceBy(): the simulation is already running"));
    }

    @Test
    void shouldRefuseOtherThreadsWhenAdvancing() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                network.advanceBy(Duration.ofSeconds(1));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "intruder");
        other.start();
        other.join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().startsWith("advanceBy(): called on thread intruder;"),
                thrown.get().getMessage());
    }

    /** Rule: closing the network shuts nodes down cleanly (masters bow out) and then refuses to run. */
    @Test
    void shouldBowOutAndRefuseToRunWhenClosed() {
        SimulatedNode a = network.node("A");
        a.start(group(1, 0));
        network.advanceBy(seconds(4.5));

        network.close();

        assertTrue(network.isClosed());
        assertTrue(Vips.lastAdvertFrom(network, "A", 1).isBowOut());
        assertFalse(a.isRunning());
        assertEquals("advanceBy(): the network was closed",
                assertThrows(IllegalStateException.class, () -> network.advanceBy(Duration.ZERO)).getMessage());
        assertFalse(network.timeline().isEmpty(), "recordings stay readable");
        network.close(); // idempotent
    }
}
