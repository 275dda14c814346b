package io.carp.spi;

import io.carp.CarpConfig;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.vrrp.VrrpAdvertisement;

/** The side of a group that a runtime calls. Every method must be called on the group's {@link ProtocolLoop}. */
public interface GroupEndpoint {

    /** An arrival time a runtime does not know: the group takes the time it handles the packet. */
    long ARRIVAL_UNKNOWN = Long.MIN_VALUE;

    /** The group's configuration. */
    CarpConfig config();

    /**
     * A well-formed advertisement carrying this group's vhid (checksum and version verified). The group checks
     * authentication and whether it is its own packet. So that receiving allocates nothing, the advertisement is the
     * dispatcher's own, refilled for the next packet: it is valid during this call only, and an endpoint that keeps it
     * keeps {@link CarpAdvertisement#copy()}. The envelope is immutable (and may be the same object for every advert
     * of a peer).
     *
     * @param envelope      the IP envelope
     * @param advertisement the decoded header, valid during this call
     */
    void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement);

    /**
     * As {@link #onAdvertisement(IpEnvelope, CarpAdvertisement)}, with the time the packet arrived at the host (the
     * kernel's receive timestamp) on the group's {@link ProtocolLoop#clock()}, so that a BACKUP counts its
     * master-down interval from the advert's arrival, as a kernel implementation does, rather than from the moment
     * the protocol thread got to it. Default: the arrival time is ignored.
     *
     * @param envelope      the IP envelope
     * @param advertisement the decoded header, valid during this call
     * @param arrivedNanos  when the packet arrived, or {@link #ARRIVAL_UNKNOWN}
     */
    default void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement, long arrivedNanos) {
        onAdvertisement(envelope, advertisement);
    }

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
     * As {@link #onVrrpAdvertisement(IpEnvelope, VrrpAdvertisement)}, with the packet's arrival time (see
     * {@link #onAdvertisement(IpEnvelope, CarpAdvertisement, long)}). Default: the arrival time is ignored.
     *
     * @param envelope      the IP envelope
     * @param advertisement the decoded advertisement
     * @param arrivedNanos  when the packet arrived, or {@link #ARRIVAL_UNKNOWN}
     */
    default void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement, long arrivedNanos) {
        onVrrpAdvertisement(envelope, advertisement);
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

    /**
     * Asks a MASTER to renew its addresses now: the group calls {@link io.carp.AddressManager#refresh} at once, and if
     * that throws it demotes itself, as after an advert. A runtime that sends renewals later than the
     * {@code refresh} call that asked for them (batched with other groups' at the end of a turn of its loop) calls
     * this when one failed, with {@code refresh} then throwing the failure, so that the group demotes itself in the
     * same turn. Default: nothing (the failure then surfaces at the group's next advert).
     */
    default void refreshAddresses() {
    }
}
