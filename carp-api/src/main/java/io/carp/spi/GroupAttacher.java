package io.carp.spi;

/**
 * The runtime side of attaching a group: the Linux transport and the testkit's simulated nodes implement it and hand
 * it to the group engine's factory from their {@link io.carp.CarpRuntime#createGroup}.
 */
@FunctionalInterface
public interface GroupAttacher {

    /**
     * Attaches a group. Called once by {@link io.carp.CarpGroup#start()}, on any thread. The runtime registers the
     * group for packets of its vhid (see {@link CarpDispatcher}) and delivers them on {@link RuntimeBinding#loop()}.
     *
     * @param group the group to carry
     * @return the group's binding to this runtime
     * @throws IllegalStateException with a one-sentence explanation if the group cannot run here (missing
     *                               privileges, unknown interface, duplicate vhid on the interface, ...)
     */
    RuntimeBinding attach(GroupEndpoint group);
}
