package io.carp.netty.internal;

import io.carp.IpFamily;
import io.carp.netty.internal.linux.VirtualMacInterface;
import io.carp.netty.internal.linux.VirtualMacSockets;
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
    /** Its IPv6 send sockets, for a group with IPv6 addresses, or {@code null}. */
    private volatile VirtualMacSockets virtualMacSockets;

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
            context.sendVia(family, carpHeader, targets, v.ifindex(), via(family, v));
        } else {
            context.send(family, carpHeader, targets);
        }
    }

    /**
     * Uses a virtual MAC interface for the adverts, addresses and announcements from now on.
     *
     * @param sockets6 its IPv6 send sockets, or {@code null} if the group has no IPv6 address
     */
    void useVirtualMac(VirtualMacInterface v, VirtualMacSockets sockets6) {
        virtualMacSockets = sockets6;
        virtualMac = v;
        addresses.useVirtualMac(v, sockets6);
    }

    VirtualMacInterface virtualMac() {
        return virtualMac;
    }

    VirtualMacSockets virtualMacSockets() {
        return virtualMacSockets;
    }

    /**
     * IPv6 through the virtual MAC: its own socket, from the address copied onto the macvlan (the parent's
     * link-local one, RFC 9568 section 5.1.2.1); IPv4: {@code null} (the parent's socket with {@code IP_PKTINFO}).
     */
    private FamilySocket.ViaSender via(IpFamily family, VirtualMacInterface v) {
        VirtualMacSockets s = virtualMacSockets;
        if (family != IpFamily.IPV6) {
            return null;
        }
        if (s == null) {
            throw new IllegalStateException(this + ": no IPv6 socket on the virtual MAC interface " + v.name());
        }
        java.net.Inet6Address source = v.ipv6Source();
        return new FamilySocket.ViaSender() {
            @Override
            public InetAddress source() {
                return source;
            }

            @Override
            public void send(ByteBuffer bytes, InetAddress destination, int tos) {
                s.sendAdvert(bytes, (java.net.Inet6Address) destination, source, tos);
            }
        };
    }

    @Override
    public void sendVrrp(IpFamily family, VrrpMessage message) {
        VirtualMacInterface v = virtualMac;
        if (v != null) {
            context.sendVrrpVia(family, message, targets, v.ifindex(), via(family, v));
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
