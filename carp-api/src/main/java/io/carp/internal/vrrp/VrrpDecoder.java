package io.carp.internal.vrrp;

import io.carp.DropReason;
import io.carp.IpFamily;
import io.carp.internal.protocol.EnvelopeCache;
import io.carp.internal.protocol.IpEnvelope;
import java.nio.ByteBuffer;

/**
 * Decodes received VRRP packets without allocating in steady state, as {@link io.carp.internal.protocol.CarpDecoder}
 * does for CARP: the IP envelope comes from a small cache of the envelopes seen last ({@link EnvelopeCache}, no
 * {@link java.net.InetAddress} is created for a known sender), and the result of the last accepted advertisement is
 * kept with a copy of its bytes: while the sender repeats the same advertisement (same envelope object, same bytes, as a
 * VRRP master does between changes of priority) the same immutable {@link VrrpPacket} is returned. Any other packet
 * is decoded by {@link VrrpCodec}'s checks, in the same order, so every drop keeps its {@link DropReason}.
 *
 * <p>Not thread-safe: one decoder per receiving thread. {@link VrrpCodec}'s static {@code decode*} methods decode
 * through a fresh decoder.
 */
public final class VrrpDecoder {
    private static final int IPV4_HEADER_LEN = 20;
    private static final int IPV6_HEADER_LEN = 40;
    /** The longest advertisement kept: VRRPv3 with 255 IPv6 addresses (VRRPv2's longest, 1028 bytes, is shorter). */
    private static final int MAX_KEPT = VrrpConstants.HEADER_LEN + 255 * 16;

    private final EnvelopeCache envelopes = new EnvelopeCache();
    /** The bytes of the last accepted advertisement (the whole payload, trailing bytes included). */
    private final byte[] lastBytes = new byte[MAX_KEPT];
    private int lastLength = -1;
    private boolean lastCheckTtl;
    /** The last accepted packet, or {@code null}; its envelope is the one it arrived in. */
    private VrrpPacket last;

    /** An empty decoder. */
    public VrrpDecoder() {
    }

    /**
     * Decodes an IPv4 datagram as a raw IPv4 socket delivers it (IP header included); see
     * {@link VrrpCodec#decodeIpv4}.
     *
     * @param packet   the datagram, from position to limit; the position is not changed
     * @param checkTtl whether a TTL other than 255 is a drop
     * @return the advertisement or the reason it was dropped; never {@code null}, never throws on bad bytes
     */
    public VrrpPacket decodeIpv4(ByteBuffer packet, boolean checkTtl) {
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV4_HEADER_LEN) {
            return VrrpPacket.dropped(DropReason.SHORT, -1, null);
        }
        int versionIhl = packet.get(p) & 0xff;
        int ihl = (versionIhl & 0x0f) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < IPV4_HEADER_LEN || ihl > length) {
            return VrrpPacket.dropped(DropReason.SHORT, -1, null);
        }
        int totalLength = packet.getShort(p + 2) & 0xffff;
        int end = Math.min(length, Math.max(totalLength, ihl));
        int ttl = packet.get(p + 8) & 0xff;
        int protocol = packet.get(p + 9) & 0xff;
        IpEnvelope envelope = envelopes.envelope(IpFamily.IPV4, packet, p + 12, p + 16, 4, ttl);
        if (protocol != VrrpConstants.IPPROTO_VRRP) {
            return VrrpPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        return payload(envelope, packet, p + ihl, end - ihl, checkTtl);
    }

    /**
     * Decodes an IPv6 packet with its fixed 40-byte header; see {@link VrrpCodec#decodeIpv6}.
     *
     * @param packet   the packet, from position to limit; the position is not changed
     * @param checkTtl whether a hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public VrrpPacket decodeIpv6(ByteBuffer packet, boolean checkTtl) {
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV6_HEADER_LEN || ((packet.get(p) & 0xff) >>> 4) != 6) {
            return VrrpPacket.dropped(DropReason.SHORT, -1, null);
        }
        int payloadLength = packet.getShort(p + 4) & 0xffff;
        int nextHeader = packet.get(p + 6) & 0xff;
        int hopLimit = packet.get(p + 7) & 0xff;
        IpEnvelope envelope = envelopes.envelope(IpFamily.IPV6, packet, p + 8, p + 24, 16, hopLimit);
        if (nextHeader != VrrpConstants.IPPROTO_VRRP) {
            return VrrpPacket.dropped(DropReason.FOREIGN, -1, envelope);
        }
        int available = Math.min(length - IPV6_HEADER_LEN, payloadLength);
        return payload(envelope, packet, p + IPV6_HEADER_LEN, available, checkTtl);
    }

    /**
     * Decodes a VRRP payload whose IP envelope was read separately; see {@link VrrpCodec#decode}.
     *
     * @param envelope the IP envelope
     * @param payload  the VRRP bytes from position to limit; the position is not changed
     * @param checkTtl whether a TTL / hop limit other than 255 is a drop
     * @return the advertisement or the reason it was dropped
     */
    public VrrpPacket decode(IpEnvelope envelope, ByteBuffer payload, boolean checkTtl) {
        return payload(envelope, payload, payload.position(), payload.remaining(), checkTtl);
    }

    /**
     * The last accepted packet if this one repeats it byte for byte in the same envelope object (the envelope cache
     * here, and the runtimes' IPv6 receive path, hand the same object while the sender repeats), else a fresh decode.
     */
    private VrrpPacket payload(IpEnvelope envelope, ByteBuffer b, int off, int len, boolean checkTtl) {
        VrrpPacket kept = last;
        if (kept != null && len == lastLength && checkTtl == lastCheckTtl
                && envelope == kept.envelope() && sameBytes(b, off, len)) {
            return kept;
        }
        VrrpPacket packet = VrrpCodec.decodePayload(envelope, b, off, len, checkTtl);
        if (!packet.isDropped() && len <= MAX_KEPT) {
            for (int i = 0; i < len; i++) {
                lastBytes[i] = b.get(off + i);
            }
            lastLength = len;
            lastCheckTtl = checkTtl;
            last = packet;
        }
        return packet;
    }

    private boolean sameBytes(ByteBuffer b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (lastBytes[i] != b.get(off + i)) {
                return false;
            }
        }
        return true;
    }
}
