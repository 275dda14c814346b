package io.carp.testkit;

import io.carp.CarpConfig;
import io.carp.internal.time.CarpTiming;
import java.net.InetAddress;
import java.util.List;

/**
 * The address manager one group gets from a simulated node: puts addresses in the node's {@link AddressTable} with a
 * lifetime of the group's master-down interval (at least one advertisement interval at full demotion, so a demoted
 * live master never loses them), and counts claims and announcements per vhid. Calls from a dead process do nothing.
 * With {@code manageAddresses(false)} the addresses are only counted, never put on the node.
 */
final class SimAddressManager implements io.carp.AddressManager {
    private final SimulatedNode node;
    private final NodeProcess process;
    private final CarpConfig config;
    private final long lifetimeNanos;

    SimAddressManager(SimulatedNode node, NodeProcess process, CarpConfig config) {
        this.node = node;
        this.process = process;
        this.config = config;
        long masterDown = config.masterDownInterval().toNanos();
        long slowestInterval = CarpTiming.ticksToNanos(CarpTiming.intervalTicks(config.advbase(), 240));
        this.lifetimeNanos = Math.max(masterDown, slowestInterval + CarpTiming.NANOS_PER_TICK);
    }

    @Override
    public void claim(List<InetAddress> addresses) {
        if (process.isAlive()) {
            node.counters().claimed(config.vhid());
            put(addresses);
        }
    }

    @Override
    public void release(List<InetAddress> addresses) {
        if (process.isAlive() && config.manageAddresses()) {
            node.addressTable().remove(addresses);
        }
    }

    @Override
    public void announce(List<InetAddress> addresses) {
        if (process.isAlive()) {
            node.counters().announced(config.vhid());
        }
    }

    @Override
    public void refresh(List<InetAddress> addresses) {
        if (process.isAlive()) {
            put(addresses);
        }
    }

    private void put(List<InetAddress> addresses) {
        if (config.manageAddresses()) {
            node.addressTable().put(addresses, lifetimeNanos);
        }
    }
}
