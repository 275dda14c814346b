package io.carp.netty.internal.linux;

import io.carp.internal.protocol.CarpConstants;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Opens and configures the raw sockets CARP needs on one interface. Every socket is non-blocking (an epoll loop
 * reads it), close-on-exec, and bound to the interface with {@code SO_BINDTODEVICE}. Needs {@code CAP_NET_RAW}.
 */
public final class CarpSockets {
    private static final int CARP_TTL = CarpConstants.CARP_DFLTTL;

    private CarpSockets() {
    }

    /**
     * The IPv4 protocol-112 socket, member of 224.0.0.18: {@code openIpv4(interfaceName, ifindex, source, true)}.
     *
     * @param interfaceName the interface
     * @param ifindex       its index
     * @param source        the source address for adverts, or {@code null} to let the kernel choose
     * @return the configured socket
     * @throws NativeException if a call fails; the socket is closed then
     */
    public static NativeSocket openIpv4(String interfaceName, int ifindex, Inet4Address source) {
        return openIpv4(interfaceName, ifindex, source, true);
    }

    /**
     * The IPv4 protocol-112 socket: multicast TTL and unicast TTL 255 (the multicast one is set explicitly: Netty's
     * {@code setTimeToLive} only sets {@code IP_TTL}; unicast adverts to peers leave with {@code IP_TTL}), TOS
     * low-delay, multicast loop off, {@code IP_MULTICAST_ALL} off, multicast interface and source set with
     * {@code ip_mreqn}, and optionally member of 224.0.0.18 on the interface (unicast adverts to this host arrive
     * without it). The kernel builds the IP header of what is sent; what is received starts with the IPv4 header.
     *
     * @param interfaceName the interface
     * @param ifindex       its index
     * @param source        the source address for adverts, or {@code null} to let the kernel choose
     * @param joinGroup     whether to join 224.0.0.18 now (see {@link #joinIpv4})
     * @return the configured socket
     * @throws NativeException if a call fails; the socket is closed then
     */
    public static NativeSocket openIpv4(String interfaceName, int ifindex, Inet4Address source, boolean joinGroup) {
        NativeSocket s = NativeSocket.open(Linux.AF_INET, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                CarpConstants.IPPROTO_CARP, "raw IPv4 protocol-112 socket on " + interfaceName);
        try {
            s.bindToDevice(interfaceName);
            byte[] sourceBytes = source == null ? new byte[4] : source.getAddress();
            s.setBytes(Linux.IPPROTO_IP, Linux.IP_MULTICAST_IF, ipMreqn(new byte[4], sourceBytes, ifindex),
                    "IP_MULTICAST_IF");
            s.setInt(Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, CARP_TTL, "IP_MULTICAST_TTL");
            s.setInt(Linux.IPPROTO_IP, Linux.IP_TTL, CARP_TTL, "IP_TTL");
            s.setInt(Linux.IPPROTO_IP, Linux.IP_TOS, CarpConstants.IPTOS_LOWDELAY, "IP_TOS");
            s.setInt(Linux.IPPROTO_IP, Linux.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            s.setInt(Linux.IPPROTO_IP, Linux.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
            enlargeReceiveBuffer(s);
            if (joinGroup) {
                joinIpv4(s, ifindex);
            }
            requireOption(s, Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, "IP_MULTICAST_TTL", CARP_TTL);
            requireOption(s, Linux.IPPROTO_IP, Linux.IP_TTL, "IP_TTL", CARP_TTL);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Receive buffer of a CARP socket: room for a burst of adverts of every vhid of a segment (255 masters that
     * advertise in one instant, e.g. with {@code alignAdverts}, or adverts that arrive while the JVM is paused). Each
     * small packet takes about 0.8-1.2 KiB of buffer (its {@code skb}'s true size), so the usual default (208 KiB,
     * {@code net.core.rmem_default}) holds about 200 of them. {@code SO_RCVBUFFORCE} (with {@code CAP_NET_ADMIN}) is
     * not capped by {@code net.core.rmem_max}; without the capability {@code SO_RCVBUF} gets what the limit allows.
     */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private static void enlargeReceiveBuffer(NativeSocket s) {
        try {
            s.setInt(Linux.SOL_SOCKET, Linux.SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES, "SO_RCVBUFFORCE");
        } catch (NativeException e) {
            s.setInt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, RECEIVE_BUFFER_BYTES, "SO_RCVBUF");
        }
    }

    /**
     * Joins 224.0.0.18 on the interface.
     *
     * @param fd      the descriptor of the socket from {@link #openIpv4} (now owned by a Netty channel)
     * @param ifindex the interface index
     */
    public static void joinIpv4(int fd, int ifindex) {
        joinIpv4(NativeSocket.adopt(fd, "IPv4 CARP socket"), ifindex);
    }

    private static void joinIpv4(NativeSocket s, int ifindex) {
        s.setBytes(Linux.IPPROTO_IP, Linux.IP_ADD_MEMBERSHIP,
                ipMreqn(CarpConstants.INADDR_CARP_GROUP, new byte[4], ifindex), "IP_ADD_MEMBERSHIP 224.0.0.18");
    }

    /**
     * Leaves 224.0.0.18 on the interface (closing the socket would too; this makes it explicit and immediate).
     *
     * @param fd      the descriptor of the socket from {@link #openIpv4} (now owned by a Netty channel)
     * @param ifindex the interface index
     */
    public static void leaveIpv4(int fd, int ifindex) {
        NativeSocket.adopt(fd, "IPv4 CARP socket").setBytes(Linux.IPPROTO_IP, Linux.IP_DROP_MEMBERSHIP,
                ipMreqn(CarpConstants.INADDR_CARP_GROUP, new byte[4], ifindex), "IP_DROP_MEMBERSHIP 224.0.0.18");
    }

    /**
     * Changes the source address of the adverts an IPv4 socket sends ({@code IP_MULTICAST_IF} with an
     * {@code ip_mreqn}; the kernel uses its address as the source of multicast packets from a raw socket).
     *
     * @param fd      the descriptor of the socket from {@link #openIpv4}
     * @param ifindex the interface index
     * @param source  the source address, or {@code null} to let the kernel choose
     */
    public static void setIpv4Source(int fd, int ifindex, Inet4Address source) {
        NativeSocket.adopt(fd, "IPv4 CARP socket").setBytes(Linux.IPPROTO_IP, Linux.IP_MULTICAST_IF,
                ipMreqn(new byte[4], source == null ? new byte[4] : source.getAddress(), ifindex), "IP_MULTICAST_IF");
    }

    /**
     * Reads the multicast TTL back from a descriptor (for tests and diagnostics).
     *
     * @param fd a socket descriptor
     * @return the {@code IP_MULTICAST_TTL} value
     */
    public static int multicastTtl(int fd) {
        return NativeSocket.adopt(fd, "socket").getInt(Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    }

    /**
     * The IPv6 protocol-112 socket, member of ff02::12: {@code openIpv6(interfaceName, ifindex, true)}.
     *
     * @param interfaceName the interface
     * @param ifindex       its index
     * @return the configured socket
     */
    public static NativeSocket openIpv6(String interfaceName, int ifindex) {
        return openIpv6(interfaceName, ifindex, true);
    }

    /**
     * The IPv6 protocol-112 socket: multicast and unicast hop limit 255, multicast loop off, interface set,
     * optionally member of ff02::12 on the interface, and {@code IPV6_RECVHOPLIMIT} + {@code IPV6_RECVPKTINFO} on so
     * that {@link Ipv6RawIo#receive()} learns each packet's hop limit and destination (a raw IPv6 socket delivers no
     * IPv6 header).
     *
     * @param interfaceName the interface
     * @param ifindex       its index
     * @param joinGroup     whether to join ff02::12 now (see {@link #joinIpv6})
     * @return the configured socket
     */
    public static NativeSocket openIpv6(String interfaceName, int ifindex, boolean joinGroup) {
        NativeSocket s = NativeSocket.open(Linux.AF_INET6, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                CarpConstants.IPPROTO_CARP, "raw IPv6 protocol-112 socket on " + interfaceName);
        try {
            s.bindToDevice(interfaceName);
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, CARP_TTL, "IPV6_MULTICAST_HOPS");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_UNICAST_HOPS, CARP_TTL, "IPV6_UNICAST_HOPS");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            try {
                s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
            } catch (NativeException e) {
                // Linux < 4.20: the interface binding still limits what arrives.
            }
            enlargeReceiveBuffer(s);
            if (joinGroup) {
                joinIpv6(s, ifindex);
            }
            requireOption(s, Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS", CARP_TTL);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Joins ff02::12 on the interface.
     *
     * @param socket  the socket from {@link #openIpv6}
     * @param ifindex the interface index
     */
    public static void joinIpv6(NativeSocket socket, int ifindex) {
        socket.setBytes(Linux.IPPROTO_IPV6, Linux.IPV6_ADD_MEMBERSHIP,
                ipv6Mreq(CarpConstants.IN6ADDR_CARP_GROUP, ifindex), "IPV6_ADD_MEMBERSHIP ff02::12");
    }

    /**
     * Leaves ff02::12 on the interface.
     *
     * @param socket  the socket from {@link #openIpv6}
     * @param ifindex the interface index
     */
    public static void leaveIpv6(NativeSocket socket, int ifindex) {
        socket.setBytes(Linux.IPPROTO_IPV6, Linux.IPV6_DROP_MEMBERSHIP,
                ipv6Mreq(CarpConstants.IN6ADDR_CARP_GROUP, ifindex), "IPV6_DROP_MEMBERSHIP ff02::12");
    }

    /**
     * A packet socket for gratuitous ARP: {@code AF_PACKET}/{@code SOCK_DGRAM} with protocol 0, so it receives
     * nothing; each send names the EtherType and the interface.
     *
     * @param interfaceName for error messages
     * @return the socket
     */
    public static NativeSocket openArp(String interfaceName) {
        return NativeSocket.open(Linux.AF_PACKET, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0,
                "ARP packet socket on " + interfaceName);
    }

    /**
     * Sends one gratuitous ARP request for an address.
     *
     * @param socket        from {@link #openArp}
     * @param interfaceName for error messages
     * @param ifindex       the interface
     * @param mac           our MAC
     * @param address       the virtual address
     */
    public static void sendGratuitousArp(NativeSocket socket, String interfaceName, int ifindex, byte[] mac,
                                         Inet4Address address) {
        send(socket, prepareGratuitousArp(interfaceName, ifindex, mac, address));
    }

    /**
     * Builds the gratuitous ARP for a virtual address once, to be sent by {@link #send(NativeSocket, PreparedFrame)}
     * as often as needed without building anything on the way (a takeover announces at once).
     *
     * @param interfaceName the interface, for error messages
     * @param ifindex       its index
     * @param mac           our MAC, 6 bytes
     * @param address       the virtual address
     * @return the prepared frame
     */
    public static PreparedFrame prepareGratuitousArp(String interfaceName, int ifindex, byte[] mac,
                                                     Inet4Address address) {
        return new PreparedFrame(GratuitousArp.arpPacket(mac, address),
                SocketAddresses.linkLayer(ifindex, Linux.ETH_P_ARP, GratuitousArp.BROADCAST),
                "gratuitous ARP for " + address.getHostAddress() + " on " + interfaceName, mac.clone());
    }

    /**
     * Sends a prepared frame.
     *
     * @param socket the packet socket
     * @param frame  the frame
     * @throws NativeException if the kernel refused it
     */
    public static void send(NativeSocket socket, PreparedFrame frame) {
        socket.sendTo(frame.packet, frame.packet.length, frame.destination, frame.what);
    }

    /** A link-layer packet with its destination, built once; see {@link #prepareGratuitousArp}. */
    public static final class PreparedFrame {
        private final byte[] packet;
        private final byte[] destination;
        private final String what;
        private final byte[] mac;

        PreparedFrame(byte[] packet, byte[] destination, String what, byte[] mac) {
            this.packet = packet;
            this.destination = destination;
            this.what = what;
            this.mac = mac;
        }

        /** Whether the frame was built for this source MAC. */
        public boolean isFrom(byte[] sourceMac) {
            return java.util.Arrays.equals(mac, sourceMac);
        }
    }

    /**
     * A raw ICMPv6 socket for unsolicited neighbour advertisements: hop limit 255 to ff02::1 on the interface, every
     * incoming ICMPv6 type filtered out so that nothing queues up on it.
     *
     * @param interfaceName the interface
     * @param ifindex       its index
     * @return the socket
     */
    public static NativeSocket openNeighborAdvertiser(String interfaceName, int ifindex) {
        NativeSocket s = NativeSocket.open(Linux.AF_INET6, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                Linux.IPPROTO_ICMPV6, "raw ICMPv6 socket on " + interfaceName);
        try {
            s.bindToDevice(interfaceName);
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, CARP_TTL, "IPV6_MULTICAST_HOPS");
            s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            byte[] blockAll = new byte[32];
            Arrays.fill(blockAll, (byte) 0xff);
            s.setBytes(Linux.IPPROTO_ICMPV6, Linux.ICMP6_FILTER, blockAll, "ICMP6_FILTER");
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Sends one unsolicited neighbour advertisement for an address to ff02::1 (the kernel fills in the checksum).
     *
     * @param socket        from {@link #openNeighborAdvertiser}
     * @param interfaceName for error messages
     * @param ifindex       the interface
     * @param mac           our MAC
     * @param address       the virtual address
     */
    public static void sendNeighborAdvertisement(NativeSocket socket, String interfaceName, int ifindex, byte[] mac,
                                                 java.net.Inet6Address address) {
        byte[] na = NeighborAdvertisement.message(address, mac);
        byte[] to = SocketAddresses.ipv6(SocketAddresses.ipv6Address(NeighborAdvertisement.ALL_NODES), ifindex);
        socket.sendTo(na, na.length, to, "neighbour advertisement for " + address.getHostAddress() + " on "
                + interfaceName);
    }

    private static void requireOption(NativeSocket s, int level, int option, String name, int expected) {
        int actual = s.getInt(level, option, name);
        if (actual != expected) {
            throw new IllegalStateException(name + " reads back as " + actual + " on the " + s.label()
                    + " (expected: " + expected + ")");
        }
    }

    /** {@code struct ip_mreqn}: group, local address, interface index. */
    static byte[] ipMreqn(byte[] group, byte[] local, int ifindex) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.put(0, group).put(4, local).putInt(8, ifindex);
        return b.array();
    }

    /** {@code struct ipv6_mreq}: group, interface index. */
    static byte[] ipv6Mreq(byte[] group, int ifindex) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.put(0, group).putInt(16, ifindex);
        return b.array();
    }
}
