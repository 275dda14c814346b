package io.carp.testkit;

import io.carp.CarpClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link CarpClock} that moves only when told to. {@link #nanoTime()} starts at 0 and counts virtual nanoseconds;
 * {@link #wallTime()} is a fixed epoch plus the elapsed virtual time, so event stamps repeat from run to run.
 *
 * <p>A {@link SimulatedNetwork} owns one and advances it while it runs its events; use
 * {@link SimulatedNetwork#advanceBy(Duration)} there rather than advancing the network's clock by hand. On its own it is
 * handy for testing code that takes a {@code CarpClock}. Not thread-safe: read and advance it from one thread.
 */
public final class VirtualClock implements CarpClock {
    /** The wall-clock time at virtual time 0 unless another epoch is given: 2030-01-01T00:00:00Z. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2030-01-01T00:00:00Z");

    private final Instant epoch;
    private long nanos;

    /** A clock at virtual time 0, whose wall time starts at {@link #DEFAULT_EPOCH}. */
    public VirtualClock() {
        this(DEFAULT_EPOCH);
    }

    /**
     * A clock at virtual time 0.
     *
     * @param epoch the wall-clock time at virtual time 0
     */
    public VirtualClock(Instant epoch) {
        this.epoch = Objects.requireNonNull(epoch, "epoch");
    }

    /** Virtual nanoseconds since the clock was created (starts at 0). */
    @Override
    public long nanoTime() {
        return nanos;
    }

    /** The epoch plus the elapsed virtual time. */
    @Override
    public Instant wallTime() {
        return epoch.plusNanos(nanos);
    }

    /** The virtual time elapsed since the clock was created. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far, zero or more (nanosecond precision)
     * @throws IllegalArgumentException if the duration is negative
     */
    public void advance(Duration duration) {
        advanceTo(nanos + Times.checkNonNegative("duration", duration));
    }

    /** Moves the clock to an absolute virtual time; never backwards. */
    void advanceTo(long targetNanos) {
        if (targetNanos < nanos) {
            throw new IllegalArgumentException("time: " + Times.format(targetNanos)
                    + " (expected: not before the clock's current time " + Times.format(nanos) + ")");
        }
        nanos = targetNanos;
    }
}
