package io.carp.netty.internal.linux;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes the ancillary data ({@code struct cmsghdr} records) of raw sockets: the hop limit and the
 * destination of a received IPv6 packet, the source of a sent IPv6 or IPv4 one. 64-bit layout: {@code cmsg_len} is 8
 * bytes, data is 8-byte aligned. Pure: no I/O.
 */
final class ControlMessages {
    /** {@code CMSG_LEN(0)} on 64-bit Linux. */
    static final int HEADER_LEN = 16;
    /** {@code sizeof(struct in6_pktinfo)}. */
    static final int IN6_PKTINFO_LEN = 20;
    /** {@code CMSG_SPACE(sizeof(struct in6_pktinfo))}. */
    static final int PKTINFO_SPACE = HEADER_LEN + align(IN6_PKTINFO_LEN);
    /** {@code sizeof(struct in_pktinfo)}: ifindex, local (source) address, header destination. */
    static final int IN_PKTINFO_LEN = 12;
    /** {@code CMSG_SPACE(sizeof(struct in_pktinfo))}. */
    static final int IPV4_PKTINFO_SPACE = HEADER_LEN + align(IN_PKTINFO_LEN);

    private ControlMessages() {
    }

    /** What the kernel said about a received IPv6 packet. */
    record Ipv6Info(int hopLimit, Inet6Address destination, int ifindex) {
    }

    /**
     * Finds one record in received control data, without allocating.
     *
     * @param control    the control buffer, native byte order, records from index 0
     * @param limit      how many bytes of it the kernel wrote ({@code msg_controllen})
     * @param level      the record's level (e.g. {@code SOL_SOCKET})
     * @param type       its type (e.g. {@code SCM_TIMESTAMPNS})
     * @param minDataLen the least data it must carry
     * @return the index of its data, or -1 if there is no such record
     */
    static int find(ByteBuffer control, int limit, int level, int type, int minDataLen) {
        int p = 0;
        while (p + HEADER_LEN <= limit) {
            long length = control.getLong(p);
            if (length < HEADER_LEN || p + length > limit) {
                return -1;
            }
            if (control.getInt(p + 8) == level && control.getInt(p + 12) == type
                    && length - HEADER_LEN >= minDataLen) {
                return p + HEADER_LEN;
            }
            p += align((int) length);
        }
        return -1;
    }

    /**
     * Parses the control buffer of a {@code recvmsg} on an IPv6 socket with {@code IPV6_RECVHOPLIMIT} and
     * {@code IPV6_RECVPKTINFO}.
     *
     * @param control the control bytes, from 0 to {@code msg_controllen}
     * @return hop limit (-1 if absent), destination ({@code null} if absent) and arrival interface (0 if absent)
     */
    static Ipv6Info parseIpv6(ByteBuffer control) {
        ByteBuffer b = control.slice().order(ByteOrder.nativeOrder());
        int hopLimit = -1;
        Inet6Address destination = null;
        int ifindex = 0;
        int p = 0;
        while (p + HEADER_LEN <= b.limit()) {
            long length = b.getLong(p);
            if (length < HEADER_LEN || p + length > b.limit()) {
                break;
            }
            int level = b.getInt(p + 8);
            int type = b.getInt(p + 12);
            int data = p + HEADER_LEN;
            int dataLength = (int) length - HEADER_LEN;
            if (level == Linux.IPPROTO_IPV6 && type == Linux.IPV6_HOPLIMIT && dataLength >= 4) {
                hopLimit = b.getInt(data);
            } else if (level == Linux.IPPROTO_IPV6 && type == Linux.IPV6_PKTINFO && dataLength >= IN6_PKTINFO_LEN) {
                byte[] raw = new byte[16];
                b.get(data, raw);
                destination = SocketAddresses.ipv6Address(raw);
                ifindex = b.getInt(data + 16);
            }
            p += align((int) length);
        }
        return new Ipv6Info(hopLimit, destination, ifindex);
    }

