package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.masterDown;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the node faults do to a node's groups and addresses. */
class NodeLifecycleTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule (Linux runtime model): addresses are added with a kernel lifetime of the group's master-down interval that
     * each advert renews, so a killed master's addresses vanish by themselves master-down after its last advert.
     */
    @Test
    void shouldRemoveAKilledMastersAddressWhenItsLifetimeRunsOut() {
        a.start(group(1, 0));
        network.advanceBy(seconds(10.5));
        Duration lastRefresh = Vips.lastAdvertFrom(network, "A", 1).time();
        a.kill();
        assertEquals(CarpState.INIT, a.state(1), "a dead process reports INIT");
        assertEquals(CarpState.MASTER, a.group(1).state(), "the dead group object still believes it is master");

        network.advanceBy(lastRefresh.plus(masterDown(1, 0)).minus(network.now()).minusNanos(1));
        assertTrue(a.holdsAddress(VIP1), "still there just before the lifetime ends");
        network.advanceBy(Duration.ofNanos(1));
        assertFalse(a.holdsAddress(VIP1), "gone when it ends");
        assertTrue(network.timeline().stream().anyMatch(l -> l.contains("A address 198.18.1.50 expired")));
    }

    /** Rule: a killed process runs nothing: its group object stays as it was, even a backup whose timer was due. */
    @Test
    void shouldStopEveryTimerWhenKilled() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        long transitions = c.group(1).stats().transitions();
        c.kill();
        network.advanceBy(Duration.ofSeconds(30));

        assertEquals(CarpState.BACKUP, c.group(1).state(), "C's master-down timer never fired");
        assertEquals(transitions, c.group(1).stats().transitions());
    }

    /** Rule: a killed process sends nothing, not even a bow-out. */
    @Test
    void shouldSendNothingWhenKilled() {
        a.start(group(1, 0));
        network.advanceBy(seconds(10.5));
        int sent = network.advertisementCount();
        a.kill();
        network.advanceBy(Duration.ofSeconds(10));
        a.group(1).close(); // closing the dead group object by hand sends nothing either
        network.advanceBy(Duration.ofSeconds(1));
        assertEquals(sent, network.advertisementCount());
    }

    /** Rule: restart rebuilds every group from its builder: a new group object, starting in BACKUP. */
    @Test
    void shouldRebuildEveryGroupWhenRestarted() {
        CarpGroup first = a.start(group(1, 0));
        a.start(group(2, 0));
        network.advanceBy(seconds(10.5));
        a.kill();
        network.advanceBy(Duration.ofSeconds(1));

        a.restart();

        CarpGroup second = a.group(1);
        assertTrue(first != second, "a new group object");
        assertEquals(CarpState.BACKUP, a.state(1));
        assertEquals(CarpState.BACKUP, a.state(2));
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
        assertMasterIs(a, 2);
    }

    /** Rule: link down sends the group to INIT and releases the addresses, without a bow-out; link up rejoins. */
    @Test
    void shouldGoToInitAndBackWhenTheLinkGoesDownAndUp() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
        Duration downAt = network.now();

        a.linkDown();

        assertEquals(CarpState.INIT, a.state(1));
        assertFalse(a.holdsAddress(VIP1));
        assertFalse(Vips.lastAdvertFrom(network, "A", 1).isBowOut(), "no bow-out on link loss");
        network.advanceBy(Duration.ofSeconds(5));
        assertTookOverWithin(c, 1, Duration.ofSeconds(10), masterDown(1, 100).plus(LINK_DELAY));
        assertTrue(network.now().compareTo(downAt) > 0);

        a.linkUp();
        assertState(a, 1, CarpState.BACKUP);
        network.advanceBy(Duration.ofSeconds(10));
        assertMasterIs(c, 1);
    }

    /** Rule: a group started while the link is down waits in INIT; it joins when the link comes up. */
    @Test
    void shouldWaitInInitWhenStartedWithTheLinkDown() {
        a.linkDown();
        a.start(group(1, 0));
        network.advanceBy(Duration.ofSeconds(5));
        assertEquals(CarpState.INIT, a.state(1));

        a.linkUp();
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
    }

    /** Rule: a frozen node hears of a link change only when it thaws, like any other work. */
    @Test
    void shouldTellAFrozenNodeOfTheLinkWhenItThaws() {
        a.start(group(1, 0));
        network.advanceBy(seconds(10.5));
        a.freeze();
        a.linkDown();
        assertEquals(CarpState.MASTER, a.state(1));

        a.thaw();
        network.advanceBy(Duration.ZERO);
        assertEquals(CarpState.INIT, a.state(1));
    }

    @Test
    void shouldRefuseASecondGroupWhenTheVhidIsTaken() {
        a.start(group(1, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.start(group(1, 50)));
        assertEquals("start(): node A already runs vhid 1", e.getMessage());
    }

    @Test
    void shouldRefuseABuilderWhenAnotherNodeUsesIt() {
        CarpGroupBuilder shared = group(1, 0);
        a.start(shared);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.start(shared));
        assertEquals("builder: already used by node A (expected: a builder of its own for each node; restart()"
                + " rebuilds from it)", e.getMessage());
    }

    @Test
    void shouldFailLoudlyWhenAFaultIsMisused() {
        a.start(group(1, 0));
        a.kill();
        assertEquals("kill(): node A is not running (killed or closed); restart() it first",
                assertThrows(IllegalStateException.class, a::kill).getMessage());
        assertEquals("thaw(): node A is not frozen", assertThrows(IllegalStateException.class, a::thaw).getMessage());
        a.restart();
        assertEquals("restart(): node A is running; kill() or close() it first",
                assertThrows(IllegalStateException.class, a::restart).getMessage());
        a.freeze();
        assertEquals("close(): node A is frozen; thaw() or kill() it first",
                assertThrows(IllegalStateException.class, a::close).getMessage());
        assertEquals("group(9): node A runs no group with vhid 9 (it runs [1])",
                assertThrows(IllegalStateException.class, () -> a.group(9)).getMessage());
    }

    /** Rule: a clean close bows out; the node can come back with restart(). */
    @Test
    void shouldRestartWhenClosedCleanly() {
        a.start(group(1, 0));
        network.advanceBy(seconds(10.5));
        a.close();
        assertFalse(a.isRunning());
        assertEquals(CarpState.INIT, a.state(1));

        a.restart();
        network.advanceBy(Duration.ofSeconds(5));
        assertMasterIs(a, 1);
        assertEquals(2, a.claims(1));
    }
}
