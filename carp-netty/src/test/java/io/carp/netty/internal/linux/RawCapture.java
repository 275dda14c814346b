package io.carp.netty.internal.linux;

import io.carp.internal.protocol.CarpConstants;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Predicate;

/** Raw sockets for root-tagged tests: capture adverts and ARP frames, inject packets with chosen TTLs. */
public final class RawCapture {
    private RawCapture() {
    }

    /**
     * The interface index of an interface, looked up in a namespace.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return the index
     */
    public static int ifindex(NetworkNamespace ns, String interfaceName) {
        return ns.call(() -> {
            try (RtNetlink nl = RtNetlink.open()) {
                return nl.link(interfaceName).ifindex();
            }
        });
    }

    /**
     * A receiving IPv4 protocol-112 socket (member of 224.0.0.18) in a namespace.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return the socket; close it
     */
    public static NativeSocket ipv4Capture(NetworkNamespace ns, String interfaceName) {
        int ifindex = ifindex(ns, interfaceName);
        return ns.call(() -> CarpSockets.openIpv4(interfaceName, ifindex, null));
    }

    /**
     * An IPv6 protocol-112 socket (member of ff02::12) in a namespace, whose multicast hop limit is then set.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @param hopLimit      the multicast hop limit of what it sends
     * @return the socket; close it
     */
    public static NativeSocket ipv6Socket(NetworkNamespace ns, String interfaceName, int hopLimit) {
        int ifindex = ifindex(ns, interfaceName);
        NativeSocket s = ns.call(() -> CarpSockets.openIpv6(interfaceName, ifindex));
        s.setInt(Linux.IPPROTO_IPV6, Linux.IPV6_MULTICAST_HOPS, hopLimit, "IPV6_MULTICAST_HOPS");
        return s;
    }

    /**
     * Sets {@code IPV6_MINHOPCOUNT} (which Linux applies to TCP only, as the tests show).
     *
     * @param s     the socket
     * @param value the minimum hop count
     */
    public static void setMinHopCount(NativeSocket s, int value) {
        s.setInt(Linux.IPPROTO_IPV6, 73, value, "IPV6_MINHOPCOUNT");
    }

    /**
     * Reads {@code IP_MULTICAST_TTL} of a socket.
     *
     * @param s the socket
     * @return the value
     */
    public static int multicastTtl(NativeSocket s) {
        return s.getInt(Linux.IPPROTO_IP, Linux.IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    }

    /**
     * A packet socket that receives every ARP frame on an interface, Ethernet header included.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return the socket; close it
     */
    public static NativeSocket arpCapture(NetworkNamespace ns, String interfaceName) {
        int ifindex = ifindex(ns, interfaceName);
        return ns.call(() -> {
            int protocol = Short.toUnsignedInt(Short.reverseBytes((short) Linux.ETH_P_ARP)); // htons
            NativeSocket s = NativeSocket.open(Linux.AF_PACKET, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK, protocol,
                    "ARP capture on " + interfaceName);
            s.bind(SocketAddresses.linkLayer(ifindex, Linux.ETH_P_ARP, new byte[6]), "sockaddr_ll");
            return s;
        });
    }

    /**
     * A link-layer capture of the IPv6 frames an interface receives ({@code AF_PACKET}, {@code SOCK_RAW}, EtherType
     * 0x86dd): each datagram is the whole Ethernet frame, so a test sees the source MAC.
     *
     * @param ns            the namespace
     * @param interfaceName the interface
     * @return the socket; close it
     */
    public static NativeSocket ipv6FrameCapture(NetworkNamespace ns, String interfaceName) {
        int ifindex = ifindex(ns, interfaceName);
        return ns.call(() -> {
            int protocol = Short.toUnsignedInt(Short.reverseBytes((short) Linux.ETH_P_IPV6)); // htons
            NativeSocket s = NativeSocket.open(Linux.AF_PACKET, Linux.SOCK_RAW | Linux.SOCK_NONBLOCK, protocol,
                    "IPv6 frame capture on " + interfaceName);
            s.bind(SocketAddresses.linkLayer(ifindex, Linux.ETH_P_IPV6, new byte[6]), "sockaddr_ll");
            return s;
        });
    }

    /**
     * Waits for a datagram that matches.
     *
     * @param s             a non-blocking socket
     * @param timeoutMillis how long to wait
     * @param match         which datagram
     * @return the first matching datagram, or {@code null} on timeout
     */
    public static byte[] await(NativeSocket s, long timeoutMillis, Predicate<byte[]> match) {
        byte[] buffer = new byte[2048];
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            int n = s.receive(buffer, false);
            if (n < 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                continue;
            }
            byte[] packet = Arrays.copyOf(buffer, Math.min(n, buffer.length));
            if (match.test(packet)) {
                return packet;
            }
        }
        return null;
    }

    /**
     * Waits for an IPv6 packet on a socket from {@link #ipv6Socket}, with its hop limit.
     *
     * @param s             the socket
     * @param ifindex       its interface
     * @param timeoutMillis how long to wait
     * @return the packet, or {@code null}
     */
    public static Ipv6RawIo.Received awaitIpv6(NativeSocket s, int ifindex, long timeoutMillis) {
        Ipv6RawIo io = new Ipv6RawIo(s, ifindex);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Ipv6RawIo.Received r = io.receive();
            if (r != null) {
                return r;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Sends bytes to ff02::12 from an IPv6 socket.
     *
     * @param s       the socket
     * @param ifindex its interface
     * @param payload the bytes
     */
    public static void sendIpv6(NativeSocket s, int ifindex, byte[] payload) {
        new Ipv6RawIo(s, ifindex).send(ByteBuffer.wrap(payload),
                SocketAddresses.ipv6Address(CarpConstants.IN6ADDR_CARP_GROUP), (Inet6Address) null);
    }

    /**
     * Sends a CARP payload to 224.0.0.18 from an IPv4 socket of {@link #ipv4Capture}: the kernel adds the IP header
     * (TTL 255, the interface's primary address as source).
     *
     * @param s       the socket
     * @param payload the CARP bytes (header and whatever follows)
     */
    public static void sendIpv4(NativeSocket s, byte[] payload) {
        s.sendTo(payload, payload.length,
                SocketAddresses.ipv4((java.net.Inet4Address) SocketAddresses.address(CarpConstants.INADDR_CARP_GROUP)),
                "sendto 224.0.0.18");
    }
}
