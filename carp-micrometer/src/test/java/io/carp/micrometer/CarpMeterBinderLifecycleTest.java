package io.carp.micrometer;

import io.carp.testkit.ManualRuntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.DropReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CarpMeterBinderLifecycleTest {
    /** received x2, sent x2, dropped x reasons, send/callback/address failures, claims, release delays. */
    private static final int FUNCTION_COUNTERS = 4 + DropReason.values().length + 5;
    /**
     * carp.state x3, state.order, demotion, draining, advertisement.age, address.claim.duration,
     * master.down.interval.
     */
    private static final int GAUGES = CarpState.values().length + 6;
    private static final int TRANSITION_SERIES = Arrays.stream(StateChangeCause.values())
            .mapToInt(r -> TransitionEdges.of(r).size()).sum();
    private static final int METERS_PER_GROUP = FUNCTION_COUNTERS + GAUGES + TRANSITION_SERIES;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldRegisterEveryMeterWithDescriptionAndGroupTagsWhenBound() {
        StubGroup a = new StubGroup(1, "eth0");
        StubGroup b = new StubGroup(2, "eth0");
        CarpMeterBinder.of(a, b).bindTo(registry);

        assertEquals(47, METERS_PER_GROUP, "documented in METRICS.md");
        assertEquals(2 * METERS_PER_GROUP, registry.getMeters().size());
        Set<String> vhids = new HashSet<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            assertTrue(id.getName().startsWith(CarpMetricNames.PREFIX), id.getName());
            assertNotNull(id.getDescription(), id.getName() + " has a description");
            assertEquals("eth0", id.getTag(CarpMetricNames.TAG_INTERFACE), id.toString());
            assertEquals("carp", id.getTag(CarpMetricNames.TAG_PROTOCOL), id.toString());
            vhids.add(id.getTag(CarpMetricNames.TAG_VHID));
        }
        assertEquals(Set.of("1", "2"), vhids);
        assertEquals(0, count(registry, "1", CarpState.INIT, CarpState.BACKUP, "started"), "registered at 0");
    }

    @Test
    void shouldRegisterNothingTwiceAndCountOnceWhenBoundTwice() {
        StubGroup group = new StubGroup(3, "eth1");
        group.received(7);
        CarpMeterBinder binder = CarpMeterBinder.of(group, group);
        binder.bindTo(registry);
        List<Meter> first = new ArrayList<>(registry.getMeters());
        binder.bindTo(registry);

        assertEquals(METERS_PER_GROUP, registry.getMeters().size(), "the group given twice is bound once");
        assertEquals(Set.copyOf(first), Set.copyOf(registry.getMeters()));
        Meter sameReceived = registry.get(CarpMetricNames.PACKETS_RECEIVED).tag("family", "ipv4").functionCounter();
        assertSame(first.stream().filter(m -> m.getId().equals(sameReceived.getId())).findFirst().orElseThrow(),
                sameReceived, "Micrometer hands back the meter already registered under the id");
        assertEquals(1, group.listenerCount(), "one transition listener per group");

        group.fire(CarpState.BACKUP, StateChangeCause.STARTED, "started");
        assertEquals(1, count(registry, "3", CarpState.INIT, CarpState.BACKUP, "started"));
        assertEquals(7, registry.get(CarpMetricNames.PACKETS_RECEIVED).tag("family", "ipv4").functionCounter()
                .count());
    }

    @Test
    void shouldRegisterASeriesLateWhenTheEdgeIsNotListedForItsCause() {
        StubGroup group = new StubGroup(4, "eth2");
        CarpMeterBinder binder = CarpMeterBinder.of(group);
        SimpleMeterRegistry early = new SimpleMeterRegistry();
        binder.bindTo(early);

        // Edges a cause does not list (a stub can fire them; a real group does not) get their series when first seen.
        group.fire(CarpState.MASTER, StateChangeCause.MASTER_TIMED_OUT, "cosmic rays from 198.18.0.9");
        group.fire(CarpState.BACKUP, StateChangeCause.PREEMPTED, "preempted by 198.18.0.3"); // pre-registered
        group.fire(CarpState.MASTER, StateChangeCause.STARTED, "cosmic rays from 198.18.0.7");

        assertEquals(METERS_PER_GROUP + 2, early.getMeters().size(), "init->master and backup->master, late");
        assertEquals(1, count(early, "4", CarpState.INIT, CarpState.MASTER, "master_timed_out"));
        assertEquals(1, count(early, "4", CarpState.BACKUP, CarpState.MASTER, "started"));
        assertEquals(1, count(early, "4", CarpState.MASTER, CarpState.BACKUP, "preempted"));

        binder.bindTo(registry); // a registry bound later sees the same series and counts
        assertEquals(METERS_PER_GROUP + 2, registry.getMeters().size());
        assertEquals(1, count(registry, "4", CarpState.INIT, CarpState.MASTER, "master_timed_out"));
    }

    @Test
    void shouldRemoveEveryMeterAndAddNoneWhenUnbound() {
        StubGroup group = new StubGroup(5, "eth3");
        CarpMeterBinder binder = CarpMeterBinder.of(group);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        binder.bindTo(registry);
        binder.bindTo(other);

        binder.unbindFrom(registry);
        group.fire(CarpState.MASTER, StateChangeCause.FORCED, "something new");

        assertTrue(registry.getMeters().isEmpty(), "unbound registry: " + registry.getMeters());
        assertEquals(METERS_PER_GROUP + 1, other.getMeters().size(), "still bound");
        binder.unbindFrom(registry); // idempotent

        binder.close();
        assertTrue(other.getMeters().isEmpty());
        group.fire(CarpState.BACKUP, StateChangeCause.FORCED, "something else");
        assertTrue(other.getMeters().isEmpty(), "a closed binder registers nothing");
        binder.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> binder.bindTo(registry));
        assertEquals("bindTo(): the binder was closed; create a new one with of(...)", e.getMessage());
    }

    @Test
    void shouldRejectMissingGroupsWhenCreated() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> CarpMeterBinder.of(Collections.emptyList()));
        assertEquals("groups: empty (expected: at least one CarpGroup)", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CarpMeterBinder.of());
        NullPointerException nullGroup = assertThrows(NullPointerException.class,
                () -> CarpMeterBinder.of(Arrays.asList(new StubGroup(6, "eth0"), null)));
        assertEquals("groups[1]", nullGroup.getMessage());
        assertThrows(NullPointerException.class, () -> CarpMeterBinder.of(new StubGroup(6, "eth0")).bindTo(null));
    }

    @Test
    void shouldTagInterfaceWithDashWhenGroupHasNoInterface() {
        CarpGroup group = CarpGroup.builder().vhid(8).password("pw").virtualAddress("198.18.0.51")
                .runtime(ManualRuntime.create()).build();
        CarpMeterBinder.of(group).bindTo(registry);
        assertEquals(0, registry.get(CarpMetricNames.STATE_ORDER).tags("vhid", "8", "interface", "-").gauge().value());
    }

    private static double count(SimpleMeterRegistry registry, String vhid, CarpState from, CarpState to,
                                String reason) {
        return registry.get(CarpMetricNames.TRANSITIONS).tag("vhid", vhid)
                .tags("from", TransitionKey.tagValue(from), "to", TransitionKey.tagValue(to), "reason", reason)
                .functionCounter().count();
    }
}
