package io.carp.netty.internal;

import io.carp.IpFamily;
import io.carp.netty.internal.linux.VirtualMacInterface;
import io.carp.AddressManager;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.ProtocolLoop;
import io.carp.spi.RuntimeBinding;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** One group's link to a {@link LinuxRuntime}: its interface's loop, sockets and address manager. */
final class NettyBinding implements RuntimeBinding {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GroupEndpoint group;
    private final InterfaceContext context;
    private final LinuxRuntime runtime;
    private final KernelAddressManager addresses;
    private final AdvertTargets targets;
    private final AtomicBoolean detached = new AtomicBoolean();
    /** The group's virtual MAC interface ({@code CarpConfig.virtualMac()}), or {@code null}. */
    private volatile VirtualMacInterface virtualMac;

    NettyBinding(GroupEndpoint group, InterfaceContext context, LinuxRuntime runtime, AdvertTargets targets) {
        this.group = group;
        this.context = context;
        this.runtime = runtime;
        this.targets = targets;
        this.addresses = new KernelAddressManager(context, group.config(), group);
    }

    GroupEndpoint group() {
        return group;
    }

    InterfaceContext context() {
        return context;
    }

    KernelAddressManager addresses() {
        return addresses;
    }

    @Override
    public ProtocolLoop loop() {
        return context.protocolLoop;
    }

    /**
     * Sends to the family's multicast group, or to each of the group's unicast peers of that family
     * (see {@link AdvertTargets}).
     */
    @Override
    public void send(IpFamily family, ByteBuffer carpHeader) {
        VirtualMacInterface v = virtualMac;
        if (v != null) {
            context.sendVia(family, carpHeader, targets, v.ifindex());
        } else {
            context.send(family, carpHeader, targets);
        }
    }

    /** Uses a virtual MAC interface for the adverts, addresses and announcements from now on. */
    void useVirtualMac(VirtualMacInterface v) {
        virtualMac = v;
        addresses.useVirtualMac(v);
    }

    VirtualMacInterface virtualMac() {
        return virtualMac;
    }

    @Override
    public void sendVrrp(IpFamily family, VrrpMessage message) {
        VirtualMacInterface v = virtualMac;
        if (v != null) {
            context.sendVrrpVia(family, message, targets, v.ifindex());
        } else {
            context.sendVrrp(family, message, targets);
        }
    }

    @Override
    public AddressManager addressManager() {
        return addresses;
    }

    @Override
    public InetAddress sourceAddress(IpFamily family) {
        return context.sourceAddress(family);
    }

    @Override
    public boolean linkUp() {
        return context.linkUp();
    }

    @Override
    public long randomLong() {
        return RANDOM.nextLong();
    }

    /** Releases the addresses still held, unregisters the group, and closes sockets no other group needs. */
    @Override
    public void detach() {
        if (detached.compareAndSet(false, true)) {
            runtime.detach(this);
        }
    }

    boolean isDetached() {
        return detached.get();
    }

    @Override
    public String toString() {
        return "vhid " + group.config().vhid() + "@" + context.name;
    }
}
