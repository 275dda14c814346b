package io.carp.netty.internal.linux;

import io.carp.internal.protocol.CarpConstants;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * The send-only sockets an IPv6 group uses on its virtual MAC interface (a macvlan of {@link VirtualMacInterface}), so
 * that what it sends leaves with the virtual MAC as the Ethernet source:
 * <ul>
 *   <li>a raw IPv6 protocol-112 socket bound to the macvlan for the adverts (hop limit 255, loop off,
 *   {@code IPV6_MULTICAST_ALL} off and no group joined, so it receives nothing; the adverts of the other nodes are
 *   read by the socket on the parent). The socket on the parent cannot send through the macvlan: the kernel refuses an
 *   {@code IPV6_PKTINFO} interface other than the one a socket is bound to ({@code ip6_datagram_send_ctl}). keepalived
 *   does the same: its send socket is bound to the vmac ({@code open_vrrp_send_socket} in {@code vrrp.c}) and its
 *   {@code IPV6_PKTINFO} names the vmac;</li>
 *   <li>a packet socket ({@code AF_PACKET}, {@code SOCK_DGRAM}, protocol 0: receives nothing) for the unsolicited
 *   neighbour advertisements, built whole ({@link NeighborAdvertisement#ipv6Packet}) and sent to
 *   {@code 33:33:00:00:00:01} out of the macvlan, as keepalived's {@code vrrp_ndisc.c} sends them from the vmac.</li>
 * </ul>
 * Open inside the interface's network namespace; send from the group's event loop; not thread-safe.
 */
public final class VirtualMacSockets implements AutoCloseable {
    private static final int CARP_HOP_LIMIT = 255;

    private final String interfaceName;
    private final int ifindex;
    private final NativeSocket advertiser;
    private final NativeSocket frames;
    private final Ipv6RawIo io;

    private VirtualMacSockets(String interfaceName, int ifindex, NativeSocket advertiser, NativeSocket frames) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.advertiser = advertiser;
        this.frames = frames;
        this.io = new Ipv6RawIo(advertiser, ifindex);
    }

    /**
     * Opens both sockets on the macvlan. Call from a thread inside its namespace.
     *
     * @param interfaceName the macvlan
     * @param ifindex       its index
     * @return the sockets; close them
     * @throws NativeException if a call fails (nothing stays open then)
     */
    public static VirtualMacSockets open(String interfaceName, int ifindex) {
        NativeSocket s = NativeSocket.open(Linux.AF_INET6, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                CarpConstants.IPPROTO_CARP,
                "raw IPv6 protocol-112 send socket on " + interfaceName);
        NativeSocket packet = null;
        try {
            s.bindToDevice(interfaceName);
            s.setInt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, 0, "SO_RCVBUF"); // the kernel's minimum: it reads nothing
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, CARP_HOP_LIMIT, "IPV6_MULTICAST_HOPS");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_UNICAST_HOPS, CARP_HOP_LIMIT, "IPV6_UNICAST_HOPS");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            try {
                s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
            } catch (NativeException e) {
                // Linux < 4.20: a few adverts may queue up unread in the minimal receive buffer; harmless.
            }
            packet = NativeSocket.open(Linux.AF_PACKET, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0,
                    "packet socket for neighbour advertisements on " + interfaceName);
            return new VirtualMacSockets(interfaceName, ifindex, s, packet);
        } catch (RuntimeException e) {
            s.close();
            if (packet != null) {
                packet.close();
            }
            throw e;
        }
    }

    /** The macvlan's index. */
    public int ifindex() {
        return ifindex;
    }

    /**
     * Sends one advert out of the macvlan.
     *
     * @param payload     the CARP or VRRP bytes, from position to limit (not consumed)
     * @param destination {@code ff02::12} or a unicast peer
     * @param source      the source address: an address on the macvlan (the copy of the parent's link-local one)
     * @param trafficClass the traffic class, or -1 for the socket's (0)
     * @throws NativeException on failure
     */
    public void sendAdvert(ByteBuffer payload, Inet6Address destination, Inet6Address source, int trafficClass) {
        io.send(payload, destination, source, trafficClass);
    }

    /**
     * Sends one unsolicited neighbour advertisement for a virtual address out of the macvlan, from its MAC.
     *
     * @param mac     the virtual MAC (the macvlan's)
     * @param address the virtual address
     * @throws NativeException on failure
     */
    public void announce(byte[] mac, Inet6Address address) {
        byte[] packet = NeighborAdvertisement.ipv6Packet(address, mac);
        byte[] to = SocketAddresses.linkLayer(ifindex, Linux.ETH_P_IPV6, NeighborAdvertisement.ALL_NODES_MAC);
        frames.sendTo(packet, packet.length, to, "neighbour advertisement for " + address.getHostAddress()
                + " on " + interfaceName);
    }

    /** Closes both sockets. Idempotent. */
    @Override
    public void close() {
        advertiser.close();
        frames.close();
    }

    @Override
    public String toString() {
        return "IPv6 send sockets on " + interfaceName;
    }
}
