package io.carp.micrometer;

import io.carp.CarpGroup;
import io.carp.CarpStateEvent;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Micrometer meters for one or more {@link CarpGroup}s: the BSD {@code carpstats} counters, the state, transitions,
 * the age of the last advertisement heard and the address-claim time. Every name and tag is in
 * {@link CarpMetricNames}; {@code docs/METRICS.md} describes each meter.
 *
 * <pre>{@code
 * CarpGroup group = CarpGroup.builder()...build();
 * CarpMeterBinder.of(group).bindTo(registry);   // before start(), so that the first transition is counted
 * group.start();
 * }</pre>
 *
 * <h2>Where the values come from</h2>
 * Counters are {@link io.micrometer.core.instrument.FunctionCounter}s and gauges read the group when the registry
 * polls ({@link CarpGroup#stats()}, {@link CarpGroup#state()}), so they count from the group's creation whenever the
 * binder is bound, and cost nothing on the protocol thread. Only {@link CarpMetricNames#TRANSITIONS} is fed by a
 * listener ({@link CarpGroup#addListener}) that the binder adds when it is created; it counts the transitions from
 * then on, on the group's callback executor.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@link #bindTo} may be called for several registries, and again for the same one: Micrometer returns the
 *       meter already registered under an id, so nothing is registered twice and no transition is counted twice.</li>
 *   <li>{@link #unbindFrom} removes this binder's meters from a registry; {@link #close()} does so for every
 *       registry. The registry holds the groups only weakly (a discarded group's gauges read NaN).</li>
 *   <li>carp-api has no way to remove a listener, so the transition listener stays on the group until the group is
 *       garbage; after {@link #close()} it only increments counters that nothing reads. Create one binder per group
 *       and keep it, rather than one per bind.</li>
 *   <li>Two groups with the same vhid and interface label (two testkit nodes without an interface name, say) get
 *       the same meter ids: the registry keeps the first group's meters. Bind such groups to separate registries or
 *       give them interface names.</li>
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class CarpMeterBinder implements MeterBinder, AutoCloseable {
    private final List<GroupMeters> groups;
    /** Guarded by {@code this}: the meters registered in each bound registry. */
    private final Map<MeterRegistry, Set<Meter>> bound = new IdentityHashMap<>();
    private boolean closed;

    private CarpMeterBinder(List<GroupMeters> groups) {
        this.groups = groups;
    }

    /**
     * A binder for the given groups.
     *
     * @param groups one or more groups; a group given twice is bound once
     * @return a new binder; it adds one transition listener to each group
     * @throws IllegalArgumentException if no group is given
     * @throws NullPointerException     if a group is {@code null}
     */
    public static CarpMeterBinder of(CarpGroup... groups) {
        Objects.requireNonNull(groups, "groups");
        return of(List.of(groups));
    }

    /**
     * A binder for the given groups.
     *
     * @param groups one or more groups; a group given twice is bound once
     * @return a new binder; it adds one transition listener to each group
     * @throws IllegalArgumentException if the collection is empty
     * @throws NullPointerException     if the collection or a group in it is {@code null}
     */
    public static CarpMeterBinder of(Collection<? extends CarpGroup> groups) {
        Objects.requireNonNull(groups, "groups");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("groups: empty (expected: at least one CarpGroup)");
        }
        Set<CarpGroup> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        List<GroupMeters> meters = new ArrayList<>();
        for (CarpGroup group : groups) {
            Objects.requireNonNull(group, "groups[" + meters.size() + "]");
            if (distinct.add(group)) {
                meters.add(new GroupMeters(group));
            }
        }
        CarpMeterBinder binder = new CarpMeterBinder(List.copyOf(meters));
        for (GroupMeters m : binder.groups) {
            m.group().addListener(event -> binder.onTransition(m, event));
        }
        return binder;
    }

    /**
     * Registers the meters of every group. Binding the same registry again registers nothing new.
     *
     * @param registry the registry
     * @throws IllegalStateException if this binder was closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("bindTo(): the binder was closed; create a new one with of(...)");
        }
        Set<Meter> meters = bound.computeIfAbsent(registry, r -> new LinkedHashSet<>());
        for (GroupMeters group : groups) {
            group.register(registry, meters::add);
        }
    }

    /**
     * Removes every meter this binder registered in a registry; the binder no longer adds meters there. Does nothing
     * if the registry is not bound.
     *
     * @param registry the registry
     */
    public synchronized void unbindFrom(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Set<Meter> meters = bound.remove(registry);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Unbinds from every registry. Idempotent; the binder cannot be bound again. */
    @Override
    public synchronized void close() {
        closed = true;
        for (MeterRegistry registry : new ArrayList<>(bound.keySet())) {
            unbindFrom(registry);
        }
    }

    private void onTransition(GroupMeters group, CarpStateEvent event) {
        group.count(event, key -> registerLate(group, key));
    }

    /** A transition whose series was not registered in advance (an edge its cause does not list). */
    private synchronized void registerLate(GroupMeters group, TransitionKey key) {
        bound.forEach((registry, meters) -> meters.add(group.registerTransition(registry, key)));
    }

    @Override
    public String toString() {
        return "CarpMeterBinder{groups=" + groups.size() + "}";
    }
}
