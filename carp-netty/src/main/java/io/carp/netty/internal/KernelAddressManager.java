package io.carp.netty.internal;

import io.carp.CarpClock;

import io.carp.CarpConfig;
import io.carp.AddressManager;
import io.carp.netty.internal.linux.AddressInfo;
import io.carp.netty.internal.linux.Errno;
import io.carp.netty.internal.linux.NativeException;
import io.carp.netty.internal.linux.RtNetlink;
import io.carp.netty.internal.linux.VirtualMacInterface;
import io.carp.netty.internal.linux.VirtualMacSockets;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** Addresses this group put on the interface, with the request that added (and renews) each. */
    private final Map<InetAddress, RtNetlink.AddressRequest> held = new LinkedHashMap<>();
    /** The renewal requests of the held addresses, in batches of at most {@link RtNetlink#MAX_BATCH}. */
    private RtNetlink.AddressRequest[] renewals = new RtNetlink.AddressRequest[0];
    /** How long after the last add or renewal the next renewal is due (see {@link AddressPolicy#renewAfterNanos}). */
    private final long renewAfterNanos;
    private long lastRenewal;
    private boolean renewalFailed;
    /** The group, asked to renew again when a batched renewal failed; {@code null}: renew synchronously. */
    private final io.carp.spi.GroupEndpoint group;
    /** Failures of this turn's batched renewal, collected by {@link AddressRenewals}. */
    private Failures pendingFailures;
    /** A batched renewal's failure, thrown by the next {@link #refresh}. */
    private RuntimeException batchFailure;
    /**
     * The prepared requests of each virtual address for the next claim, with the prefix length worked out from
     * the interface's addresses beforehand; see {@link #refreshPrefixes()}.
     */
    private volatile Map<InetAddress, RtNetlink.AddressRequest[]> prepared = Map.of(); // {exclusive add, renewal}
    /** The virtual MAC interface that holds the addresses instead of the group's interface, or {@code null}. */
    private volatile VirtualMacInterface virtualMac;
    /** Its IPv6 send sockets (unsolicited neighbour advertisements from the virtual MAC), or {@code null}. */
    private volatile VirtualMacSockets virtualMacSockets;

    KernelAddressManager(InterfaceContext context, CarpConfig config) {
        this(context, config, null);
    }

    /**
     * @param group the group, to report a failed batched renewal to ({@link io.carp.spi.GroupEndpoint#refreshAddresses});
     *              {@code null} to renew synchronously
     */
    KernelAddressManager(InterfaceContext context, CarpConfig config, io.carp.spi.GroupEndpoint group) {
        this.context = context;
        this.group = group;
        this.manage = config.manageAddresses();
        this.lifetimeSeconds = AddressPolicy.lifetimeSeconds(config);
        this.renewAfterNanos = AddressPolicy.renewAfterNanos(config);
        this.virtualAddresses = config.virtualAddresses();
        this.label = "vhid " + config.vhid() + "@" + context.name;
    }

    /**
     * Puts the addresses on a virtual MAC interface, and announces them from its MAC, from now on. The prepared
     * requests are made again for that interface.
     */
    void useVirtualMac(VirtualMacInterface v, VirtualMacSockets sockets6) {
        virtualMacSockets = sockets6;
        virtualMac = v;
        try {
            refreshPrefixes();
        } catch (RuntimeException e) {
            prepared = Map.of(); // prepared again, with a dump, at the claim
        }
    }

    /**
     * The interface was created again under its name (a new ifindex): the prepared requests name the old one, so
     * they are made again for the new interface (or, if that fails now, at the next claim).
     */
    void interfaceReplaced() {
        try {
            refreshPrefixes();
        } catch (RuntimeException e) {
            prepared = Map.of(); // prepared again, with a dump, at the claim
        }
    }

    private String targetName() {
        VirtualMacInterface v = virtualMac;
        return v == null ? context.name : v.name();
    }

    private int targetIndex() {
        VirtualMacInterface v = virtualMac;
        return v == null ? context.ifindex : v.ifindex();
    }

    /**
     * Adds each address and announces it at once, address by address, so that the first gratuitous ARP / NA leaves
     * one rtnetlink round trip after the takeover is due rather than after every address was added. The requests
     * were prepared beforehand (see {@link #refreshPrefixes()}), so no address dump and no message building delays
     * the claim.
     *
     * <p>The failure collector is created only on a failure: on a backup that has never been MASTER, creating it
     * would load its class from the jar in the middle of the takeover, which was measured at about 0.3 ms before the
     * first gratuitous ARP (docs/PERFORMANCE.md).
     */
    @Override
    public void claim(List<InetAddress> addresses) {
        Failures failures = null;
        for (InetAddress a : addresses) {
            if (manage) {
                try {
                    RtNetlink.AddressRequest held = add(a);
                    if (held == null) {
                        continue; // not ours: left alone, failure recorded
                    }
                } catch (RuntimeException e) {
                    failures = Failures.add(failures, e);
                    continue; // do not announce an address we could not add
                }
            }
            try {
                announceOne(a);
            } catch (RuntimeException e) {
                failures = Failures.add(failures, e);
            }
        }
        renewals = held.values().toArray(new RtNetlink.AddressRequest[0]);
        lastRenewal = CarpClock.system().nanoTime();
        if (failures != null) {
            failures.throwIfAny();
        }
    }

    /**
     * Adds one address: first with a prepared exclusive request ({@code NLM_F_EXCL}), which the kernel refuses with
     * {@code EEXIST} if the address is already there, so the usual claim takes one round trip and no address dump.
     * Only if it is there does the group read the interface's addresses: a copy this group added (held, or carrying
     * a lifetime no longer than the group's) is renewed; anything else (a permanent address, a longer lifetime) is left
     * alone and reported.
     *
     * @return the request that renews the address, or {@code null} if the address is not ours (recorded in failures)
     */
    private RtNetlink.AddressRequest add(InetAddress a) {
        RtNetlink.AddressRequest[] pair = prepared.get(a);
        if (pair != null) {
            try {
                context.netlink.send(pair[0]);
                held.put(a, pair[1]);
                return pair[1];
            } catch (NativeException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
        }
        List<AddressInfo> existing = context.netlink.addresses(context.ifindex);
        AddressInfo present = find(existing, a);
        if (present != null && !held.containsKey(a) && !carriesOurLifetime(present)) {
            throw new IllegalStateException(notOurs(present) + "; left alone, not claimed");
        }
        RtNetlink.AddressRequest renew = prepare(a, existing, false);
        context.netlink.send(renew);
        held.put(a, renew);
        return renew;
    }

    /**
     * Prepares the requests that add the virtual addresses at the next claim, with prefix lengths from the interface's
     * addresses now (one rtnetlink dump). Called on attach and after each release, so a group re-reads the interface's
     * subnets each time it leaves MASTER.
     */
    void refreshPrefixes() {
        if (manage) {
            refreshPrefixes(context.netlink.addresses(context.ifindex));
        }
    }

    /**
     * On attach: prepares the claim (see {@link #refreshPrefixes()}) and runs the rtnetlink request path once, so that
     * the first takeover finds its code loaded and linked.
     */
    void prepareClaim(List<AddressInfo> existing) {
        refreshPrefixes(existing);
        context.netlink.warmUp();
    }

    private void refreshPrefixes(List<AddressInfo> existing) {
        Map<InetAddress, RtNetlink.AddressRequest[]> fresh = new HashMap<>();
        for (InetAddress a : virtualAddresses) {
            fresh.put(a, new RtNetlink.AddressRequest[] {prepare(a, existing, true), prepare(a, existing, false)});
        }
        prepared = fresh;
    }

    private RtNetlink.AddressRequest prepare(InetAddress a, List<AddressInfo> existing, boolean exclusive) {
        // the prefix comes from the group's interface, whose subnet the addresses belong to
        return RtNetlink.prepareAdd(targetName(), targetIndex(), a,
                AddressPolicy.prefixLength(a, existing, virtualAddresses), lifetimeSeconds, exclusive);
    }

    @Override
    public void release(List<InetAddress> addresses) {
        batchFailure = null; // about addresses that are going now
        pendingFailures = null;
        Failures failures = new Failures();
        for (InetAddress a : addresses) {
            RtNetlink.AddressRequest request = held.remove(a);
            if (request == null) {
                continue;
            }
            try {
                context.netlink.deleteAddress(targetName(), targetIndex(), a, request.prefixLength());
            } catch (NativeException e) {
                // Already gone (expired, removed by hand, or the interface itself was deleted): fine.
                if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENODEV) {
                    failures.add(e);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        renewals = held.values().toArray(new RtNetlink.AddressRequest[0]);
        try {
            refreshPrefixes();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        failures.throwIfAny();
    }

    @Override
    public void announce(List<InetAddress> addresses) {
        Failures failures = new Failures();
        announceEach(addresses, failures);
        failures.throwIfAny();
    }

    /**
     * Renews the lifetimes of the held addresses once {@link AddressPolicy#renewAfterNanos} has passed since the last
     * add or renewal (so not after every advert). With a group endpoint to report to, the requests join the
     * interface's {@link AddressRenewals}, sent with every other group's at the end of this turn of the loop; a
     * failure found there comes back through {@link #renewalFailed} in the same turn and is thrown from here (the
     * group demotes itself). After a failure (and without a group endpoint) the requests are sent at once, one
     * rtnetlink datagram per {@link RtNetlink#MAX_BATCH} addresses, every acknowledgement checked, at every advert
     * until they succeed. Allocates nothing when all succeed.
     */
    @Override
    public void refresh(List<InetAddress> addresses) {
        RuntimeException failed = batchFailure;
        if (failed != null) {
            batchFailure = null;
            renewalFailed = true; // retried at the next advert
            throw failed;
        }
        long now = CarpClock.system().nanoTime();
        if (!renewalFailed && now - lastRenewal < renewAfterNanos) {
            return; // the lifetime still outlasts the next advert by the margin
        }
        lastRenewal = now;
        if (group != null && !renewalFailed) {
            // A failure comes back through renewalFailed() before this turn ends. After a failure the renewal is
            // retried synchronously (below): returning normally tells the group the addresses are renewed again,
            // which it may only hear once the kernel has accepted them.
            context.renewals.add(this, renewals);
            return;
        }
        renewalFailed = true; // until this renewal is known to have succeeded: a failed one is retried every advert
        RtNetlink.AddressRequest[] all = renewals;
        Failures failures = null;
        for (int from = 0; from < all.length; from += RtNetlink.MAX_BATCH) {
            int n = Math.min(RtNetlink.MAX_BATCH, all.length - from);
            RtNetlink.AddressRequest[] chunk = all;
            if (from > 0) {
                chunk = java.util.Arrays.copyOfRange(all, from, from + n);
            }
            try {
                if (context.netlink.send(chunk, n) == 0) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    NativeException f = chunk[i].failure();
                    if (f != null) {
                        failures = failures != null ? failures : new Failures();
                        failures.add(f);
                    }
                }
            } catch (RuntimeException e) {
                failures = failures != null ? failures : new Failures();
                failures.add(e);
            }
        }
        if (failures != null) {
            failures.throwIfAny();
        }
        renewalFailed = false;
    }

    /** The renewal requests now: a new array after every claim and release (see {@link AddressRenewals}). */
    RtNetlink.AddressRequest[] renewalsQueued() {
        return renewals;
    }

    /** {@link AddressRenewals}: a renewal of this group failed (collected until {@link #renewalFailed()}). */
    void noteRenewalFailure(RuntimeException e) {
        if (pendingFailures == null) {
            pendingFailures = new Failures();
        }
        pendingFailures.add(e);
    }

    /**
     * {@link AddressRenewals}, after sending the turn's batch: if a renewal of this group failed, has the group renew
     * again now, which throws the failure from {@link #refresh} so that the group demotes itself in this turn rather
     * than at its next advert.
     */
    void renewalFailed() {
        Failures f = pendingFailures;
        if (f == null) {
            return;
        }
        pendingFailures = null;
        try {
            f.throwIfAny();
        } catch (RuntimeException e) {
            batchFailure = e;
        }
        group.refreshAddresses();
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
        prepareClaim(existing);
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
                announceOne(a);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    private void announceOne(InetAddress a) {
        VirtualMacInterface v = virtualMac;
        if (v != null) {
            VirtualMacSockets s = virtualMacSockets;
            if (a instanceof java.net.Inet6Address a6 && s != null) {
                s.announce(v.mac(), a6);
            } else {
                context.announceVia(a, v.mac(), v.ifindex());
            }
        } else {
            context.announce(a);
        }
    }


    /** Collects failures so that one bad address does not stop the others. */
    private static final class Failures {
        private RuntimeException first;
        private int count;

        /** Adds a failure to a collector, creating it on the first one. */
        static Failures add(Failures failures, RuntimeException e) {
            Failures f = failures != null ? failures : new Failures();
            f.add(e);
            return f;
        }

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
