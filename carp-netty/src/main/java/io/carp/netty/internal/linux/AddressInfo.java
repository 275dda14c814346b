package io.carp.netty.internal.linux;

import java.net.InetAddress;

/**
 * One address of an interface, as an {@code RTM_NEWADDR} message describes it.
 *
 * @param ifindex          the interface index
 * @param address          the local address ({@code IFA_LOCAL}, else {@code IFA_ADDRESS})
 * @param prefixLength     the prefix length
 * @param flags            {@code IFA_F_*} flags ({@code IFA_FLAGS} if present, else {@code ifa_flags})
 * @param validSeconds     remaining valid lifetime in seconds, {@link #FOREVER} if permanent
 * @param preferredSeconds remaining preferred lifetime in seconds, {@link #FOREVER} if permanent
 */
public record AddressInfo(int ifindex, InetAddress address, int prefixLength, int flags, long validSeconds,
                          long preferredSeconds) {
    /** The kernel's "infinite lifetime" value, {@code INFINITY_LIFE_TIME}. */
    public static final long FOREVER = 0xFFFF_FFFFL;
    /** {@code IFA_F_SECONDARY}: not the primary address of its subnet (IPv4). */
    public static final int IFA_F_SECONDARY = 0x01;
    /** {@code IFA_F_NODAD}: no duplicate address detection (IPv6). */
    public static final int IFA_F_NODAD = 0x02;
    /** {@code IFA_F_DADFAILED}: duplicate address detection failed (IPv6). */
    public static final int IFA_F_DADFAILED = 0x08;
    /** {@code IFA_F_TENTATIVE}: duplicate address detection still running (IPv6). */
    public static final int IFA_F_TENTATIVE = 0x40;
    /** {@code IFA_F_PERMANENT}: configured, not autoconfigured or with a lifetime. */
    public static final int IFA_F_PERMANENT = 0x80;

    /** Whether the address can be used as a source (not tentative, DAD not failed). */
    public boolean usable() {
        return (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0;
    }

    /** Whether it is a secondary address of its subnet. */
    public boolean secondary() {
        return (flags & IFA_F_SECONDARY) != 0;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " ifindex " + ifindex + " flags 0x"
                + Integer.toHexString(flags) + " valid " + (validSeconds == FOREVER ? "forever" : validSeconds + "s");
    }
}
