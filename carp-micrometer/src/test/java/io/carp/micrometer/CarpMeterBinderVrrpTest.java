package io.carp.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import io.carp.testkit.ManualRuntime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A VRRP group's meters: the protocol tag, and the address owner's INIT -> MASTER under its own cause. */
class CarpMeterBinderVrrpTest {
    @Test
    void shouldTagVrrpMetersWithTheProtocolAndCountTheOwnersStartUnderItsCause() {
        ManualRuntime runtime = ManualRuntime.create();
        runtime.advanceBy(Duration.ofSeconds(5));
        List<CarpStateEvent> events = new ArrayList<>();
        CarpGroup group = CarpGroup.builder().protocol(Protocol.VRRP_V3).runtime(runtime).vhid(7).priority(255)
                .virtualAddress("198.18.0.100").callbackExecutor(Runnable::run).onStateChange(events::add).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CarpMeterBinder.of(group).bindTo(registry);

        group.start();

        assertEquals(CarpState.MASTER, group.state());
        assertEquals(StateChangeCause.ADDRESS_OWNER, events.get(0).cause());
        for (Meter m : registry.getMeters()) {
            assertEquals("vrrp3", m.getId().getTag(CarpMetricNames.TAG_PROTOCOL), m.getId().toString());
        }
        double count = registry.get(CarpMetricNames.TRANSITIONS)
                .tags("vhid", "7", "protocol", "vrrp3", "from", "init", "to", "master", "reason", "address_owner")
                .functionCounter().count();
        assertEquals(1, count);
        assertEquals(1, runtime.sent().size(), "one VRRP advert at once");
        group.close();
    }
}
