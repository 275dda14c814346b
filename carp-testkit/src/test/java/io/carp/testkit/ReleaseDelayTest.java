package io.carp.testkit;

import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link io.carp.CarpGroupBuilder#releaseDelay} on the testkit's runtimes, as on Linux: a closed master bows out at
 * once (the backup takes over at once) but keeps its address for the delay on the virtual clock, then removes it.
 */
class ReleaseDelayTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void shouldHandOverAtOnceAndKeepTheClosedMastersAddressForTheDelay() {
        a.start(group(1, 0).releaseDelay(Duration.ofMillis(700)));
        b.start(group(1, 100).releaseDelay(Duration.ofMillis(700)));
        network.advanceBy(seconds(10.5));
        assertEquals(CarpState.MASTER, a.state(1));
        Duration closedAt = network.now();

        a.close();
        network.advanceBy(Duration.ofMillis(50));
        assertEquals(CarpState.MASTER, b.state(1), "b took over on the bow-out");
        assertEquals(CarpState.INIT, a.group(1).state());
        assertTrue(a.holdsAddress(VIP1), "a still holds the address during the drain");
        assertTrue(b.holdsAddress(VIP1));
        assertTrue(a.isRunning(), "the process lives until the drain ends");
        assertTrue(a.group(1).stats().draining());
        assertThrows(IllegalStateException.class, a::close);

        network.advanceBy(closedAt.plusMillis(700).minus(network.now()).minusNanos(1));
        assertTrue(a.holdsAddress(VIP1), "still there just before the delay ends");
        network.advanceBy(Duration.ofNanos(1));
        assertFalse(a.holdsAddress(VIP1), "removed when it ends\n" + String.join("\n", network.timeline()));
        assertFalse(a.isRunning());
        assertEquals(1, a.group(1).stats().releaseDelays());
        assertTrue(network.timeline().stream().anyMatch(l -> l.contains("A closing (releaseDelay 700 ms)")),
                String.join("\n", network.timeline()));

        a.restart(); // as after any close
        network.advanceBy(seconds(1));
        assertEquals(CarpState.BACKUP, a.state(1));
    }

    @Test
    void shouldRemoveTheAddressWithTheBowOutWithoutTheOption() {
        a.start(group(1, 0));
        b.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        a.close();
        assertFalse(a.holdsAddress(VIP1));
        assertFalse(a.isRunning());
    }

    @Test
    void shouldLeaveTheAddressToItsLifetimeWhenKilledDuringTheDrain() {
        a.start(group(1, 0).releaseDelay(Duration.ofSeconds(20)));
        network.advanceBy(seconds(10.5));
        a.close();
        network.advanceBy(Duration.ofMillis(100));
        a.kill();
        assertTrue(a.holdsAddress(VIP1));
        network.advanceBy(Duration.ofSeconds(10));
        assertFalse(a.holdsAddress(VIP1), "expired: the last renewal was during the drain");
        a.restart();
        network.advanceBy(seconds(1));
        assertEquals(CarpState.BACKUP, a.state(1));
    }

    @Test
    void shouldDrainOnTheManualRuntimeToo() {
        ManualRuntime runtime = ManualRuntime.create();
        CarpGroup g = CarpGroup.builder().runtime(runtime).vhid(1).password("s3cret").virtualAddress("198.18.0.100")
                .releaseDelay(Duration.ofMillis(400)).callbackExecutor(Runnable::run).build();
        g.start();
        runtime.advanceBy(Duration.ofMillis(3_100));
        assertEquals(CarpState.MASTER, g.state());
        g.close(); // on the test thread, the loop's: returns at once
        assertEquals(CarpState.INIT, g.state());
        assertTrue(runtime.holdsAddress("198.18.0.100"));
        runtime.advanceBy(Duration.ofMillis(399));
        assertTrue(runtime.holdsAddress("198.18.0.100"));
        runtime.advanceBy(Duration.ofMillis(1));
        assertFalse(runtime.holdsAddress("198.18.0.100"));
        assertEquals(0, runtime.attachedGroups());
        List<String> calls = runtime.addressCalls();
        assertTrue(calls.get(calls.size() - 1).startsWith("release"), calls.toString());
    }
}
