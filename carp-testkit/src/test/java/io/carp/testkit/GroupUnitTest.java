package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.CarpAssertions.assertTookOverWithin;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.VIP2;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.masterDown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroupUnit;
import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CarpGroupUnit} on a simulated network, the firewall topology: node A is master of vhid 1 and vhid 2 (advskew
 * 0, the two "interfaces" of a firewall, tied in the unit {@code fw}), node B backs up both (advskew 100). The testkit
 * has one interface per node, so a link fault takes both vhids of a node down; one interface alone going down is
 * tested in carp-api's CarpGroupUnitTest.
 */
class GroupUnitTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");

    @AfterEach
    void close() {
        network.close();
    }

    private void elect(boolean preemptOnA) {
        a.start(group(1, 0).preempt(preemptOnA));
        a.start(group(2, 0).preempt(preemptOnA));
        b.start(group(1, 100));
        b.start(group(2, 100));
        CarpGroupUnit.of("fw", a.group(1), a.group(2));
        network.advanceBy(Duration.ofMillis(10_500));
        assertMasterIs(a, 1);
        assertMasterIs(a, 2);
    }

    private static RecordedTransition last(List<RecordedTransition> transitions) {
        return transitions.get(transitions.size() - 1);
    }

    @Test
    void shouldMoveBothVhidsToTheBackupWhenOneMemberIsForcedToBackup() {
        // Rule: when one member leaves MASTER, the others still MASTER bow out at once, so the peer takes over
        // every member in the same instant (bow-out received), without preempt.
        elect(false);
        Duration forced = network.now();

        a.group(1).forceBackup("maintenance");
        network.advanceBy(Duration.ofMillis(10));

        assertTookOverWithin(b, 1, forced, LINK_DELAY);
        assertTookOverWithin(b, 2, forced, LINK_DELAY);
        assertEquals("forced: unit fw: vhid 1 MASTER -> BACKUP", last(Vips.transitionsOf(network, "A", 2)).reason());
        assertEquals("bow-out received from 198.18.0.1", last(Vips.transitionsOf(network, "B", 2)).reason());
        assertTrue(b.holdsAddress(VIP1) && b.holdsAddress(VIP2), b.heldAddresses().toString());
        assertFalse(a.holdsAddress(VIP1) || a.holdsAddress(VIP2), a.heldAddresses().toString());

        Duration moved = network.now();
        network.advanceBy(Duration.ofSeconds(30));
        assertNoFlapping(network, 1, moved);
        assertNoFlapping(network, 2, moved);
    }

    @Test
    void shouldMoveBothVhidsWhenOneMemberIsDemotedBelowThePeer() {
        // Rule: a member that steps down because it is demoted (e.g. a failing health check on vhid 1 only) takes the
        // whole unit with it: B takes vhid 1 by the demote-byte rule and vhid 2 on A's bow-out.
        elect(false);
        Duration demoted = network.now();

        a.group(1).demote(50, "uplink check failed");
        network.advanceBy(Duration.ofMillis(10));

        assertTookOverWithin(b, 1, demoted, LINK_DELAY);
        // A's demoted advert to B, B's advert back to A (A steps down, the unit bows vhid 2 out), the bow-out to B.
        assertTookOverWithin(b, 2, demoted, LINK_DELAY.multipliedBy(3));
        assertEquals("master 198.18.0.1 is demoted (50 > 0)", last(Vips.transitionsOf(network, "B", 1)).reason());
        assertEquals("bow-out received from 198.18.0.1", last(Vips.transitionsOf(network, "B", 2)).reason());
        assertEquals(0, a.group(2).demotion(), "a step-down of a member does not demote the others");
    }

    @Test
    void shouldHoldBothVhidsDemotedUntilTheLinkReturnsThenTakeThemBackWithPreempt() {
        // Rule: a link fault demotes every member by 240 while it lasts; when the link returns the demotion goes, and
        // with preempt A takes both vhids back from the slower B.
        elect(true);
        Duration down = network.now();

        a.linkDown();
        assertEquals(240, a.group(1).demotion());
        assertEquals(240, a.group(2).demotion());
        network.advanceBy(Duration.ofSeconds(10));
        assertTookOverWithin(b, 1, down, masterDown(1, 100).plus(LINK_DELAY));
        assertTookOverWithin(b, 2, down, masterDown(1, 100).plus(LINK_DELAY));

        a.linkUp();
        assertState(a, 1, CarpState.BACKUP);
        assertState(a, 2, CarpState.BACKUP);
        assertEquals(0, a.group(1).demotion());
        assertEquals(0, a.group(2).demotion());
        network.advanceBy(Duration.ofSeconds(3));

        assertMasterIs(a, 1);
        assertMasterIs(a, 2);
        assertEquals("preempting slower master 198.18.0.2", last(Vips.transitionsOf(network, "A", 2)).reason());
    }
}
