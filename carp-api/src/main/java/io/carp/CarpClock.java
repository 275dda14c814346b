package io.carp;

import java.time.Instant;

/**
 * The single time source of a CARP group: a monotonic clock in nanoseconds.
 *
 * <p>Every protocol timer (advertisement interval, master-down) is measured on {@link #nanoTime()}, never on wall time,
 * so an NTP step cannot fire or delay a failover. {@link #wallTime()} is used only to stamp events for humans.
 * Production code uses {@link #system()}; the testkit supplies a virtual clock.
 */
@FunctionalInterface
public interface CarpClock {

    /**
     * Monotonic time in nanoseconds; only differences between two readings mean anything.
     *
     * @return the current monotonic time in nanoseconds
     */
    long nanoTime();

    /**
     * Wall-clock time, used only to stamp events and logs. The default reads the system clock.
     *
     * @return the current wall-clock instant
     */
    default Instant wallTime() {
        return Instant.now();
    }

    /**
     * The system clock: {@link System#nanoTime()} and {@link Instant#now()}.
     *
     * @return the shared system clock
     */
    static CarpClock system() {
        return SystemCarpClock.INSTANCE;
    }
}
