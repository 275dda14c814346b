package io.carp.netty.internal.linux;

import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * Builds the unsolicited ICMPv6 neighbour advertisement (RFC 4861 §4.4, §7.2.6) that announces a virtual IPv6
 * address after a takeover: type 136, Override flag set (Solicited and Router clear), target = the virtual address,
 * a target link-layer address option carrying our MAC; sent to {@code ff02::1} with hop limit 255. Pure: no I/O.
 */
public final class NeighborAdvertisement {
    /** ICMPv6 type of a neighbour advertisement. */
    public static final int TYPE = 136;
    /** The Override flag, in the first byte after the checksum. */
    public static final int FLAG_OVERRIDE = 0x20;
    /** Option type "target link-layer address". */
    public static final int OPTION_TARGET_LLADDR = 2;
    /** Length of the message with one Ethernet link-layer option. */
    public static final int LENGTH = 32;
    /** The all-nodes multicast address the announcement goes to. */
    public static final byte[] ALL_NODES = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private NeighborAdvertisement() {
    }

    /**
     * The ICMPv6 message with a zero checksum: a raw {@code IPPROTO_ICMPV6} socket fills the checksum in.
     *
     * @param target    the virtual address
     * @param senderMac our MAC, 6 bytes
     * @return 32 bytes
     */
    public static byte[] message(Inet6Address target, byte[] senderMac) {
        GratuitousArp.checkMac(senderMac);
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) TYPE).put((byte) 0).putShort((short) 0); // type, code, checksum
        b.put((byte) FLAG_OVERRIDE).put(new byte[3]); // R=0 S=0 O=1, reserved
        b.put(target.getAddress());
        b.put((byte) OPTION_TARGET_LLADDR).put((byte) 1).put(senderMac); // length in units of 8 bytes
        return b.array();
    }

    /**
     * The same message with its checksum computed over the IPv6 pseudo-header, as it appears on the wire.
     *
     * @param source      the IPv6 source the packet is sent from
     * @param destination the destination, normally {@code ff02::1}
     * @param target      the virtual address
     * @param senderMac   our MAC
     * @return 32 bytes
     */
    public static byte[] messageWithChecksum(Inet6Address source, Inet6Address destination, Inet6Address target,
                                             byte[] senderMac) {
        byte[] m = message(target, senderMac);
        int sum = checksum(source.getAddress(), destination.getAddress(), m);
        m[2] = (byte) (sum >>> 8);
        m[3] = (byte) sum;
        return m;
    }

    /** Length of the IPv6 header. */
    public static final int IPV6_HEADER_LENGTH = 40;
    /** The Ethernet destination of {@code ff02::1} (RFC 2464 section 7: {@code 33:33} and the last 32 bits). */
    public static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};

    /**
     * The whole IPv6 packet of an unsolicited neighbour advertisement, for a packet socket that sends it out of the
     * virtual MAC interface (so that the Ethernet source is the virtual MAC): version 6, traffic class 0, hop limit
     * 255 (RFC 4861 section 7.1.2 makes receivers drop anything else), next header 58, to {@code ff02::1}, from the
     * virtual address itself, as keepalived's {@code ndisc_send_unsolicited_na_immediate} ({@code vrrp_ndisc.c})
     * does (the address is on the interface the packet leaves from, RFC 4861 section 4.4), followed by the message of
     * {@link #messageWithChecksum}.
     *
     * @param target    the virtual address (also the source)
     * @param senderMac the virtual MAC, 6 bytes
     * @return 72 bytes
     */
    public static byte[] ipv6Packet(Inet6Address target, byte[] senderMac) {
        Inet6Address allNodes = SocketAddresses.ipv6Address(ALL_NODES);
        byte[] message = messageWithChecksum(target, allNodes, target, senderMac);
        ByteBuffer b = ByteBuffer.allocate(IPV6_HEADER_LENGTH + message.length);
        b.putInt(6 << 28); // version 6, traffic class 0, flow label 0
        b.putShort((short) message.length).put((byte) Linux.IPPROTO_ICMPV6).put((byte) 255);
        b.put(target.getAddress()).put(ALL_NODES).put(message);
        return b.array();
    }

    /**
     * The ICMPv6 checksum (RFC 4443 §2.3): the ones' complement of the ones' complement sum over the pseudo-header
     * (source, destination, upper-layer length, next header 58) and the message.
     *
     * @param source      16 bytes
     * @param destination 16 bytes
     * @param message     the ICMPv6 message with a zero checksum field
     * @return the checksum, 0-65535
     */
    static int checksum(byte[] source, byte[] destination, byte[] message) {
        long sum = 0;
        sum += sum16(source) + sum16(destination);
        sum += message.length;
        sum += Linux.IPPROTO_ICMPV6;
        sum += sum16(message);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum16(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            int hi = b[i] & 0xff;
            int lo = i + 1 < b.length ? b[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }
}
