package io.carp.netty.internal;

import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The CARP socket of one address family on one interface, as {@link FamilySocket} uses it: {@link Ipv4Transport}
 * (a Netty epoll datagram channel) or {@link Ipv6Transport} (a raw socket read with {@code recvmsg}). Addresses are
 * of the transport's family. Sends and announcements run on the event loop.
 */
interface FamilyTransport {

    /** Completes when the socket is registered on the event loop. */
    Future<?> registration();

    /**
     * Sends the CARP bytes to the family's multicast group with TTL / hop limit 255.
     *
     * @param carpHeader from position to limit; not consumed
     * @param source     the pinned source address, or {@code null} for the kernel's choice
     * @param tos          the IPv4 TOS / IPv6 traffic class of the packet, or {@link #SOCKET_TOS} for the socket's
     *                     (CARP: low delay / 0)
     */
    void sendMulticast(ByteBuffer carpHeader, InetAddress source, int tos);

    /**
     * Sends the CARP bytes to one unicast peer with TTL / hop limit 255.
     *
     * @param source the pinned source address, or {@code null} for the kernel's choice
     * @param tos    the IPv4 TOS / IPv6 traffic class of the packet, or {@link #SOCKET_TOS} for the socket's
     */
    void sendUnicast(ByteBuffer carpHeader, InetAddress peer, InetAddress source, int tos);

    /** The TOS / traffic class argument that keeps the socket's own (CARP's). */
    int SOCKET_TOS = -1;

    /**
     * Sends the CARP bytes out of another interface than the socket's (a virtual MAC macvlan on top of it), to the
     * multicast group or a peer, from {@code source} ({@code IP_PKTINFO} names the interface).
     *
     * @throws UnsupportedOperationException for a family that cannot (IPv6: its socket is bound to the parent, so an
     *                                       IPv6 group sends through {@code VirtualMacSockets} instead)
     */
    default void sendVia(ByteBuffer carpHeader, InetAddress destination, InetAddress source, int ifindex, int tos) {
        throw new UnsupportedOperationException("sending through a virtual MAC interface is IPv4 only");
    }

    /**
     * Sends one gratuitous ARP for a virtual address out of interface {@code ifindex}, from {@code mac} (IPv4; an IPv6
     * group announces through {@code VirtualMacSockets}).
     */
    default void announceVia(byte[] mac, InetAddress address, int ifindex) {
        throw new UnsupportedOperationException("announcing through a virtual MAC interface is IPv4 only");
    }

    /** Joins or leaves the multicast group. */
    void setMember(boolean join);

    /** Sends one gratuitous ARP / unsolicited neighbour advertisement for a virtual address, from {@code mac}. */
    void announce(byte[] mac, InetAddress address);

    /**
     * Builds the announcements of these addresses ahead of a takeover, so that the first one goes out without
     * building anything. Does nothing by default.
     */
    default void prepareAnnouncements(byte[] mac, java.util.List<InetAddress> addresses) {
    }

    /**
     * Pins (or, with {@code null}, unpins) the source address on the socket itself where the family needs it (IPv4
     * multicast sends take it from {@code IP_PKTINFO}); IPv6 passes it with each send instead.
     */
    void pinSource(InetAddress source);

    /** Closes the socket (leaving the group first if a member). */
    void close();
}
