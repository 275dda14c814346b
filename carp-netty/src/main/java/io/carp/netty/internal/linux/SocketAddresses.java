package io.carp.netty.internal.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes the {@code sockaddr} structures the transport passes to the kernel. Family and {@code ifindex}
 * fields are in host order, ports and protocol numbers in network order, as in C.
 */
final class SocketAddresses {
    /** {@code sizeof(struct sockaddr_in)}. */
    static final int SOCKADDR_IN_LEN = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    static final int SOCKADDR_IN6_LEN = 28;
    /** {@code sizeof(struct sockaddr_ll)}. */
    static final int SOCKADDR_LL_LEN = 20;
    /** {@code sizeof(struct sockaddr_nl)}. */
    static final int SOCKADDR_NL_LEN = 12;

    private SocketAddresses() {
    }

    /** {@code struct sockaddr_in} with port 0. */
    static byte[] ipv4(Inet4Address address) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN_LEN).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Linux.AF_INET);
        b.put(4, address.getAddress());
        return b.array();
    }

    /** {@code struct sockaddr_in6} with port 0 and the given scope (interface index for link-local/multicast). */
    static byte[] ipv6(Inet6Address address, int scopeId) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN6_LEN).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Linux.AF_INET6);
        b.put(8, address.getAddress());
        b.putInt(24, scopeId);
        return b.array();
    }

    /**
     * {@code struct sockaddr_ll} for sending a frame on an interface.
     *
     * @param ifindex      the interface index
     * @param etherType    e.g. {@code 0x0806}; stored in network order
     * @param destination  the link-layer destination (6 bytes)
     * @return the structure
     */
    static byte[] linkLayer(int ifindex, int etherType, byte[] destination) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL_LEN).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Linux.AF_PACKET);
        b.put(2, (byte) (etherType >>> 8)).put(3, (byte) etherType);
        b.putInt(4, ifindex);
        b.putShort(8, (short) Linux.ARPHRD_ETHER);
        b.put(10, (byte) 0);
        b.put(11, (byte) destination.length);
        b.put(12, destination);
        return b.array();
    }

    /** {@code struct sockaddr_nl} (pid 0 = the kernel, or "assign me one" when binding). */
    static byte[] netlink(int groups) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_NL_LEN).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Linux.AF_NETLINK);
        b.putInt(8, groups);
        return b.array();
    }

    /**
     * Decodes the address of a {@code sockaddr_in6} (scope dropped).
     *
     * @param b      the bytes
     * @param offset where the structure starts
     * @return the address
     */
    static Inet6Address decodeIpv6(ByteBuffer b, int offset) {
        byte[] raw = new byte[16];
        b.get(offset + 8, raw);
        return ipv6Address(raw);
    }

    static Inet6Address ipv6Address(byte[] raw) {
        try {
            return Inet6Address.getByAddress(null, raw, (java.net.NetworkInterface) null);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + raw.length + " bytes", e);
        }
    }

    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + raw.length + " bytes", e);
        }
    }
}
