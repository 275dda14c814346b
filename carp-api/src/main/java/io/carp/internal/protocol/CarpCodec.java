package io.carp.internal.protocol;

import io.carp.IpFamily;

import static io.carp.internal.protocol.CarpConstants.CARP_ADVERTISEMENT;
import static io.carp.internal.protocol.CarpConstants.CARP_AUTHLEN;
import static io.carp.internal.protocol.CarpConstants.CARP_DFLTTL;
import static io.carp.internal.protocol.CarpConstants.CARP_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.CARP_MD_LEN;
import static io.carp.internal.protocol.CarpConstants.CARP_VERSION;
import static io.carp.internal.protocol.CarpConstants.IPPROTO_CARP;
import static io.carp.internal.protocol.CarpConstants.IPV4_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.IPV6_HEADER_LEN;

import io.carp.DropReason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
        ByteBuffer b = ByteBuffer.allocate(IPV4_HEADER_LEN + carpHeader.length);
        b.put((byte) 0x45);
        b.put((byte) CarpConstants.IPTOS_LOWDELAY);
        b.putShort((short) (IPV4_HEADER_LEN + carpHeader.length));
        b.putShort((short) id);
        b.putShort((short) 0x4000); // DF
        b.put((byte) ttl);
        b.put((byte) IPPROTO_CARP);
        b.putShort((short) 0);
        b.put(source.getAddress());
        b.put(destination.getAddress());
        b.putShort(10, (short) InternetChecksum.compute(b, 0, IPV4_HEADER_LEN));
        b.put(carpHeader);
        return b.array();
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
        ByteBuffer b = ByteBuffer.allocate(IPV6_HEADER_LEN + carpHeader.length);
        b.putInt(0x6000_0000);
        b.putShort((short) carpHeader.length);
        b.put((byte) IPPROTO_CARP);
        b.put((byte) hopLimit);
        b.put(source.getAddress());
        b.put(destination.getAddress());
        b.put(carpHeader);
        return b.array();
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes an IPv4 datagram as a raw IPv4 socket delivers it (IP header included), from the buffer's position to
     * its limit. The buffer's position is not changed.
     *
     * @param packet   the datagram
     * @param checkTtl whether a TTL other than 255 is a drop (off only for unicast peers, as FreeBSD does)
     * @return the advertisement or the reason it was dropped; never {@code null}, never throws on bad bytes
     */
    public static InboundPacket decodeIpv4(ByteBuffer packet, boolean checkTtl) {
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV4_HEADER_LEN) {
            return InboundPacket.dropped(DropReason.SHORT, -1, null);
        }
        int versionIhl = packet.get(p) & 0xff;
        int ihl = (versionIhl & 0x0f) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < IPV4_HEADER_LEN || ihl > length) {
            return InboundPacket.dropped(DropReason.SHORT, -1, null);
        }
        int totalLength = packet.getShort(p + 2) & 0xffff;
        // Linux raw sockets deliver the datagram as received; trust the smaller of the two lengths.
        int end = Math.min(length, Math.max(totalLength, ihl));
        int ttl = packet.get(p + 8) & 0xff;
        int protocol = packet.get(p + 9) & 0xff;
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV4, ipv4(packet, p + 12), ipv4(packet, p + 16), ttl);
        if (protocol != IPPROTO_CARP) {
            return InboundPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        return decodePayload(envelope, packet, p + ihl, end - ihl, checkTtl);
    }

    /**
     * Decodes an IPv6 packet with its fixed 40-byte header (as captured on the wire or built by the testkit).
     *
     * @param packet   the packet, from position to limit; the position is not changed
     * @param checkTtl whether a hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public static InboundPacket decodeIpv6(ByteBuffer packet, boolean checkTtl) {
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV6_HEADER_LEN || ((packet.get(p) & 0xff) >>> 4) != 6) {
            return InboundPacket.dropped(DropReason.SHORT, -1, null);
        }
        int payloadLength = packet.getShort(p + 4) & 0xffff;
        int nextHeader = packet.get(p + 6) & 0xff;
        int hopLimit = packet.get(p + 7) & 0xff;
        IpEnvelope envelope = new IpEnvelope(IpFamily.IPV6, ipv6(packet, p + 8), ipv6(packet, p + 24), hopLimit);
        if (nextHeader != IPPROTO_CARP) {
            return InboundPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        int available = Math.min(length - IPV6_HEADER_LEN, payloadLength);
        return decodePayload(envelope, packet, p + IPV6_HEADER_LEN, available, checkTtl);
    }

    /**
     * Decodes a CARP payload whose IP envelope was read separately (an IPv6 raw socket delivers no IPv6 header: the
     * source comes from {@code recvfrom} and the hop limit from {@code IPV6_HOPLIMIT} ancillary data).
     *
     * @param envelope the IP envelope
     * @param payload  the CARP bytes from position to limit; the position is not changed
     * @param checkTtl whether a TTL/hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public static InboundPacket decode(IpEnvelope envelope, ByteBuffer payload, boolean checkTtl) {
        return decodePayload(envelope, payload, payload.position(), payload.remaining(), checkTtl);
    }

    private static InboundPacket decodePayload(IpEnvelope envelope, ByteBuffer b, int off, int len, boolean checkTtl) {
        int vhid = len >= 2 ? b.get(off + 1) & 0xff : -1;
        if (checkTtl && envelope.ttl() != CARP_DFLTTL) {
            return InboundPacket.dropped(DropReason.BAD_TTL, vhid, envelope);
        }
        if (looksLikeVrrp(b, off, len)) {
            return InboundPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        if (len < CARP_HEADER_LEN) {
            return InboundPacket.dropped(DropReason.SHORT, vhid, envelope);
        }
        int versionType = b.get(off) & 0xff;
        if ((versionType >>> 4) != CARP_VERSION || (versionType & 0x0f) != CARP_ADVERTISEMENT) {
            return InboundPacket.dropped(DropReason.BAD_VERSION, vhid, envelope);
        }
        if (InternetChecksum.compute(b, off, CARP_HEADER_LEN) != 0) {
            return InboundPacket.dropped(DropReason.BAD_CHECKSUM, vhid, envelope);
        }
        byte[] md = new byte[CARP_MD_LEN];
        for (int i = 0; i < CARP_MD_LEN; i++) {
            md[i] = b.get(off + 16 + i);
        }
        // Bytes after the header: none from plain CARP peers; the trailer of the replay-protected mode. BSD kernels
        // and ucarp ignore them (FreeBSD includes them in its checksum, which the trailer keeps valid).
        byte[] extension = new byte[len - CARP_HEADER_LEN];
        for (int i = 0; i < extension.length; i++) {
            extension[i] = b.get(off + CARP_HEADER_LEN + i);
        }
        CarpAdvertisement advertisement = new CarpAdvertisement(
                versionType >>> 4, versionType & 0x0f, vhid,
                b.get(off + 2) & 0xff, b.get(off + 3) & 0xff, b.get(off + 4) & 0xff, b.get(off + 5) & 0xff,
                b.getShort(off + 6) & 0xffff, b.getLong(off + 8), md, extension);
        return InboundPacket.accepted(envelope, advertisement);
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

    private static InetAddress ipv4(ByteBuffer b, int off) {
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = b.get(off + i);
        }
        return address(a);
    }

    private static InetAddress ipv6(ByteBuffer b, int off) {
        byte[] a = new byte[16];
        for (int i = 0; i < 16; i++) {
            a[i] = b.get(off + i);
        }
        return address(a);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always a valid address", e);
        }
    }
}
