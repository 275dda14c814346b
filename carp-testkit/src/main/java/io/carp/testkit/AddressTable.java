package io.carp.testkit;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The virtual addresses on one node's interface, as the kernel sees them. Like the Linux runtime, addresses are added
 * with a lifetime that every advertisement of the master renews; if nothing renews them (the process was killed or is
 * frozen) they vanish when the lifetime runs out. The table belongs to the node, not to a process, so it outlives a
 * kill and a restart, as the kernel's does.
 */
final class AddressTable {
    private final SimulatedNode node;
    private final Map<InetAddress, Lease> leases = new LinkedHashMap<>();

    AddressTable(SimulatedNode node) {
        this.node = node;
    }

    /** Adds the addresses, or renews them (re-adding any that expired), for {@code lifetimeNanos}. */
    void put(List<InetAddress> addresses, long lifetimeNanos) {
        long expiry = node.network().scheduler().now() + lifetimeNanos;
        for (InetAddress address : addresses) {
            Lease lease = leases.computeIfAbsent(address, a -> new Lease());
            lease.expiresAt = expiry;
            if (!lease.checkArmed) {
                arm(address, lease);
            }
        }
    }

    void remove(List<InetAddress> addresses) {
        addresses.forEach(leases::remove);
    }

    boolean holds(InetAddress address) {
        return leases.containsKey(address);
    }

    List<InetAddress> addresses() {
        return List.copyOf(leases.keySet());
    }

    private void arm(InetAddress address, Lease lease) {
        lease.checkArmed = true;
        node.network().scheduler().schedule(lease.expiresAt, () -> check(address, lease), null);
    }

    private void check(InetAddress address, Lease lease) {
        lease.checkArmed = false;
        if (leases.get(address) != lease) {
            return; // removed meanwhile
        }
        if (lease.expiresAt > node.network().scheduler().now()) {
            arm(address, lease);
            return;
        }
        leases.remove(address);
        node.network().recorder().event(node.name(), "address " + address.getHostAddress()
                + " expired (kernel lifetime ran out: no advertisement renewed it)");
    }

    /** One address's expiry; at most one expiry check is queued per lease. */
    private static final class Lease {
        long expiresAt;
        boolean checkArmed;
    }
}
