package com.example.vip;

import io.carp.CarpGroup;
import io.carp.testkit.CarpAssertions;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import io.carp.testkit.junit5.CarpTestkitExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Testing failover in your own unit tests", as pasted, run on the module path. */
@ExtendWith(CarpTestkitExtension.class)
class MyFailoverTest {
    @Test
    void backupTakesOverWhenTheMasterDies(SimulatedNetwork net) {       // a fresh network per test, closed after
        SimulatedNode a = net.node("A");                                 // 198.18.0.1
        SimulatedNode b = net.node("B");                                 // 198.18.0.2
        a.start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.0.100"));
        b.start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.0.100").advskew(100));
        net.advanceBy(Duration.ofSeconds(5));                            // virtual time: instant
        CarpAssertions.assertMasterIs(a, 1);

        a.kill();                                                        // no bow-out
        net.advanceBy(Duration.ofSeconds(5));
        CarpAssertions.assertMasterIs(b, 1);                             // 3.39 s after A's last advert
    }

    @Test
    void runsOnTheModulePathWhereOnlyTheApiIsExported() {
        Module me = getClass().getModule();
        Module carp = CarpGroup.class.getModule();
        assertEquals("com.example.vip", me.getName());
        assertEquals("io.carp", carp.getName());
        assertEquals("io.carp.testkit", SimulatedNetwork.class.getModule().getName());
        assertTrue(carp.isExported("io.carp", me));
        assertFalse(carp.isExported("io.carp.spi", me), "the runtime SPI is not exported to applications");
    }
}