    /**
     * Writes an {@code IPV6_PKTINFO} record that picks the source address and interface of a sent packet.
     *
     * @param out     where to write, {@link #PKTINFO_SPACE} bytes from its position
     * @param source  the source address
     * @param ifindex the interface index
     */
    static void writePktinfo(ByteBuffer out, Inet6Address source, int ifindex) {
        ByteBuffer b = out.duplicate().order(ByteOrder.nativeOrder());
        writePktinfo(b, b.position(), source.getAddress(), ifindex);
    }

    /**
     * As {@link #writePktinfo(ByteBuffer, Inet6Address, int)}, at an absolute offset of a buffer in native order,
     * allocating nothing.
     */
    static void writePktinfo(ByteBuffer b, int p, byte[] source, int ifindex) {
        for (int i = 0; i < PKTINFO_SPACE; i++) {
            b.put(p + i, (byte) 0);
        }
        b.putLong(p, HEADER_LEN + IN6_PKTINFO_LEN);
        b.putInt(p + 8, Linux.IPPROTO_IPV6);
        b.putInt(p + 12, Linux.IPV6_PKTINFO);
        b.put(p + HEADER_LEN, source);
        b.putInt(p + HEADER_LEN + 16, ifindex);
    }

    /**
     * Writes an {@code IP_PKTINFO} record that picks the source address and interface of a sent IPv4 packet
     * ({@code ipi_spec_dst} is the source; {@code ipi_addr} is ignored on send).
     *
     * @param out     where to write, {@link #IPV4_PKTINFO_SPACE} bytes from its position
     * @param source  the source address
     * @param ifindex the interface index
     */
    static void writeIpv4Pktinfo(ByteBuffer out, java.net.Inet4Address source, int ifindex) {
        ByteBuffer b = out.duplicate().order(ByteOrder.nativeOrder());
        writeIpv4Pktinfo(b, b.position(), source.getAddress(), ifindex);
    }

    /**
     * As {@link #writeIpv4Pktinfo(ByteBuffer, java.net.Inet4Address, int)}, at an absolute offset of a buffer in
     * native order, allocating nothing.
     */
    static void writeIpv4Pktinfo(ByteBuffer b, int p, byte[] source, int ifindex) {
        for (int i = 0; i < IPV4_PKTINFO_SPACE; i++) {
            b.put(p + i, (byte) 0);
        }
        b.putLong(p, HEADER_LEN + IN_PKTINFO_LEN);
        b.putInt(p + 8, Linux.IPPROTO_IP);
        b.putInt(p + 12, Linux.IP_PKTINFO);
        b.putInt(p + HEADER_LEN, ifindex);
        b.put(p + HEADER_LEN + 4, source);
    }

    /** Space of one record carrying an {@code int} ({@code IP_TOS}, {@code IPV6_TCLASS}). */
    static final int INT_SPACE = HEADER_LEN + align(4);

    /**
     * Writes a record carrying one {@code int}, e.g. {@code IP_TOS} or {@code IPV6_TCLASS}: the IPv4 TOS / IPv6 traffic
     * class of one sent packet instead of the socket's ({@code ip_cmsg_send}, {@code ip6_datagram_send_ctl}).
     *
     * @param out   where to write, {@link #INT_SPACE} bytes from its position
     * @param level {@code IPPROTO_IP} or {@code IPPROTO_IPV6}
     * @param type  the option
     * @param value the value
     */
    static void writeInt(ByteBuffer out, int level, int type, int value) {
        ByteBuffer b = out.duplicate().order(ByteOrder.nativeOrder());
        writeInt(b, b.position(), level, type, value);
    }

    /** As {@link #writeInt(ByteBuffer, int, int, int)}, at an absolute offset of a buffer in native order. */
    static void writeInt(ByteBuffer b, int p, int level, int type, int value) {
        for (int i = 0; i < INT_SPACE; i++) {
            b.put(p + i, (byte) 0);
        }
        b.putLong(p, HEADER_LEN + 4);
        b.putInt(p + 8, level);
        b.putInt(p + 12, type);
        b.putInt(p + HEADER_LEN, value);
    }

    private static int align(int length) {
        return (length + 7) & ~7;
    }
}
