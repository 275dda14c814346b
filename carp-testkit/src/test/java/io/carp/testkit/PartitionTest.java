package io.carp.testkit;

import static io.carp.testkit.CarpAssertions.assertMasterIs;
import static io.carp.testkit.CarpAssertions.assertNoFlapping;
import static io.carp.testkit.CarpAssertions.assertState;
import static io.carp.testkit.Vips.LINK_DELAY;
import static io.carp.testkit.Vips.VIP1;
import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.interval;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Split brain: what a partition does, and how the group heals. */
class PartitionTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode b = network.node("B");
    private final SimulatedNode c = network.node("C");

    @AfterEach
    void close() {
        network.close();
    }

    /**
     * Rule: a partition makes a master on each side; after healing, the first advert that crosses makes the slower
     * master step down (sending one last advert), and the surviving master, hearing a weaker master, announces its
     * addresses again (gratuitous ARP) so that the switches learn where they are. One master within one interval.
     */
    @Test
    void shouldKeepOneMasterAndReannounceWhenAPartitionHeals() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));

        network.partition(Set.of(a), Set.of(c));
        network.advanceBy(Duration.ofSeconds(10));
        assertEquals(List.of(a, c), network.masters(1), "split brain during the partition");
        assertTrue(a.holdsAddress(VIP1) && c.holdsAddress(VIP1));
        long announcedBefore = a.announcements(1);

        network.heal();
        Duration healedAt = network.now();
        network.advanceBy(interval(1, 0).plus(LINK_DELAY));

        assertMasterIs(a, 1);
        assertState(c, 1, CarpState.BACKUP);
        assertFalse(c.holdsAddress(VIP1));
        assertTrue(a.announcements(1) > announcedBefore, "A re-announced after the heal");
        assertTrue(network.transitions().stream().anyMatch(t -> t.node().equals("C") && t.to() == CarpState.BACKUP
                && t.timeNanos() >= healedAt.toNanos() && t.reason().equals("preempted by 198.18.0.1")));
        Duration settled = network.now();
        network.advanceBy(Duration.ofSeconds(30));
        assertNoFlapping(network, 1, settled);
    }

    /** Rule: nodes on the master's side of a split keep it; only the isolated side elects its own master. */
    @Test
    void shouldElectOnlyOnTheIsolatedSideWhenThePartitionIsUneven() {
        a.start(group(1, 0));
        b.start(group(1, 50));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));

        network.partition(Set.of(a, b)); // C is on its own: nodes named nowhere form one more side
        network.advanceBy(Duration.ofSeconds(10));

        assertEquals(List.of(a, c), network.masters(1));
        assertState(b, 1, CarpState.BACKUP);
    }

    @Test
    void shouldRefuseAPartitionWhenANodeIsInTwoSets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> network.partition(Set.of(a, b), Set.of(b, c)));
        assertEquals("partition: node B is in two sets (expected: each node in at most one set)", e.getMessage());
    }
}
