package io.carp.testkit;

import static io.carp.testkit.Vips.group;
import static io.carp.testkit.Vips.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The assertions pass when they should and fail with the timeline when they should not. */
class CarpAssertionsTest {
    private final SimulatedNetwork network = SimulatedNetwork.create();
    private final SimulatedNode a = network.node("A");
    private final SimulatedNode c = network.node("C");

    @BeforeEach
    void electA() {
        a.start(group(1, 0));
        c.start(group(1, 100));
        network.advanceBy(seconds(10.5));
    }

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void shouldPassWhenTheClaimsHold() {
        assertSame(a, CarpAssertions.assertSingleMaster(network, 1));
        CarpAssertions.assertMasterIs(a, 1);
        CarpAssertions.assertNoMaster(network, 2);
        CarpAssertions.assertState(c, 1, CarpState.BACKUP);
        CarpAssertions.assertNoFlapping(network, 1, Duration.ofSeconds(4));
        CarpAssertions.assertHoldsAddress(a, Vips.VIP1);
        assertEquals(Duration.ofSeconds(3), CarpAssertions.assertTookOverWithin(a, 1, Duration.ZERO,
                Duration.ofSeconds(3)));
    }

    @Test
    void shouldFailWithTheTimelineWhenTheMasterIsWrong() {
        AssertionError e = assertThrows(AssertionError.class, () -> CarpAssertions.assertMasterIs(c, 1));
        assertTrue(e.getMessage().startsWith("expected C to be the only MASTER of vhid 1 but the masters are [A]"
                + " (A=MASTER, C=BACKUP) at t=10.500s\ntimeline (last 20 lines):\n"), e.getMessage());
        assertTrue(e.getMessage().contains("  t=3.000s A vhid 1: BACKUP -> MASTER (master timed out)\n"));
    }

    @Test
    void shouldFailWhenTwoNodesAreMaster() {
        network.partition(java.util.Set.of(a));
        network.advanceBy(Duration.ofSeconds(5));
        AssertionError e = assertThrows(AssertionError.class, () -> CarpAssertions.assertSingleMaster(network, 1));
        assertTrue(e.getMessage().startsWith("expected exactly one MASTER of vhid 1 but found [A, C]"),
                e.getMessage());
        assertThrows(AssertionError.class, () -> CarpAssertions.assertNoMaster(network, 1));
        assertThrows(AssertionError.class, () -> CarpAssertions.assertNoFlapping(network, 1, Duration.ofSeconds(4)));
    }

    @Test
    void shouldFailWhenTheTakeoverIsTooSlowOrMissing() {
        AssertionError slow = assertThrows(AssertionError.class,
                () -> CarpAssertions.assertTookOverWithin(a, 1, Duration.ZERO, Duration.ofMillis(2999)));
        assertTrue(slow.getMessage().startsWith("expected A to become MASTER of vhid 1 within 2.999s after"
                + " t=0.000s but it took 3.000s (at t=3.000s)"), slow.getMessage());
        AssertionError never = assertThrows(AssertionError.class,
                () -> CarpAssertions.assertTookOverWithin(c, 1, Duration.ZERO, Duration.ofSeconds(60)));
        assertTrue(never.getMessage().contains("but it never did"), never.getMessage());
    }
}
