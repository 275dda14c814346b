package io.carp.spi;

import io.carp.CarpConfig;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.vrrp.VrrpAdvertisement;

/** The side of a group that a runtime calls. Every method must be called on the group's {@link ProtocolLoop}. */
public interface GroupEndpoint {

    /** The group's configuration. */
    CarpConfig config();

    /**
     * A well-formed advertisement carrying this group's vhid (checksum and version verified). The group checks
     * authentication and whether it is its own packet.
     *
     * @param envelope      the IP envelope
     * @param advertisement the decoded header
     */
    void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement);

    /**
     * A well-formed VRRP advertisement carrying this group's id as its VRID (length, version, type and checksum
     * verified). A VRRP group checks the rest (RFC 9568 §7.1); a CARP group drops it as
     * {@link DropReason#FOREIGN}, which is what this default does.
     *
     * @param envelope      the IP envelope
     * @param advertisement the decoded advertisement
     */
    default void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement) {
        onDropped(DropReason.FOREIGN, envelope);
    }

    /**
     * A packet meant for this group (by its vhid byte) was dropped before reaching it.
     *
     * @param reason   why
     * @param envelope the IP envelope, or {@code null}
     */
    void onDropped(DropReason reason, IpEnvelope envelope);

    /**
     * The interface's link changed: down or no carrier sends the group to INIT; up again rejoins as BACKUP.
     *
     * @param up whether the link is usable
     */
    void onLinkStateChanged(boolean up);
}
