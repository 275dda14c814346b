package io.carp;

/**
 * Live counters of one CARP group, mirroring the BSD {@code struct carpstats}. Safe to read from any thread; each
 * value is monotonic except {@link #lastAdvertisementNanos()} and
 * {@link #currentMasterDownNanos()}.
 */
public interface CarpStats {

    /**
     * {@return how many advertisements for this group passed every check, received over IPv4 ({@code carps_ipackets})}
     */
    long ipv4PacketsReceived();

    /**
     * {@return how many advertisements for this group passed every check, received over IPv6 ({@code carps_ipackets6})}
     */
    long ipv6PacketsReceived();

    /**
     * {@return how many advertisements were sent over IPv4 ({@code carps_opackets}), the bow-out advertisement
     * included}
     */
    long ipv4PacketsSent();

    /** {@return how many advertisements were sent over IPv6 ({@code carps_opackets6})} */
    long ipv6PacketsSent();

    /** {@return how many advertisements could not be sent (the transport reported an error)} */
    long sendErrors();

    /**
     * Packets attributed to this group (by vhid) that were dropped for the given reason.
     *
     * @param reason the drop reason
     * @return the count for that reason
     */
    long dropped(DropReason reason);

    /** {@return how many state transitions happened so far, INIT transitions included} */
    long transitions();

    /** {@return how many callbacks threw (the protocol went on regardless)} */
    long callbackFailures();

    /** {@return how many times the address manager failed to claim, release or announce the virtual addresses} */
    long addressFailures();

    /**
     * The group clock's monotonic time at which the last valid advertisement was heard, in nanoseconds, or
     * {@link Long#MIN_VALUE} if none was heard yet.
     *
     * @return the monotonic time in nanoseconds, or {@link Long#MIN_VALUE}
     */
    long lastAdvertisementNanos();

    /**
     * Nanoseconds since the last valid advertisement was heard, on the group's clock, or -1 if none was heard yet
     * (or the group is not started).
     *
     * @return the nanoseconds, 0 or more, or -1
     */
    long nanosSinceLastAdvertisement();

    /** {@return how many times the virtual addresses were claimed successfully (becoming MASTER)} */
    long claims();

    /** {@return how long the last successful claim of the virtual addresses took, in nanoseconds, or -1 if none yet} */
    long lastClaimDurationNanos();

    /**
     * How many times a MASTER announced its addresses again because of {@link CarpGroupBuilder#announceRefresh}
     * (each time: one gratuitous ARP / unsolicited NA per address). 0 without that option.
     *
     * @return the count
     */
    default long announcementRefreshes() {
        return 0;
    }

    /**
     * How many times a MASTER kept its virtual addresses after a bow-out for {@link CarpGroupBuilder#releaseDelay}
     * (counted when the drain starts).
     *
     * @return the count
     */
    default long releaseDelays() {
        return 0;
    }

    /**
     * Whether the group holds its virtual addresses after a bow-out right now, waiting for
     * {@link CarpGroupBuilder#releaseDelay} to pass.
     *
     * @return {@code true} during the drain
     */
    default boolean draining() {
        return false;
    }

    /**
     * How adverts are authenticated right now, as {@link CarpConfig#authenticationMode()} words it; in the
     * replay-protected mode, with the key ids in force after {@link CarpGroup#setAuthentication}. Never a secret.
     *
     * @return the mode in words; never {@code null}
     */
    String authenticationMode();

    /**
     * The master-down interval in force, in nanoseconds: how long this node, as a backup, waits without hearing the
     * master before it takes over. It equals {@link CarpConfig#masterDownInterval()} unless
     * {@link CarpGroupBuilder#adaptToLoss adaptToLoss} is on and the node measured heavy loss, in which case it is up
     * to 4 x deadRatio intervals. -1 before the group starts. Not monotonic.
     *
     * @return the interval in nanoseconds, or -1 before the group starts
     */
    long currentMasterDownNanos();

    /**
     * VRRPv3 only: advertisements processed although their address list differs from this group's (RFC 9568 §7.1
     * asks to report the misconfiguration; they are logged at most once a minute). Always 0 for CARP and VRRPv2 (a
     * VRRPv2 group drops them as {@link DropReason#BAD_ADDRESS_LIST}).
     *
     * @return the count; 0 for CARP and VRRPv2
     */
    default long addressListMismatches() {
        return 0;
    }
}
