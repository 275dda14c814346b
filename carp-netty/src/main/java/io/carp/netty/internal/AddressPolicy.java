package io.carp.netty.internal;

import io.carp.CarpConfig;
import io.carp.netty.internal.linux.AddressInfo;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/** How the runtime puts a virtual address on an interface: its prefix length and kernel lifetime. Pure. */
final class AddressPolicy {
    /** The shortest lifetime given to an address, in seconds. */
    static final long MIN_LIFETIME_SECONDS = 2;

    private AddressPolicy() {
    }

    /**
     * The prefix length of a virtual address: that of the most specific subnet of the interface that contains it
     * (so it becomes a secondary address of that subnet), else a host prefix (/32, /128).
     *
     * @param vip      the virtual address
     * @param existing the interface's addresses
     * @param vips     every virtual address of the group (never taken as the subnet)
     * @return the prefix length
     */
    static int prefixLength(InetAddress vip, List<AddressInfo> existing, Collection<InetAddress> vips) {
        int host = vip instanceof Inet4Address ? 32 : 128;
        int best = -1;
        for (AddressInfo a : existing) {
            InetAddress other = a.address();
            if (other.getClass() != vip.getClass() || vips.contains(other) || a.prefixLength() >= host) {
                continue;
            }
            if (a.prefixLength() > best && sameSubnet(vip, other, a.prefixLength())) {
                best = a.prefixLength();
            }
        }
        return best >= 0 ? best : host;
    }

    static boolean sameSubnet(InetAddress a, InetAddress b, int prefixLength) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (x[i] != y[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (x[full] & mask) == (y[full] & mask);
    }

    /**
     * The valid and preferred lifetime of the addresses a master holds: the master-down interval rounded up to whole
     * seconds (at least one second more than the advertisement interval, and at least
     * {@value #MIN_LIFETIME_SECONDS} s), plus one advertisement interval rounded up, so that the master need not renew
     * it after every advert (see {@link #renewAfterNanos}). If the process dies, the kernel removes the address about
     * this long after the last renewal: at most one advertisement interval after a backup takes over.
     *
     * @param config the group's configuration
     * @return seconds
     */
    static long lifetimeSeconds(CarpConfig config) {
        long masterDown = ceilSeconds(config.masterDownInterval().toNanos());
        long advert = ceilSeconds(config.advertisementInterval().toNanos());
        return Math.max(MIN_LIFETIME_SECONDS, Math.max(masterDown, advert + 1)) + advert;
    }

    /**
     * How long after adding or renewing the addresses a master renews them again: when the time left on the lifetime
     * is down to one advertisement interval plus a margin of at least a second (and at least one more interval), so
     * that a renewal that fails or comes late still finds the address in place and there is time to demote. At
     * advbase 1, advskew 0 (lifetime 4 s) that is every second advert; at sub-second intervals every few. 0 (renew
     * after every advert) when the lifetime leaves no room.
     *
     * @param config the group's configuration
     * @return nanoseconds
     */
    static long renewAfterNanos(CarpConfig config) {
        long lifetime = lifetimeSeconds(config) * 1_000_000_000L;
        long interval = config.advertisementInterval().toNanos();
        long margin = Math.max(1_000_000_000L, interval);
        return Math.max(0, lifetime - interval - margin);
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
