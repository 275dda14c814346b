package io.carp.internal.vrrp;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of RFC 9568 §7.1 and RFC 3768 §7.1 that need a group's configuration, applied to an advertisement the
 * codec accepted for the group's VRID. One instance per group and family, used on the protocol thread.
 *
 * <ul>
 *   <li>Our own advertisement looped back: {@link Verdict#OWN_PACKET}.</li>
 *   <li>The other version: {@link Verdict#WRONG_VERSION} (RFC 9568 §7.1 "MUST verify the VRRP version").</li>
 *   <li>VRRPv2 only: an interval other than ours ({@link Verdict#BAD_INTERVAL}, RFC 3768 §7.1 MUST discard: v2 has
 *       no interval learning), another authentication type or password ({@link Verdict#BAD_AUTH}, compared in
 *       constant time), and an address list other than ours from a router that is not the owner
 *       ({@link Verdict#BAD_ADDRESS_LIST}, RFC 3768 §7.1).</li>
 *   <li>VRRPv3: an address list other than ours, or an empty one, is logged and counted but processed
 *       ({@link Verdict#ACCEPT_ADDRESS_MISMATCH}); an IPv6 list whose first address is not link-local is taken as
 *       is. RFC 9568 §7.1 makes the list check optional; its errata 8299 and 8300 would drop empty lists and
 *       non-link-local first addresses, but keepalived sends both unless {@code vrrp_strict} is set
 *       (keepalived.conf(5)), and ignoring a live master's advertisements would
 *       make this node a second master: a split brain is worse than a logged misconfiguration. keepalived drops
 *       mismatched lists itself ({@code vrrp_check_packet}), so with keepalived the lists must match anyway.</li>
 * </ul>
 * The lists are compared as sets (order and duplicates aside), as keepalived does. The outcome of that comparison is
 * kept for the last advertisement checked (advertisements are immutable, and the VRRP decoder hands the same object
 * again while the sender repeats it), so a steady stream of adverts is checked without allocating.
 */
public final class VrrpReceiveCheck {
    /** The outcome of the checks. */
    public enum Verdict {
        /** Process the advertisement. */
        ACCEPT,
        /** Process it, but count and log that its address list differs from ours (VRRPv3). */
        ACCEPT_ADDRESS_MISMATCH,
        /** Our own packet. */
        OWN_PACKET,
        /** The other VRRP version. */
        WRONG_VERSION,
        /** VRRPv2 interval differs from ours. */
        BAD_INTERVAL,
        /** VRRPv2 authentication type or data differ from ours. */
        BAD_AUTH,
        /** VRRPv2: a list other than ours (an empty one included) from a router that is not the owner. */
        BAD_ADDRESS_LIST
    }

    private final int version;
    private final int intervalCentis;
    private final int authType;
    private final byte[] authData;
    private final Set<InetAddress> addresses;
    /** The advertisement whose list was compared last, and whether its list was ours (protocol thread only). */
    private VrrpAdvertisement compared;
    private boolean comparedSame;

    /**
     * Creates the checks of one group and family.
     *
     * @param version        2 or 3
     * @param intervalCentis the configured interval, centiseconds
     * @param authType       VRRPv2's authentication type (0 or 1); ignored for VRRPv3
     * @param authData       VRRPv2's 8 authentication bytes (zeros for type 0); ignored for VRRPv3
     * @param addresses      the group's virtual addresses of this family
     */
    public VrrpReceiveCheck(int version, int intervalCentis, int authType, byte[] authData,
                            List<? extends InetAddress> addresses) {
        this.version = version;
        this.intervalCentis = intervalCentis;
        this.authType = authType;
        this.authData = authData.clone();
        this.addresses = Set.copyOf(addresses);
    }

    /**
     * Checks one advertisement.
     *
     * @param a      the decoded advertisement (its VRID is the group's)
     * @param source the sender's address
     * @param self   our own source address in that family, or {@code null}
     * @return the verdict
     */
    public Verdict check(VrrpAdvertisement a, InetAddress source, InetAddress self) {
        if (source.equals(self)) {
            return Verdict.OWN_PACKET;
        }
        if (a.version() != version) {
            return Verdict.WRONG_VERSION;
        }
        boolean sameList = sameList(a);
        if (version == VrrpConstants.VERSION_2) {
            if (a.intervalCentis() != intervalCentis) {
                return Verdict.BAD_INTERVAL;
            }
            if (a.authType() != authType
                    || (authType == VrrpConstants.AUTH_SIMPLE_TEXT && !a.authDataEquals(authData))) {
                return Verdict.BAD_AUTH;
            }
            if (!sameList && a.priority() != VrrpConstants.PRIORITY_OWNER) {
                return Verdict.BAD_ADDRESS_LIST;
            }
            return Verdict.ACCEPT;
        }
        return sameList ? Verdict.ACCEPT : Verdict.ACCEPT_ADDRESS_MISMATCH;
    }

    /** Whether the advertisement lists our addresses (as a set, and at least one); remembered for the last one. */
    private boolean sameList(VrrpAdvertisement a) {
        if (a != compared) {
            comparedSame = a.count() > 0 && new HashSet<>(a.addresses()).equals(addresses);
            compared = a;
        }
        return comparedSame;
    }
}
