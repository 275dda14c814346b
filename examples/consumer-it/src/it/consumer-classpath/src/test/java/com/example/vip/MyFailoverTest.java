package com.example.vip;

import io.carp.CarpGroup;
import io.carp.micrometer.CarpMeterBinder;
import io.carp.netty.NettyCarpRuntime;
import io.carp.testkit.CarpAssertions;
import io.carp.testkit.SimulatedNetwork;
import io.carp.testkit.SimulatedNode;
import io.carp.testkit.junit5.CarpTestkitExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's "Testing failover in your own unit tests", as pasted, plus the Micrometer binder of carp-micrometer. */
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
    void metricsShowTheBackupAsMasterAfterTheFailover(SimulatedNetwork net) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SimulatedNode a = net.node("A");
        SimulatedNode b = net.node("B");
        a.start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.0.100"));
        CarpGroup backup = b.start(CarpGroup.builder().vhid(1).password("pw").virtualAddress("198.18.0.100")
                .advskew(100));
        CarpMeterBinder.of(backup).bindTo(registry);
        net.advanceBy(Duration.ofSeconds(5));
        assertEquals(0.0, registry.get("carp.state").tag("state", "master").gauge().value());

        a.kill();
        net.advanceBy(Duration.ofSeconds(5));
        assertEquals(1.0, registry.get("carp.state").tag("state", "master").gauge().value());
    }

    @Test
    void everyCarpJarCarriesItsVersionInTheManifest() {
        String version = System.getProperty("carp.version");
        for (Class<?> type : new Class<?>[] {CarpGroup.class, NettyCarpRuntime.class, SimulatedNetwork.class,
                CarpMeterBinder.class}) {
            assertEquals(version, type.getPackage().getImplementationVersion(), type.getName());
        }
    }
}
