package io.carp;

/**
 * Why a received packet was not accepted as an advertisement for one of our groups.
 *
 * <p>Reasons are checked in this order, which is the order of FreeBSD's {@code carp_input}: IP header (short or
 * malformed), IP protocol (foreign), TTL, VRRP (foreign), CARP length (short), version, checksum, then, by the group,
 * vhid, own packet, authentication and (replay-protected groups) replay. A packet with several faults is counted under the first. Each maps to a BSD
 * {@code struct carpstats} counter where one exists; {@link #tag()} is the stable lower-case name used as the metric
 * tag {@code reason}. A dropped packet never changes a group's state and never throws.
 *
 * <p>VRRP groups (RFC 9568 §7.1, RFC 3768 §7.1) use the same reasons where the meaning is the same: a CARP packet is
 * {@link #FOREIGN} to them (and a VRRP packet to a CARP group), the other VRRP version is {@link #BAD_VERSION}, a
 * wrong VRRPv2 password is {@link #BAD_AUTH}; {@link #BAD_INTERVAL} and {@link #BAD_ADDRESS_LIST} are VRRPv2's.
 */
public enum DropReason {
    /** Shorter than an IP header plus the 36-byte CARP header, or a malformed IP header ({@code carps_badlen}). */
    SHORT("short"),
    /** TTL or hop limit is not 255, so the packet crossed a router ({@code carps_badttl}). */
    BAD_TTL("bad_ttl"),
    /** A VRRP packet (protocol 112 and group 224.0.0.18 are shared with VRRP): normal traffic, just not CARP. */
    FOREIGN("foreign"),
    /** The CARP version is not 2 or the type is not advertisement ({@code carps_badver}). */
    BAD_VERSION("bad_version"),
    /** The Internet checksum over the 36 CARP bytes is wrong ({@code carps_badsum}). */
    BAD_CHECKSUM("bad_checksum"),
    /** A valid advertisement for a vhid we do not run: not an error, just not ours ({@code carps_badvhid}). */
    OTHER_VHID("other_vhid"),
    /**
     * The HMAC-SHA1 digest does not match ({@code carps_badauth}): a different password, or a different set of virtual
     * addresses on the peer, or another device using the same vhid. In a replay-protected group: an advertisement
     * without a valid trailer (a plain CARP peer), an unknown key id, or an HMAC-SHA256 tag that does not verify.
     */
    BAD_AUTH("bad_auth"),
    /** Our own advertisement looped back to us (its source is our own address). */
    OWN_PACKET("own_packet"),
    /**
     * Replay-protected groups only: an authentic advertisement that was already heard, or is older than its sender's
     * replay window or epoch, so a copy captured earlier and sent again (no BSD counter: plain CARP cannot tell).
     */
    REPLAY("replay"),
    /**

     * VRRPv2 only: the advertisement interval differs from this group's; RFC 3768 §7.1 discards it (VRRPv2 routers
     * must be configured alike; VRRPv3 backups learn the master's interval instead).
     */
    BAD_INTERVAL("bad_interval"),
    /**
     * VRRPv2 only: the address list differs from this group's (an empty one included) and the sender is not the
     * address owner (priority 255), RFC 3768 §7.1. A VRRPv3 group processes such adverts and counts them in
     * {@link CarpStats#addressListMismatches()}.
     */
    BAD_ADDRESS_LIST("bad_address_list");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    /** {@return the stable, lower-case name of this reason, for metric tags and logs, e.g. {@code bad_ttl}} */
    public String tag() {
        return tag;
    }
}
