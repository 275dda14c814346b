package io.carp;

import java.net.InetAddress;
import java.util.List;

/**
 * Puts the virtual addresses on the interface and tells the neighbours. Called on the group's protocol thread; each
 * call should finish in well under a millisecond (the Linux implementation uses rtnetlink, not a subprocess).
 * A method that fails throws an exception whose message says what happened (e.g. the kernel's errno); the group
 * logs it, counts it and, for {@link #claim} and {@link #refresh}, demotes itself so as not to advertise addresses it
 * does not hold.
 */
public interface AddressManager {

    /** An address manager that does nothing: the application moves the addresses in its callbacks. */
    AddressManager NONE = new AddressManager() {
        @Override
        public void claim(List<InetAddress> addresses) {
        }

        @Override
        public void release(List<InetAddress> addresses) {
        }

        @Override
        public void announce(List<InetAddress> addresses) {
        }
    };

    /**
     * Becoming MASTER: add the addresses to the interface and announce them (gratuitous ARP, unsolicited NA).
     *
     * @param addresses the group's virtual addresses
     */
    void claim(List<InetAddress> addresses);

    /**
     * Leaving MASTER: remove the addresses from the interface.
     *
     * @param addresses the group's virtual addresses
     */
    void release(List<InetAddress> addresses);

    /**
     * Announce the addresses again (the delayed gratuitous ARP, or after hearing a weaker master).
     *
     * @param addresses the group's virtual addresses
     */
    void announce(List<InetAddress> addresses);

    /**
     * Called after every advertisement a MASTER sends: a runtime that adds addresses with a kernel lifetime renews it
     * here, so that the kernel removes them by itself if the process dies. If it throws, the group demotes itself (by
     * 240, as for a failed claim) until a later renewal or claim succeeds, so that a healthy peer takes over before
     * the addresses expire. Default: nothing.
     *
     * @param addresses the group's virtual addresses
     */
    default void refresh(List<InetAddress> addresses) {
    }
}
