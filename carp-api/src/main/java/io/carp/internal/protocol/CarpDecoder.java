package io.carp.internal.protocol;

import static io.carp.internal.protocol.CarpConstants.CARP_ADVERTISEMENT;
import static io.carp.internal.protocol.CarpConstants.CARP_DFLTTL;
import static io.carp.internal.protocol.CarpConstants.CARP_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.CARP_VERSION;
import static io.carp.internal.protocol.CarpConstants.IPPROTO_CARP;
import static io.carp.internal.protocol.CarpConstants.IPV4_HEADER_LEN;
import static io.carp.internal.protocol.CarpConstants.IPV6_HEADER_LEN;

import io.carp.DropReason;
import io.carp.IpFamily;
import java.nio.ByteBuffer;

/**
 * Decodes received CARP packets without allocating: one advertisement object is refilled for every packet, and the
 * IP envelope (source, destination, TTL) comes from a small cache of the envelopes seen last, so a steady stream of
 * adverts from a few peers allocates nothing. The checks and their order (and so the {@link DropReason} of a bad
 * packet) are those of {@link CarpCodec}, which decodes through a fresh decoder.
 *
 * <p>After each {@code decode*} call, {@link #dropReason()} is {@code null} for a well-formed advertisement, whose
 * fields are in {@link #advertisement()}; {@link #vhid()} is the vhid byte if one could be read, else -1;
 * {@link #envelope()} is the IP envelope if one could be read, else {@code null}. Both objects stay valid until the
 * next call. Not thread-safe: one decoder per receiving thread.
 */
public final class CarpDecoder {
    private final CarpAdvertisement advertisement = new CarpAdvertisement();
    private final EnvelopeCache envelopes = new EnvelopeCache();

    private DropReason dropReason;
    private int vhid;
    private IpEnvelope envelope;

    /** An empty decoder. */
    public CarpDecoder() {
    }

    /**
     * Decodes an IPv4 datagram as a raw socket delivers it, IP header included.
     *
     * @param packet   from position to limit; not consumed
     * @param checkTtl whether a TTL other than 255 is a drop
     */
    public void decodeIpv4(ByteBuffer packet, boolean checkTtl) {
        reset();
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV4_HEADER_LEN) {
            dropReason = DropReason.SHORT;
            return;
        }
        int versionIhl = packet.get(p) & 0xff;
        int ihl = (versionIhl & 0x0f) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < IPV4_HEADER_LEN || ihl > length) {
            dropReason = DropReason.SHORT;
            return;
        }
        int totalLength = packet.getShort(p + 2) & 0xffff;
        // Linux raw sockets deliver the datagram as received; trust the smaller of the two lengths.
        int end = Math.min(length, Math.max(totalLength, ihl));
        int ttl = packet.get(p + 8) & 0xff;
        int protocol = packet.get(p + 9) & 0xff;
        envelope = envelopes.envelope(IpFamily.IPV4, packet, p + 12, p + 16, 4, ttl);
        if (protocol != IPPROTO_CARP) {
            dropReason = DropReason.FOREIGN;
            return;
        }
        decodePayload(packet, p + ihl, end - ihl, checkTtl);
    }

    /**
     * Decodes an IPv6 packet with its fixed header.
     *
     * @param packet   from position to limit; not consumed
     * @param checkTtl whether a hop limit other than 255 is a drop
     */
    public void decodeIpv6(ByteBuffer packet, boolean checkTtl) {
        reset();
        int p = packet.position();
        int length = packet.remaining();
        if (length < IPV6_HEADER_LEN || ((packet.get(p) & 0xff) >>> 4) != 6) {
            dropReason = DropReason.SHORT;
            return;
        }
        int payloadLength = packet.getShort(p + 4) & 0xffff;
        int nextHeader = packet.get(p + 6) & 0xff;
        int hopLimit = packet.get(p + 7) & 0xff;
        envelope = envelopes.envelope(IpFamily.IPV6, packet, p + 8, p + 24, 16, hopLimit);
        if (nextHeader != IPPROTO_CARP) {
            dropReason = DropReason.FOREIGN;
            return;
        }
        int available = Math.min(length - IPV6_HEADER_LEN, payloadLength);
        decodePayload(packet, p + IPV6_HEADER_LEN, available, checkTtl);
    }

    /**
     * Decodes a CARP payload whose envelope was read separately (IPv6 raw sockets).
     *
     * @param ipEnvelope source, destination and hop limit
     * @param payload    from position to limit; not consumed
     * @param checkTtl   whether a TTL / hop limit other than 255 is a drop
     */
    public void decode(IpEnvelope ipEnvelope, ByteBuffer payload, boolean checkTtl) {
        reset();
        envelope = ipEnvelope;
        decodePayload(payload, payload.position(), payload.remaining(), checkTtl);
    }

    private void reset() {
        dropReason = null;
        vhid = -1;
        envelope = null;
    }

    private void decodePayload(ByteBuffer b, int off, int len, boolean checkTtl) {
        int v = len >= 2 ? b.get(off + 1) & 0xff : -1;
        if (checkTtl && envelope.ttl() != CARP_DFLTTL) {
            drop(DropReason.BAD_TTL, v);
            return;
        }
        if (CarpCodec.looksLikeVrrp(b, off, len)) {
            drop(DropReason.FOREIGN, -1);
            return;
        }
        if (len < CARP_HEADER_LEN) {
            drop(DropReason.SHORT, v);
            return;
        }
        int versionType = b.get(off) & 0xff;
        if ((versionType >>> 4) != CARP_VERSION || (versionType & 0x0f) != CARP_ADVERTISEMENT) {
            drop(DropReason.BAD_VERSION, v);
            return;
        }
        if (InternetChecksum.compute(b, off, CARP_HEADER_LEN) != 0) {
            drop(DropReason.BAD_CHECKSUM, v);
            return;
        }
        // Bytes after the header: none from plain CARP peers; the trailer of the replay-protected mode. BSD kernels
        // and ucarp ignore them (FreeBSD includes them in its checksum, which the trailer keeps valid).
        advertisement.fill(b, off, len - CARP_HEADER_LEN);
        vhid = v;
    }

    private void drop(DropReason reason, int v) {
        dropReason = reason;
        vhid = v;
    }

    /** {@code null} if the last packet was a well-formed advertisement, else why it was dropped. */
    public DropReason dropReason() {
        return dropReason;
    }

    /** The last packet's vhid byte, or -1 if none could be read (or the packet was not CARP). */
    public int vhid() {
        return vhid;
    }

    /** The last packet's IP envelope, or {@code null} if its IP header could not be read. */
    public IpEnvelope envelope() {
        return envelope;
    }

    /** The last advertisement; meaningful only when {@link #dropReason()} is {@code null}; refilled by the next call. */
    public CarpAdvertisement advertisement() {
        return advertisement;
    }

    /**
     * The last result as an immutable packet (the advertisement copied), for tests and logs.
     *
     * @return the packet
     */
    public InboundPacket toPacket() {
        return dropReason == null ? InboundPacket.accepted(envelope, advertisement.copy())
                : InboundPacket.dropped(dropReason, vhid, envelope);
    }

    /** The last result, for logs (built only when a log line is written). */
    @Override
    public String toString() {
        return toPacket().toString();
    }
}
