package io.carp.internal.vrrp;

import io.carp.DropReason;
import io.carp.internal.protocol.IpEnvelope;

/**
 * The outcome of decoding one received packet as VRRP: a well-formed advertisement (length, version, type and
 * checksum verified; the group checks the rest) or the {@link DropReason} it was dropped for. Never thrown.
 */
public final class VrrpPacket {
    private final DropReason dropReason;
    private final int vrid;
    private final IpEnvelope envelope;
    private final VrrpAdvertisement advertisement;

    private VrrpPacket(DropReason dropReason, int vrid, IpEnvelope envelope, VrrpAdvertisement advertisement) {
        this.dropReason = dropReason;
        this.vrid = vrid;
        this.envelope = envelope;
        this.advertisement = advertisement;
    }

    static VrrpPacket dropped(DropReason reason, int vrid, IpEnvelope envelope) {
        return new VrrpPacket(reason, vrid, envelope, null);
    }

    static VrrpPacket accepted(IpEnvelope envelope, VrrpAdvertisement advertisement) {
        return new VrrpPacket(null, advertisement.vrid(), envelope, advertisement);
    }

    /** Whether the packet was dropped. */
    public boolean isDropped() {
        return dropReason != null;
    }

    /** Why it was dropped, or {@code null}. */
    public DropReason dropReason() {
        return dropReason;
    }

    /** The VRID byte if it could be read (so that a drop can be counted against its group), else -1. */
    public int vrid() {
        return vrid;
    }

    /** The IP envelope, or {@code null} if the IP header was unreadable. */
    public IpEnvelope envelope() {
        return envelope;
    }

    /** The advertisement, or {@code null} if dropped. */
    public VrrpAdvertisement advertisement() {
        return advertisement;
    }

    @Override
    public String toString() {
        return isDropped() ? "dropped(" + dropReason.tag() + ", vrid " + vrid + ", " + envelope + ")"
                : "accepted(" + envelope + ", " + advertisement + ")";
    }
}
