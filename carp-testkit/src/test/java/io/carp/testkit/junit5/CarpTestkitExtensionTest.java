package io.carp.testkit.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.testkit.CarpAssertions;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CarpTestkitExtension.class)
@NetworkSeed(99)
class CarpTestkitExtensionTest {
    private static final List<SimulatedNetwork> SEEN = new ArrayList<>();

    @AfterAll
    static void everyNetworkWasClosed() {
        assertEquals(4, SEEN.size());
        for (SimulatedNetwork network : SEEN) {
            assertTrue(network.isClosed(), network + " was closed after its test");
        }
    }

    @Test
    void shouldInjectAFreshNetworkWithTheClassSeed(SimulatedNetwork network) {
        SEEN.add(network);
        assertFalse(network.isClosed());
        assertEquals(99, network.seed());
        assertTrue(network.nodes().isEmpty(), "fresh");
        SimulatedNode a = network.node("A");
        a.start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.1.1"));
        network.advanceBy(Duration.ofSeconds(4));
        CarpAssertions.assertMasterIs(a, 1);
    }

    @Test
    @NetworkSeed(5)
    void shouldPreferTheMethodSeedWhenBothAreGiven(SimulatedNetwork network) {
        SEEN.add(network);
        assertEquals(5, network.seed());
        assertTrue(network.nodes().isEmpty(), "fresh");
        network.node("A");
    }

    @Test
    void shouldInjectTwoNetworksWhenTwoAreAsked(SimulatedNetwork one, SimulatedNetwork two) {
        SEEN.add(one);
        SEEN.add(two);
        assertNotSame(one, two);
    }
}
