package io.carp.internal.protocol;

import io.carp.DropReason;

/**
 * The outcome of decoding one received packet: either a well-formed advertisement (checksum and version verified,
 * authentication not yet) or the {@link DropReason} it was dropped for. Decoding never throws on bad input.
 */
public final class InboundPacket {
    private final DropReason dropReason;
    private final int vhid;
    private final IpEnvelope envelope;
    private final CarpAdvertisement advertisement;

    private InboundPacket(DropReason dropReason, int vhid, IpEnvelope envelope, CarpAdvertisement advertisement) {
        this.dropReason = dropReason;
        this.vhid = vhid;
        this.envelope = envelope;
        this.advertisement = advertisement;
    }

    static InboundPacket dropped(DropReason reason, int vhid, IpEnvelope envelope) {
        return new InboundPacket(reason, vhid, envelope, null);
    }

    static InboundPacket accepted(IpEnvelope envelope, CarpAdvertisement advertisement) {
        return new InboundPacket(null, advertisement.vhid(), envelope, advertisement);
    }

    /** Whether the packet was dropped; if so {@link #dropReason()} says why. */
    public boolean isDropped() {
        return dropReason != null;
    }

    /** Why the packet was dropped, or {@code null} if it decoded as an advertisement. */
    public DropReason dropReason() {
        return dropReason;
    }

    /**
     * The vhid byte of the packet if it could be read, else -1. Set for some dropped packets too, so that a drop can be
     * counted against the group it was meant for.
     */
    public int vhid() {
        return vhid;
    }

    /** The IP envelope, or {@code null} if the IP header itself was unreadable. */
    public IpEnvelope envelope() {
        return envelope;
    }

    /** The decoded advertisement, or {@code null} if dropped. */
    public CarpAdvertisement advertisement() {
        return advertisement;
    }

    @Override
    public String toString() {
        return isDropped() ? "dropped(" + dropReason.tag() + ", vhid " + vhid + ", " + envelope + ")"
                : "accepted(" + envelope + ", " + advertisement + ")";
    }
}
