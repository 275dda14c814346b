package io.carp.spi;

import io.carp.AddressManager;

import io.carp.IpFamily;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** What a runtime gives one attached group. Methods are called on {@link #loop()} unless stated otherwise. */
public interface RuntimeBinding {

    /** The group's protocol thread and clock. */
    ProtocolLoop loop();

    /**
     * Sends one advertisement to the CARP group address (or the configured peers) of a family.
     *
     * @param family     IPv4 or IPv6
     * @param carpHeader the 36 CARP bytes, from position to limit; the runtime adds the IP header (TTL 255)
     * @throws java.io.UncheckedIOException or another runtime exception if the packet could not be sent; the group
     *                                      counts it and goes on
     */
    void send(IpFamily family, ByteBuffer carpHeader);

    /**
     * A VRRP message whose bytes depend on where it travels: VRRPv3's checksum covers the source and destination
     * addresses (RFC 9568 §5.2.8), so each unicast peer gets its own checksum.
     */
    @FunctionalInterface
    interface VrrpMessage {
        /**
         * The VRRP bytes (no IP header) for one destination.
         *
         * @param source      the address the runtime sends from
         * @param destination 224.0.0.18, ff02::12 or a unicast peer
         * @return the bytes, from position to limit
         */
        ByteBuffer bytes(InetAddress source, InetAddress destination);
    }

    /**
     * Sends one VRRP advertisement of a family to the family's multicast group (224.0.0.18 / ff02::12), or to each of
     * the group's unicast peers of that family, from {@link #sourceAddress(IpFamily)}, with TTL / hop limit 255.
     *
     * @param family  IPv4 or IPv6
     * @param message gives the bytes for each destination
     * @throws java.io.UncheckedIOException or another runtime exception if a packet could not be sent; the group
     *                                      counts it and goes on
     * @throws UnsupportedOperationException from a runtime that does not carry VRRP (the default)
     */
    default void sendVrrp(IpFamily family, VrrpMessage message) {
        throw new UnsupportedOperationException("this runtime does not send VRRP advertisements");
    }

    /** Adds, removes and announces the virtual addresses. */
    AddressManager addressManager();

    /**
     * The address this node sends adverts from in the family, or {@code null} if it has none; used to recognise our
     * own packets and to break ties between equal advertisements.
     *
     * @param family IPv4 or IPv6
     * @return the source address, or {@code null}
     */
    InetAddress sourceAddress(IpFamily family);

    /** Whether the interface is up with carrier right now. */
    boolean linkUp();

    /** A random 64-bit value (the counter's first value); seeded in the testkit so that runs repeat. */
    long randomLong();

    /** Stops delivering packets and link events to the group and frees what the runtime held for it. */
    void detach();
}
