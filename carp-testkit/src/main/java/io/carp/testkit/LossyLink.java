package io.carp.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A link that loses, duplicates and delays packets at random, from the network's seeded generator. Each packet to each
 * receiver is decided independently: lost with probability {@link #loss()}; otherwise delivered after
 * {@code delay + uniform[0, jitter)}, and with probability {@link #duplication()} delivered a second time with its
 * own jitter. Immutable; the {@code with...} methods return new instances.
 *
 * <pre>{@code
 * network.linkModel(LossyLink.withLoss(0.3).withJitter(Duration.ofMillis(2)));
 * }</pre>
 */
public final class LossyLink extends LinkModel {
    private final double loss;
    private final double duplication;
    private final Duration delay;
    private final Duration jitter;

    private LossyLink(double loss, double duplication, Duration delay, Duration jitter) {
        this.loss = loss;
        this.duplication = duplication;
        this.delay = delay;
        this.jitter = jitter;
    }

    /**
     * A link that loses packets with the given probability, with no duplication, the delay of
     * {@link PerfectLink#DEFAULT_DELAY} and no jitter.
     *
     * @param loss probability 0.0-1.0
     * @return the link
     * @throws IllegalArgumentException if the probability is outside 0.0-1.0
     */
    public static LossyLink withLoss(double loss) {
        return new LossyLink(probability("loss", loss), 0, PerfectLink.DEFAULT_DELAY, Duration.ZERO);
    }

    /**
     * The same link with another duplication probability.
     *
     * @param probability 0.0-1.0: the chance that a delivered packet arrives twice
     * @return a new link
     */
    public LossyLink withDuplication(double probability) {
        return new LossyLink(loss, probability("duplication", probability), delay, jitter);
    }

    /**
     * The same link with another base delay.
     *
     * @param delay zero or more
     * @return a new link
     */
    public LossyLink withDelay(Duration delay) {
        Times.checkNonNegative("delay", delay);
        return new LossyLink(loss, duplication, delay, jitter);
    }

    /**
     * The same link with another jitter: each copy gets an extra delay drawn uniformly from {@code [0, jitter)}.
     *
     * @param jitter zero or more
     * @return a new link
     */
    public LossyLink withJitter(Duration jitter) {
        Times.checkNonNegative("jitter", jitter);
        return new LossyLink(loss, duplication, delay, jitter);
    }

    /** Probability that a packet is lost on its way to one receiver. */
    public double loss() {
        return loss;
    }

    /** Probability that a packet that is not lost arrives twice. */
    public double duplication() {
        return duplication;
    }

    /** The fixed part of the delay. */
    public Duration delay() {
        return delay;
    }

    /** The upper bound (exclusive) of the random extra delay. */
    public Duration jitter() {
        return jitter;
    }

    @Override
    public List<Duration> deliveries(SimulatedNode from, SimulatedNode to, RandomGenerator random) {
        if (random.nextDouble() < loss) {
            return List.of();
        }
        Duration first = delay.plusNanos(jitter(random));
        if (random.nextDouble() < duplication) {
            return List.of(first, delay.plusNanos(jitter(random)));
        }
        return List.of(first);
    }

    private long jitter(RandomGenerator random) {
        long bound = jitter.toNanos();
        return bound == 0 ? 0 : random.nextLong(bound);
    }

    private static double probability(String name, double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(name + ": " + p + " (expected: a probability 0.0-1.0)");
        }
        return p;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LossyLink{loss=%.3f, duplication=%.3f, delay=%s, jitter=%s}", loss,
                duplication, delay, jitter);
    }
}
