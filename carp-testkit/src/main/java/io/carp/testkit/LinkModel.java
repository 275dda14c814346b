package io.carp.testkit;

import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How the simulated segment carries one packet from one node to another: lost, delivered once after some delay, or
 * duplicated. Partitions and {@link LinkFault}s are applied by the network on top of the model.
 *
 * <p>Implementations must draw all their randomness from the generator they are given (the network's seeded one), so
 * that a seed repeats a run exactly; they are called on the simulation thread, once per packet and receiver, in a
 * deterministic order. The default is {@link PerfectLink#DEFAULT}; {@link LossyLink} adds loss, duplication and
 * jitter.
 */
public abstract class LinkModel {

    /** For subclasses. */
    protected LinkModel() {
    }

    /**
     * Decides what happens to one packet on its way to one receiver.
     *
     * @param from   the sending node
     * @param to     the receiving node (never the sender: multicast loop is off)
     * @param random the network's seeded generator; the only source of randomness allowed
     * @return the delay of each copy that arrives: empty if the packet is lost, two entries if it is duplicated;
     *         delays are zero or more
     */
    public abstract List<Duration> deliveries(SimulatedNode from, SimulatedNode to, RandomGenerator random);
}
