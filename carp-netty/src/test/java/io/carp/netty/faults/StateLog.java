package io.carp.netty.faults;

import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.netty.testing.Await;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Records the state events of in-JVM groups (register it as a listener) and waits for them. */
final class StateLog implements Consumer<CarpStateEvent> {
    private final List<CarpStateEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void accept(CarpStateEvent event) {
        events.add(event);
    }

    /**
     * Waits for a transition of a vhid on an interface that happened at or after a time.
     *
     * @param vhid          the vhid
     * @param interfaceName the interface
     * @param to            the new state
     * @param afterNanos    {@link System#nanoTime()} before which events are ignored
     * @param timeoutMillis how long to wait
     * @return the event
     */
    CarpStateEvent await(int vhid, String interfaceName, CarpState to, long afterNanos, long timeoutMillis) {
        Predicate<CarpStateEvent> match = e -> e.vhid() == vhid && e.interfaceName().equals(interfaceName)
                && e.to() == to && e.nanoTime() >= afterNanos;
        Await.await("vhid " + vhid + " on " + interfaceName + " -> " + to, timeoutMillis,
                () -> events.stream().anyMatch(match), this::toString);
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    /** The events of a vhid on an interface at or after a time. */
    List<CarpStateEvent> since(int vhid, String interfaceName, long afterNanos) {
        return events.stream().filter(e -> e.vhid() == vhid && e.interfaceName().equals(interfaceName)
                && e.nanoTime() >= afterNanos).toList();
    }

    /** Milliseconds from a {@link System#nanoTime()} reading to an event. */
    static long millisBetween(long fromNanos, CarpStateEvent event) {
        return (event.nanoTime() - fromNanos) / 1_000_000L;
    }

    @Override
    public String toString() {
        return "events: " + events;
    }
}
