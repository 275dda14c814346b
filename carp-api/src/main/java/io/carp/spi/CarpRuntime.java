package io.carp.spi;

/**
 * Carries CARP groups: provides their protocol thread, clock, packet I/O and address management.
 * Implemented by the Linux transport and by the testkit's simulated nodes.
 */
public interface CarpRuntime {

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
