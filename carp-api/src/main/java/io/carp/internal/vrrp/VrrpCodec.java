package io.carp.internal.vrrp;

import static io.carp.internal.vrrp.VrrpConstants.CENTIS_PER_SECOND;
import static io.carp.internal.vrrp.VrrpConstants.HEADER_LEN;
import static io.carp.internal.vrrp.VrrpConstants.IPPROTO_VRRP;
import static io.carp.internal.vrrp.VrrpConstants.TYPE_ADVERTISEMENT;
import static io.carp.internal.vrrp.VrrpConstants.V2_AUTH_DATA_LEN;
import static io.carp.internal.vrrp.VrrpConstants.V2_MAX_INTERVAL_SECONDS;
import static io.carp.internal.vrrp.VrrpConstants.V3_INTERVAL_MASK;
import static io.carp.internal.vrrp.VrrpConstants.V3_MAX_INTERVAL_CENTIS;
import static io.carp.internal.vrrp.VrrpConstants.VERSION_2;
import static io.carp.internal.vrrp.VrrpConstants.VERSION_3;
import static io.carp.internal.vrrp.VrrpConstants.VRRP_TTL;

import io.carp.DropReason;
import io.carp.internal.protocol.InternetChecksum;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.protocol.IpPackets;
import io.carp.IpFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes VRRP advertisements (VRRPv3, RFC 9568; VRRPv2, RFC 3768) and their IP envelopes. Static and
 * pure; see {@link VrrpAdvertisement} for the layouts.
 *
 * <p><b>Checksums.</b> VRRPv3 sums the IPv4 or IPv6 pseudo-header (source, destination, protocol 112, VRRP length)
 * and the VRRP message (RFC 9568 §5.2.8), so it depends on the destination: a unicast advert carries a different
 * checksum per peer (keepalived's default, {@code vrrp_update_pkt} in keepalived/vrrp/vrrp.c). VRRPv2 sums the VRRP
 * message only, authentication data included (RFC 3768 §5.3.8).
 *
 * <p><b>Received packets</b> are checked in the order of RFC 9568 §7.1: IP header (short or malformed:
 * {@link DropReason#SHORT}), IP protocol ({@link DropReason#FOREIGN}), TTL / hop limit 255
 * ({@link DropReason#BAD_TTL}), a CARP advertisement on the shared protocol number ({@link DropReason#FOREIGN}),
 * version and type ({@link DropReason#BAD_VERSION}; VRRPv2 has no IPv6 form), the complete message with every
 * address ({@link DropReason#SHORT}), the checksum ({@link DropReason#BAD_CHECKSUM}). What needs the group's
 * configuration (VRID, version, interval and authentication for VRRPv2, address list, own packet) is checked by the
 * group. Bytes after the complete message are ignored, as the CARP decoder does.
 */
public final class VrrpCodec {
    /** CARP's fixed header length and authlen byte (BSD {@code ip_carp.h}), to recognise CARP on protocol 112. */
    private static final int CARP_HEADER_LEN = 36;
    private static final int CARP_AUTHLEN = 7;
    /**
     * IPv4 TOS of VRRP adverts, keepalived's: IPTOS_PREC_INTERNETCONTROL ({@code vrrp_build_ip4} in keepalived's
     * {@code vrrp.c}; RFC 9568 section 5.1 sets no value). The Linux runtime sends VRRP adverts with it.
     */
    public static final int IPV4_TOS = 0xc0;
    /**
     * IPv6 traffic class of VRRP adverts, keepalived's: 0xc0 ({@code if_setsockopt_priority} in keepalived's
     * {@code vrrp_if.c}, {@code IPV6_TCLASS}; RFC 9568 section 5.1 sets no value). The Linux runtime sends VRRP adverts
     * with it.
     */
    public static final int IPV6_TRAFFIC_CLASS = 0xc0;

    private VrrpCodec() {
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes a VRRPv3 advertisement with its checksum over the pseudo-header of {@code source -> destination}.
     *
     * @param source         the sender's address: IPv4 primary address, or IPv6 link-local address
     * @param destination    224.0.0.18, ff02::12, or a unicast peer of the same family
     * @param vrid           1-255
     * @param priority       0-255
     * @param intervalCentis 1-4095 centiseconds
     * @param addresses      1-255 virtual addresses, all of the family of {@code source}
     * @return the VRRP message ({@code 8 + n*4} or {@code 8 + n*16} bytes)
     * @throws IllegalArgumentException if a value is out of range or the families differ (a caller bug: the builder
     *                                  has validated the configuration)
     */
    public static byte[] encodeV3(InetAddress source, InetAddress destination, int vrid, int priority,
                                  int intervalCentis, List<? extends InetAddress> addresses) {
        IpFamily family = IpFamily.of(source);
        if (IpFamily.of(destination) != family) {
            throw new IllegalArgumentException("destination " + destination.getHostAddress() + ": not " + family
                    + " (expected: the family of the source " + source.getHostAddress() + ")");
        }
        check("vrid", vrid, 1, 255);
        check("priority", priority, 0, 255);
        check("intervalCentis", intervalCentis, 1, V3_MAX_INTERVAL_CENTIS);
        check("addresses", addresses.size(), 1, 255);
        int addressLen = family == IpFamily.IPV4 ? 4 : 16;
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + addresses.size() * addressLen);
        b.put((byte) ((VERSION_3 << 4) | TYPE_ADVERTISEMENT));
        b.put((byte) vrid);
        b.put((byte) priority);
        b.put((byte) addresses.size());
        b.putShort((short) (intervalCentis & V3_INTERVAL_MASK));
        b.putShort((short) 0);
        for (InetAddress a : addresses) {
            if (IpFamily.of(a) != family) {
                throw new IllegalArgumentException("address " + a.getHostAddress() + ": not " + family
                        + " (expected: the family of the source " + source.getHostAddress() + ")");
            }
            b.put(a.getAddress());
        }
        byte[] message = b.array();
        int sum = v3Checksum(source.getAddress(), destination.getAddress(), ByteBuffer.wrap(message), 0,
                message.length);
        message[6] = (byte) (sum >>> 8);
        message[7] = (byte) sum;
        return message;
    }

    /**
     * Encodes a VRRPv2 advertisement (IPv4 only) with its checksum.
     *
     * @param vrid            1-255
     * @param priority        0-255
     * @param intervalSeconds 1-255 s
     * @param authType        0 (none) or 1 (simple text password)
     * @param authData        the 8 authentication bytes (a zero-padded password for type 1, zeros for type 0)
     * @param addresses       1-255 IPv4 virtual addresses
     * @return the VRRP message ({@code 8 + n*4 + 8} bytes)
     */
    public static byte[] encodeV2(int vrid, int priority, int intervalSeconds, int authType, byte[] authData,
                                  List<? extends InetAddress> addresses) {
        check("vrid", vrid, 1, 255);
        check("priority", priority, 0, 255);
        check("intervalSeconds", intervalSeconds, 1, V2_MAX_INTERVAL_SECONDS);
        check("authType", authType, 0, 1);
        check("authData length", authData.length, V2_AUTH_DATA_LEN, V2_AUTH_DATA_LEN);
        check("addresses", addresses.size(), 1, 255);
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + addresses.size() * 4 + V2_AUTH_DATA_LEN);
        b.put((byte) ((VERSION_2 << 4) | TYPE_ADVERTISEMENT));
        b.put((byte) vrid);
        b.put((byte) priority);
        b.put((byte) addresses.size());
        b.put((byte) authType);
        b.put((byte) intervalSeconds);
        b.putShort((short) 0);
        for (InetAddress a : addresses) {
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("address " + a.getHostAddress()
                        + ": not IPv4 (expected: VRRPv2 carries IPv4 addresses only, RFC 3768)");
            }
            b.put(a.getAddress());
        }
        b.put(authData);
        byte[] message = b.array();
        int sum = InternetChecksum.compute(message, 0, message.length);
        message[6] = (byte) (sum >>> 8);
        message[7] = (byte) sum;
        return message;
    }

    /**
     * The 8 authentication bytes of a VRRPv2 simple text password: the password's bytes, zero-padded (RFC 2338
     * §5.3.6.1; keepalived copies at most 8 bytes of {@code auth_pass}).
     *
     * @param password 1-8 bytes
     * @return 8 bytes
     */
    public static byte[] simpleTextAuthData(byte[] password) {
        check("password length", password.length, 1, V2_AUTH_DATA_LEN);
        byte[] data = new byte[V2_AUTH_DATA_LEN];
        System.arraycopy(password, 0, data, 0, password.length);
        return data;
    }

    /**
     * Wraps a VRRP message in an IPv4 header as keepalived sends it ({@code vrrp_build_ip4}): version 4, IHL 5,
     * TOS 0xc0 (internetwork control), no fragment flags, protocol 112, header checksum computed.
     *
     * @param source      sender address
     * @param destination 224.0.0.18 or a unicast peer
     * @param ttl         255
     * @param id          the IP identification field
     * @param message     the VRRP bytes
     * @return the whole IPv4 datagram
     */
    public static byte[] encodeIpv4(Inet4Address source, Inet4Address destination, int ttl, int id, byte[] message) {
        return IpPackets.ipv4(source, destination, IPV4_TOS, ttl, id, false, message);
    }

    /**
     * Wraps a VRRP message in a fixed IPv6 header as keepalived sends it: traffic class 0xc0, flow label 0, next header
     * 112, no extension headers.
     *
     * @param source      the sender's link-local address
     * @param destination ff02::12 or a unicast peer
     * @param hopLimit    255
     * @param message     the VRRP bytes
     * @return the whole IPv6 packet
     */
    public static byte[] encodeIpv6(Inet6Address source, Inet6Address destination, int hopLimit, byte[] message) {
        return IpPackets.ipv6(source, destination, IPV6_TRAFFIC_CLASS, hopLimit, message);
    }

    /**
     * The VRRPv3 checksum (RFC 9568 §5.2.8): the Internet checksum of the pseudo-header (IPv4: RFC 768's source,
     * destination, zero, protocol, length; IPv6: RFC 8200 §8.1's source, destination, 32-bit length, three zero
     * bytes, next header) followed by the message. Over a message that already carries its checksum it yields 0.
     *
     * @param source      4 or 16 bytes
     * @param destination the same length as {@code source}
     * @param message     the message bytes
     * @param offset      absolute index of the first message byte
     * @param length      message length
     * @return the 16-bit checksum
     */
    public static int v3Checksum(byte[] source, byte[] destination, ByteBuffer message, int offset, int length) {
        long sum = sum16(source) + sum16(destination) + IPPROTO_VRRP + (length >>> 16) + (length & 0xffff);
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((message.get(i) & 0xff) << 8) | (message.get(i + 1) & 0xff);
        }
        if (i < end) {
            sum += (message.get(i) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum16(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        return sum;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes an IPv4 datagram as a raw IPv4 socket delivers it (IP header included). The position is not changed.
     *
     * @param packet   the datagram, from position to limit
     * @param checkTtl whether a TTL other than 255 is a drop (RFC 9568 §7.1; off for unicast peers, as keepalived
     *                 does unless a TTL range is configured)
     * @return the advertisement or the reason it was dropped; never {@code null}, never throws on bad bytes
     */
    public static VrrpPacket decodeIpv4(ByteBuffer packet, boolean checkTtl) {
        return new VrrpDecoder().decodeIpv4(packet, checkTtl);
    }

    /**
     * Decodes an IPv6 packet with its fixed 40-byte header.
     *
     * @param packet   the packet, from position to limit; the position is not changed
     * @param checkTtl whether a hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public static VrrpPacket decodeIpv6(ByteBuffer packet, boolean checkTtl) {
        return new VrrpDecoder().decodeIpv6(packet, checkTtl);
    }

    /**
     * Decodes a VRRP payload whose IP envelope was read separately (an IPv6 raw socket delivers no IPv6 header).
     * The envelope's destination must be the address the packet was sent to: VRRPv3's checksum covers it.
     *
     * @param envelope the IP envelope
     * @param payload  the VRRP bytes from position to limit; the position is not changed
     * @param checkTtl whether a TTL / hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public static VrrpPacket decode(IpEnvelope envelope, ByteBuffer payload, boolean checkTtl) {
        return decodePayload(envelope, payload, payload.position(), payload.remaining(), checkTtl);
    }

    /** Checks and decodes one VRRP payload (allocates its result; {@link VrrpDecoder} keeps the last one). */
    static VrrpPacket decodePayload(IpEnvelope envelope, ByteBuffer b, int off, int len, boolean checkTtl) {
        int vrid = len >= 2 ? b.get(off + 1) & 0xff : -1;
        if (checkTtl && envelope.ttl() != VRRP_TTL) {
            return VrrpPacket.dropped(DropReason.BAD_TTL, vrid, envelope);
        }
        if (isCarp(b, off, len)) {
            return VrrpPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        if (len < HEADER_LEN) {
            return VrrpPacket.dropped(DropReason.SHORT, vrid, envelope);
        }
        int versionType = b.get(off) & 0xff;
        int version = versionType >>> 4;
        boolean ipv4 = envelope.family() == IpFamily.IPV4;
        if ((versionType & 0x0f) != TYPE_ADVERTISEMENT || (version != VERSION_3 && version != VERSION_2)
                || (version == VERSION_2 && !ipv4)) {
            return VrrpPacket.dropped(DropReason.BAD_VERSION, vrid, envelope);
        }
        int count = b.get(off + 3) & 0xff;
        int addressLen = ipv4 ? 4 : 16;
        int messageLen = HEADER_LEN + count * addressLen + (version == VERSION_2 ? V2_AUTH_DATA_LEN : 0);
        if (len < messageLen) {
            return VrrpPacket.dropped(DropReason.SHORT, vrid, envelope);
        }
        int sum = version == VERSION_3
                ? v3Checksum(envelope.source().getAddress(), envelope.destination().getAddress(), b, off, messageLen)
                : InternetChecksum.compute(b, off, messageLen);
        if (sum != 0) {
            return VrrpPacket.dropped(DropReason.BAD_CHECKSUM, vrid, envelope);
        }
        List<InetAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address(b, off + HEADER_LEN + i * addressLen, addressLen));
        }
        int intervalCentis;
        int authType;
        byte[] authData;
        if (version == VERSION_3) {
            intervalCentis = b.getShort(off + 4) & V3_INTERVAL_MASK;
            authType = 0;
            authData = new byte[0];
        } else {
            authType = b.get(off + 4) & 0xff;
            intervalCentis = (b.get(off + 5) & 0xff) * CENTIS_PER_SECOND;
            authData = new byte[V2_AUTH_DATA_LEN];
            int authOff = off + HEADER_LEN + count * 4;
            for (int i = 0; i < V2_AUTH_DATA_LEN; i++) {
                authData[i] = b.get(authOff + i);
            }
        }
        return VrrpPacket.accepted(envelope, new VrrpAdvertisement(version, vrid, b.get(off + 2) & 0xff, addresses,
                intervalCentis, authType, b.getShort(off + 6) & 0xffff, authData));
    }

    /**
     * Whether a protocol-112 payload is a CARP advertisement rather than VRRP. CARP and VRRPv2 share the first byte
     * 0x21; CARP has 36 bytes, authlen 7 in byte 3 and a checksum over those 36 bytes. A VRRPv2 message with 7
     * addresses and zero authentication data passes that checksum too; its exact VRRPv2 length (44 bytes) and
     * VRRPv2 checksum decide for VRRP. Used by the dispatcher to route by protocol.
     *
     * @param b   the payload
     * @param off absolute index of its first byte
     * @param len its length
     * @return true if the payload is CARP
     */
    public static boolean isCarp(ByteBuffer b, int off, int len) {
        if (len < CARP_HEADER_LEN || (b.get(off) & 0xff) != 0x21 || (b.get(off + 3) & 0xff) != CARP_AUTHLEN) {
            return false;
        }
        int v2Len = HEADER_LEN + CARP_AUTHLEN * 4 + V2_AUTH_DATA_LEN;
        if (len == v2Len && InternetChecksum.compute(b, off, v2Len) == 0) {
            return false;
        }
        return InternetChecksum.compute(b, off, CARP_HEADER_LEN) == 0;
    }

    /** What a protocol-112 payload's bytes say it is; see {@link #classify}. */
    public enum Kind {
        /** A CARP advertisement (valid CARP checksum). */
        CARP,
        /** VRRP: version 3, or a VRRPv2 message of exact length with a valid checksum. */
        VRRP,
        /** Neither is certain (malformed, or some other version): route by which group the id byte names. */
        UNKNOWN
    }

    /**
     * Classifies a protocol-112 payload for routing between CARP and VRRP groups that share a socket: CARP if
     * {@link #isCarp}; VRRP if the version nibble is 3, or if it is a well-formed VRRPv2 message (exact length
     * {@code 8 + 4n + 8} and a valid checksum over it); otherwise unknown.
     *
     * @param b   the payload
     * @param off absolute index of its first byte
     * @param len its length
     * @return the kind
     */
    public static Kind classify(ByteBuffer b, int off, int len) {
        if (len < 1) {
            return Kind.UNKNOWN;
        }
        if (isCarp(b, off, len)) {
            return Kind.CARP;
        }
        int versionType = b.get(off) & 0xff;
        if ((versionType >>> 4) == VERSION_3) {
            return Kind.VRRP;
        }
        if (versionType == ((VERSION_2 << 4) | TYPE_ADVERTISEMENT) && len >= HEADER_LEN) {
            int v2Len = HEADER_LEN + 4 * (b.get(off + 3) & 0xff) + V2_AUTH_DATA_LEN;
            if (len == v2Len && InternetChecksum.compute(b, off, v2Len) == 0) {
                return Kind.VRRP;
            }
        }
        return Kind.UNKNOWN;
    }

    private static InetAddress address(ByteBuffer b, int off, int len) {
        byte[] a = new byte[len];
        for (int i = 0; i < len; i++) {
            a[i] = b.get(off + i);
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always a valid address", e);
        }
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min
                    + (min == max ? "" : "-" + max) + ")");
        }
    }
}
