package io.carp.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** A link that delivers every packet exactly once after a fixed delay. Uses no randomness. Immutable. */
public final class PerfectLink extends LinkModel {
    /** The delay of {@link #DEFAULT}: 100 µs, a switched LAN. */
    public static final Duration DEFAULT_DELAY = Duration.ofNanos(100_000);
    /** A perfect link with a delay of {@link #DEFAULT_DELAY}: the default of every network. */
    public static final PerfectLink DEFAULT = new PerfectLink(DEFAULT_DELAY);

    private final List<Duration> deliveries;

    private PerfectLink(Duration delay) {
        this.deliveries = List.of(delay);
    }

    /**
     * A perfect link with the given delay.
     *
     * @param delay zero or more
     * @return the link
     * @throws IllegalArgumentException if the delay is negative
     */
    public static PerfectLink withDelay(Duration delay) {
        Times.checkNonNegative("delay", delay);
        return new PerfectLink(delay);
    }

    /** The fixed delay. */
    public Duration delay() {
        return deliveries.get(0);
    }

    @Override
    public List<Duration> deliveries(SimulatedNode from, SimulatedNode to, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return deliveries;
    }

    @Override
    public String toString() {
        return "PerfectLink{delay=" + delay() + "}";
    }
}
