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
     * seconds, at least one second more than the advertisement interval (the lifetime is renewed on every advert),
     * and at least {@value #MIN_LIFETIME_SECONDS} s. If the process dies, the kernel removes the address about this
     * long after the last advert, about when a backup takes over.
     *
     * @param config the group's configuration
     * @return seconds
     */
    static long lifetimeSeconds(CarpConfig config) {
        long masterDown = ceilSeconds(config.masterDownInterval().toNanos());
        long interval = ceilSeconds(config.advertisementInterval().toNanos()) + 1;
        return Math.max(MIN_LIFETIME_SECONDS, Math.max(masterDown, interval));
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
