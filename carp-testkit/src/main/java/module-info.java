/**
 * carp4j's testkit: {@link io.carp.testkit.SimulatedNetwork} runs real groups on a virtual clock and a simulated
 * network (loss, delay, partitions, kills, freezes) so that failover can be tested in plain unit tests, with no root
 * and no network; {@link io.carp.testkit.junit5} wires it into JUnit 5.
 */
module io.carp.testkit {
    requires transitive io.carp;
    requires static org.junit.jupiter.api;

    exports io.carp.testkit;
    exports io.carp.testkit.junit5;
}
