package io.carp.internal.protocol;


import static io.carp.internal.protocol.CarpConstants.CARP_ADVERTISEMENT;
import static io.carp.internal.protocol.CarpConstants.CARP_AUTHLEN;
import static io.carp.internal.protocol.CarpConstants.CARP_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.CARP_MD_LEN;
import static io.carp.internal.protocol.CarpConstants.CARP_VERSION;
import static io.carp.internal.protocol.CarpConstants.IPPROTO_CARP;
import static io.carp.internal.protocol.CarpConstants.IPV4_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.IPV6_HEADER_LEN;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes CARP advertisements and their IPv4/IPv6 envelopes. Static and pure; see
 * {@link CarpAdvertisement} for the header layout.
 *
 * <p>Received packets are checked in the order of FreeBSD's {@code carp_input} and ucarp's {@code packethandler}:
 * IP header, TTL, (VRRP sharing the protocol number), length, version/type, checksum. The vhid lookup,
 * authentication and own-packet checks need a group's configuration and are done by the group.
 */
public final class CarpCodec {
    private CarpCodec() {
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Writes a 36-byte CARP advertisement at the buffer's position and advances it. The checksum is computed.
     *
     * @param out     destination with at least 36 bytes remaining
     * @param vhid    virtual host id, 1-255
     * @param advskew skew in 1/256 s, 0-255
     * @param demote  demotion byte (OpenBSD), 0-255
     * @param advbase base interval in s, 0-255
     * @param counter the 64-bit counter
     * @param md      the 20-byte HMAC-SHA1 digest
     */
    public static void encode(ByteBuffer out, int vhid, int advskew, int demote, int advbase, long counter, byte[] md) {
        if (md.length != CARP_MD_LEN) {
            throw new IllegalArgumentException("md: " + md.length + " bytes (expected: 20 bytes)");
        }
        int start = out.position();
        out.put((byte) ((CARP_VERSION << 4) | CARP_ADVERTISEMENT));
        out.put((byte) vhid);
        out.put((byte) advskew);
        out.put((byte) CARP_AUTHLEN);
        out.put((byte) demote);
        out.put((byte) advbase);
        out.putShort((short) 0);
        out.putLong(counter);
        out.put(md);
        int checksum = InternetChecksum.compute(out, start, CARP_HEADER_LEN);
        out.putShort(start + 6, (short) checksum);
    }

    /**
     * Encodes a 36-byte CARP advertisement into a new array.
     *
     * @return the 36 header bytes
     * @see #encode(ByteBuffer, int, int, int, int, long, byte[])
     */
    public static byte[] encode(int vhid, int advskew, int demote, int advbase, long counter, byte[] md) {
        byte[] bytes = new byte[CARP_HEADER_LEN];
        encode(ByteBuffer.wrap(bytes), vhid, advskew, demote, advbase, counter, md);
        return bytes;
    }

    /**
     * Wraps a CARP header in an IPv4 header as the BSD kernels and ucarp send it: version 4, IHL 5,
     * TOS {@code IPTOS_LOWDELAY}, DF, protocol 112, with the header checksum computed.
     *
     * @param source      sender address
     * @param destination 224.0.0.18 or a unicast peer
     * @param ttl         255 normally
     * @param id          the IP identification field
     * @param carpHeader  the 36 CARP bytes
     * @return the whole IPv4 datagram (56 bytes)
     */
    public static byte[] encodeIpv4(Inet4Address source, Inet4Address destination, int ttl, int id, byte[] carpHeader) {
        return IpPackets.ipv4(source, destination, CarpConstants.IPTOS_LOWDELAY, ttl, id, true, carpHeader);
    }

    /**
     * Wraps a CARP header in a fixed IPv6 header (next header 112, no extension headers).
     *
     * @param source      sender address
     * @param destination ff02::12 or a unicast peer
     * @param hopLimit    255 normally
     * @param carpHeader  the 36 CARP bytes
     * @return the whole IPv6 packet (76 bytes)
     */
    public static byte[] encodeIpv6(Inet6Address source, Inet6Address destination, int hopLimit, byte[] carpHeader) {
        return IpPackets.ipv6(source, destination, hopLimit, carpHeader);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes an IPv4 datagram as a raw socket delivers it, IP header included, into an immutable packet. Never
     * throws. For the allocation-free receive path see {@link CarpDecoder}, which this delegates to.
     *
     * @param packet   from position to limit; not consumed
     * @param checkTtl whether a TTL other than 255 is a drop
     * @return the packet: accepted, or dropped with its reason
     */
    public static InboundPacket decodeIpv4(ByteBuffer packet, boolean checkTtl) {
        CarpDecoder d = new CarpDecoder();
        d.decodeIpv4(packet, checkTtl);
        return d.toPacket();
    }

    /**
     * Decodes an IPv6 packet with its fixed header into an immutable packet. Never throws.
     *
     * @param packet   from position to limit; not consumed
     * @param checkTtl whether a hop limit other than 255 is a drop
     * @return the packet: accepted, or dropped with its reason
     */
    public static InboundPacket decodeIpv6(ByteBuffer packet, boolean checkTtl) {
        CarpDecoder d = new CarpDecoder();
        d.decodeIpv6(packet, checkTtl);
        return d.toPacket();
    }

    /**
     * Decodes a CARP payload whose envelope was read separately (IPv6 raw sockets). Never throws.
     *
     * @param envelope source, destination and hop limit
     * @param payload  from position to limit; not consumed
     * @param checkTtl whether a TTL / hop limit other than 255 is a drop
     * @return the packet: accepted, or dropped with its reason
     */
    public static InboundPacket decode(IpEnvelope envelope, ByteBuffer payload, boolean checkTtl) {
        CarpDecoder d = new CarpDecoder();
        d.decode(envelope, payload, checkTtl);
        return d.toPacket();
    }

    /**
     * VRRP shares IP protocol 112, the group 224.0.0.18 and, for VRRPv2, even the first byte 0x21 with CARP
     * (RFC 3768 §5.1 and RFC 9568 §5.1: the VRRP header shares protocol 112 and 224.0.0.18). A VRRPv3 packet has version nibble 3; a VRRPv2 packet is {@code 8 + 4*count + 8} bytes long
     * with a valid checksum over all of it. A 36-byte packet with authlen 7 is taken as CARP.
     */
    static boolean looksLikeVrrp(ByteBuffer b, int off, int len) {
        if (len < 8) {
            return false;
        }
        int versionType = b.get(off) & 0xff;
        if ((versionType >>> 4) == 3) {
            return true;
        }
        if (versionType != 0x21) {
            return false;
        }
        int count = b.get(off + 3) & 0xff;
        int authType = b.get(off + 4) & 0xff;
        if (len == CARP_HEADER_LEN && count == CARP_AUTHLEN) {
            return false;
        }
        return authType <= 2 && len == 8 + 4 * count + 8 && InternetChecksum.compute(b, off, len) == 0;
    }

}
