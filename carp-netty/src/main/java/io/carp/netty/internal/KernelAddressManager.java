package io.carp.netty.internal;

import io.carp.CarpConfig;
import io.carp.netty.internal.linux.AddressInfo;
import io.carp.netty.internal.linux.Errno;
import io.carp.netty.internal.linux.NativeException;
import io.carp.netty.internal.linux.VirtualMacInterface;
import io.carp.AddressManager;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a group's virtual addresses on its interface with rtnetlink, with a kernel lifetime renewed on every advert so
 * that the kernel removes them by itself if the process dies; announces them with gratuitous ARP / unsolicited NA.
 * With {@link CarpConfig#manageAddresses()} off it only announces (as ucarp does), and the application moves the
 * addresses. Confined to the interface's event loop.
 *
 * <p>It never touches an address the group does not own. It removes or replaces only addresses it added itself
 * ({@link #held}) or, at start, stale copies that carry the group's own kernel lifetime (left by an earlier run that
 * was killed). A virtual address already on the interface as one of the host's own addresses (no lifetime, or a
 * longer one than the group gives) makes {@link #removeStale} refuse the start, and {@link #claim} leave it alone.
 */
final class KernelAddressManager implements AddressManager {
    private static final System.Logger LOG = System.getLogger(KernelAddressManager.class.getName());

    private final InterfaceContext context;
    private final boolean manage;
    private final long lifetimeSeconds;
    private final List<InetAddress> virtualAddresses;
    private final String label;
    /** Addresses this group put on the interface, with the prefix length they were added with. */
    private final Map<InetAddress, Integer> held = new LinkedHashMap<>();
    /** The virtual MAC interface that holds the addresses instead of the group's interface, or {@code null}. */
    private volatile VirtualMacInterface virtualMac;

    KernelAddressManager(InterfaceContext context, CarpConfig config) {
        this.context = context;
        this.manage = config.manageAddresses();
        this.lifetimeSeconds = AddressPolicy.lifetimeSeconds(config);
        this.virtualAddresses = config.virtualAddresses();
        this.label = "vhid " + config.vhid() + "@" + context.name;
    }

    /** Puts the addresses on a virtual MAC interface, and announces them from its MAC, from now on. */
    void useVirtualMac(VirtualMacInterface v) {
        virtualMac = v;
    }

    private String targetName() {
        VirtualMacInterface v = virtualMac;
        return v == null ? context.name : v.name();
    }

    private int targetIndex() {
        VirtualMacInterface v = virtualMac;
        return v == null ? context.ifindex : v.ifindex();
    }

    @Override
    public void claim(List<InetAddress> addresses) {
        Failures failures = new Failures();
        if (manage) {
            // the prefix comes from the group's interface, whose subnet the addresses belong to
            List<AddressInfo> existing = context.netlink.addresses(context.ifindex);
            for (InetAddress a : addresses) {
                AddressInfo present = find(existing, a);
                if (present != null && !held.containsKey(a) && !carriesOurLifetime(present)) {
                    failures.add(new IllegalStateException(notOurs(present) + "; left alone, not claimed"));
                    continue;
                }
                int prefix = AddressPolicy.prefixLength(a, existing, virtualAddresses);
                try {
                    context.netlink.addAddress(targetName(), targetIndex(), a, prefix, lifetimeSeconds);
                    held.put(a, prefix);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        announceEach(addresses, failures);
        failures.throwIfAny();
    }

    @Override
    public void release(List<InetAddress> addresses) {
        Failures failures = new Failures();
        for (InetAddress a : addresses) {
            Integer prefix = held.remove(a);
            if (prefix == null) {
                continue;
            }
            try {
                context.netlink.deleteAddress(targetName(), targetIndex(), a, prefix);
            } catch (NativeException e) {
                // Already gone (expired, removed by hand, or the interface itself was deleted): fine.
                if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENODEV) {
                    failures.add(e);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        failures.throwIfAny();
    }

    @Override
    public void announce(List<InetAddress> addresses) {
        Failures failures = new Failures();
        announceEach(addresses, failures);
        failures.throwIfAny();
    }

    @Override
    public void refresh(List<InetAddress> addresses) {
        Failures failures = new Failures();
        for (Map.Entry<InetAddress, Integer> e : held.entrySet()) {
            try {
                context.netlink.addAddress(targetName(), targetIndex(), e.getKey(), e.getValue(), lifetimeSeconds);
            } catch (RuntimeException ex) {
                failures.add(ex);
            }
        }
        failures.throwIfAny();
    }

    /** On detach: removes whatever this group still holds. */
    void releaseAll() {
        if (!held.isEmpty()) {
            release(new ArrayList<>(held.keySet()));
        }
    }

    /**
     * On attach: removes copies of our virtual addresses that a previous run left on the interface (killed before
     * their lifetime ran out): only copies that carry the group's own lifetime.
     *
     * @throws IllegalStateException in one line naming the address and the interface, if a virtual address is one of
     *                               the host's own addresses (no lifetime, or a longer one): the group would remove
     *                               it, so it refuses to start
     */
    void removeStale() {
        if (!manage) {
            return;
        }
        List<AddressInfo> existing = context.netlink.addresses(context.ifindex);
        for (AddressInfo a : existing) {
            if (virtualAddresses.contains(a.address()) && !carriesOurLifetime(a)) {
                throw new IllegalStateException(label + ": " + notOurs(a) + "; refusing to start, since the group"
                        + " would remove it (remove it from the interface or from the group's virtual addresses)");
            }
        }
        for (AddressInfo a : existing) {
            if (virtualAddresses.contains(a.address())) {
                context.netlink.deleteAddress(context.name, context.ifindex, a.address(), a.prefixLength());
                LOG.log(Level.INFO, "{0}: removed {1}/{2} left on the interface by an earlier run", label,
                        a.address().getHostAddress(), a.prefixLength());
            }
        }
    }

    /**
     * Whether an address on the interface looks like one this group adds: a finite valid and preferred lifetime no
     * longer than the one the group gives ({@link AddressPolicy#lifetimeSeconds}), so it expires by itself.
     */
    boolean carriesOurLifetime(AddressInfo a) {
        return a.validSeconds() != AddressInfo.FOREVER && a.validSeconds() <= lifetimeSeconds
                && a.preferredSeconds() <= lifetimeSeconds;
    }

    private String notOurs(AddressInfo a) {
        return "virtual address " + a.address().getHostAddress() + " is already on " + context.name + " as "
                + (a.validSeconds() == AddressInfo.FOREVER ? "a permanent address (no lifetime)"
                : "an address with a lifetime of " + a.validSeconds() + " s, longer than this group's "
                + lifetimeSeconds + " s") + ", not one this group added";
    }

    private static AddressInfo find(List<AddressInfo> existing, InetAddress address) {
        for (AddressInfo a : existing) {
            if (a.address().equals(address)) {
                return a;
            }
        }
        return null;
    }

    /** The kernel lifetime given to held addresses, in seconds. */
    long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    private void announceEach(List<InetAddress> addresses, Failures failures) {
        for (InetAddress a : addresses) {
            try {
                VirtualMacInterface v = virtualMac;
                if (v != null) {
                    context.announceVia(a, v.mac(), v.ifindex());
                } else {
                    context.announce(a);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** Collects failures so that one bad address does not stop the others. */
    private static final class Failures {
        private RuntimeException first;
        private int count;

        void add(RuntimeException e) {
            if (first == null) {
                first = e;
            }
            count++;
        }

        void throwIfAny() {
            if (first == null) {
                return;
            }
            if (count == 1) {
                throw first;
            }
            IllegalStateException e = new IllegalStateException(first.getMessage() + " (and " + (count - 1)
                    + " more failure" + (count > 2 ? "s" : "") + ")", first);
            throw e;
        }
    }
}
