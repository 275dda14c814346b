package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.CarpConfig;
import io.carp.IpFamily;
import io.carp.netty.internal.linux.LinkInfo;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RtNetlink;
import io.carp.spi.GroupEndpoint;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Everything a runtime holds for one interface: the rtnetlink socket, the link monitor, and one {@link FamilySocket}
 * per address family, shared by every group (vhid) on the interface. A family's socket is opened when the first group
 * needing it attaches and closed when the last one detaches; it is a member of its multicast group only while some
 * group on the interface advertises to it, not for groups that all use unicast peers.
 *
 * <p>An interface deleted and created again under the same name (a VM's NIC hot-plugged, a bond or veth rebuilt)
 * has a new ifindex: the {@link LinkMonitor} follows it, and the context opens its family sockets again on the new
 * interface (joining the multicast groups again, with the same pinned sources) before the groups hear that the link
 * is back ({@link #onReplaced}).
 *
 * <p>Threads: {@link #attach} and {@link #detach} run under the runtime's lock; packets, link events, sends and
 * address changes run on the event loop; re-opening after a re-creation runs on the loop under the runtime's lock.
 */
final class InterfaceContext {
    private static final System.Logger LOG = System.getLogger(InterfaceContext.class.getName());
    private static final long REGISTER_TIMEOUT_MILLIS = 5_000;

    final String name;
    /** Changes when the interface is deleted and created again under the same name. */
    volatile int ifindex;
    final RtNetlink netlink;
    final NettyProtocolLoop protocolLoop;
    /** The address renewals of this interface's groups, sent together once per turn (loop thread). */
    final AddressRenewals renewals;
    private final NetworkNamespace namespace;
    private final IoEventLoop loop;
    private final LinkMonitor linkMonitor;
    private final FamilySocket ipv4;
    private final FamilySocket ipv6;
    private final List<FamilySocket> families;
    private final List<NettyBinding> bindings = new CopyOnWriteArrayList<>();
    private volatile boolean linkUp;
    private volatile byte[] mac;
    /** The runtime's lock, under which the family sockets change. */
    private final Object runtimeLock;
    /** Loop thread: the interface was re-created and its sockets could not be opened again yet. */
    private boolean stale;

    private InterfaceContext(String name, LinkInfo link, RtNetlink netlink, NetworkNamespace namespace,
                             IoEventLoop loop, CarpClock clock, Object runtimeLock) {
        this.name = name;
        this.runtimeLock = runtimeLock;
        this.ifindex = link.ifindex();
        this.mac = link.hardwareAddress();
        this.netlink = netlink;
        this.namespace = namespace;
        this.loop = loop;
        this.protocolLoop = new NettyProtocolLoop(loop, clock);
        this.renewals = new AddressRenewals(netlink, loop);
        this.ipv4 = new FamilySocket(IpFamily.IPV4, name, () -> netlink.addresses(ifindex), this::isVirtual,
                CarpClock.system());
        this.ipv6 = new FamilySocket(IpFamily.IPV6, name, () -> netlink.addresses(ifindex), this::isVirtual,
                CarpClock.system());
        this.families = List.of(ipv4, ipv6);
        this.linkMonitor = namespace.call(() -> LinkMonitor.open(name, ifindex, netlink, this::onLink,
                this::onReplaced, loop));
        try {
            LinkInfo now = netlink.link(ifindex); // after subscribing: no change can fall in between
            this.linkUp = now != null && now.usable();
            if (now != null && now.hardwareAddress().length > 0) {
                this.mac = now.hardwareAddress();
            }
        } catch (RuntimeException e) {
            linkMonitor.close();
            throw e;
        }
    }

    /**
     * Opens the interface's netlink sockets.
     *
     * @param runtimeLock the lock under which the runtime attaches and detaches groups
     * @throws IllegalStateException if there is no such interface
     */
    static InterfaceContext open(String name, NetworkNamespace namespace, IoEventLoop loop, CarpClock clock,
                                 Object runtimeLock) {
        RtNetlink netlink = namespace.call(RtNetlink::open);
        try {
            LinkInfo link = netlink.link(name);
            if (link == null) {
                throw new IllegalStateException("network interface '" + name + "' does not exist"
                        + (namespace.isCurrent() ? "" : " in " + namespace) + " (see `ip link`)");
            }
            return new InterfaceContext(name, link, netlink, namespace, loop, clock, runtimeLock);
        } catch (RuntimeException e) {
            netlink.close();
            throw e;
        }
    }

    private FamilySocket socket(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4 : ipv6;
    }

    /** Opens a family's CARP socket inside the interface's namespace. */
    private FamilyTransport openTransport(IpFamily family, InetAddress pinnedSource, boolean join) {
        FamilySocket f = socket(family);
        return family == IpFamily.IPV4
                ? namespace.call(() -> Ipv4Transport.open(name, ifindex, (Inet4Address) pinnedSource, f.router, loop,
                join))
                : namespace.call(() -> Ipv6Transport.open(name, ifindex, f.router, loop, join));
    }

    // ------------------------------------------------------------------------------------------------ attach/detach

    /** Under the runtime lock: registers the group and opens the sockets its families need. */
    NettyBinding attach(GroupEndpoint group, LinuxRuntime runtime) {
        CarpConfig config = group.config();
        for (NettyBinding b : bindings) {
            if (io.carp.spi.CarpDispatcher.shareIdSpace(b.group().config(), config)) {
                throw new IllegalStateException("vhid " + config.vhid() + " is already running on " + name
                        + " in this runtime (" + b.group().config().protocol() + "; CARP vhids and VRRPv2 VRIDs share"
                        + " one id space, VRRPv3 VRIDs have their own)");
            }
        }
        AdvertTargets targets = AdvertTargets.of(config);
        Optional<InetAddress> source = config.sourceAddress();
        List<FamilySocket> used = new ArrayList<>();
        for (FamilySocket f : families) {
            f.checkSource(pinnedSource(source, f.family));
            if (config.virtualAddresses().stream().anyMatch(a -> IpFamily.of(a) == f.family)) {
                used.add(f);
            }
        }
        try {
            for (FamilySocket f : used) {
                boolean join = !targets.isUnicast(f.family);
                f.ensureOpen(pinned -> openTransport(f.family, pinned, join), pinnedSource(source, f.family));
            }
            source.ifPresent(a -> socket(IpFamily.of(a)).pin(a));
            for (FamilySocket f : used) {
                f.register(group, targets);
                f.prepareAnnouncements(mac, config.virtualAddresses());
            }
            families.forEach(FamilySocket::updateMembership);
        } catch (RuntimeException e) {
            families.forEach(f -> f.unregister(group));
            closeUnused();
            throw e;
        }
        if (config.isUnicast()) {
            StringBuilder where = new StringBuilder();
            for (FamilySocket f : used) {
                where.append(' ').append(f.label()).append(" to ").append(targets.describe(f.family));
            }
            LOG.log(Level.INFO, "{0}: vhid {1} advertises{2}", name, config.vhid(), where);
        }
        NettyBinding binding = new NettyBinding(group, this, runtime, targets);
        bindings.add(binding);
        return binding;
    }

    /** The source a group's configuration pins in a family, or {@code null}. */
    private static InetAddress pinnedSource(Optional<InetAddress> source, IpFamily family) {
        return source.filter(a -> IpFamily.of(a) == family).orElse(null);
    }

    /**
     * Waits (outside the runtime lock) until the sockets are registered on the loop. On the loop itself it cannot
     * wait: registration then completes as soon as the current task returns.
     */
    void awaitRegistered() {
        if (loop.inEventLoop()) {
            return;
        }
        await(linkMonitor.registration(), "link monitor");
        for (FamilySocket f : families) {
            Future<?> registration = f.registration();
            if (registration != null) {
                await(registration, f.label() + " CARP socket");
            }
        }
    }

    private void await(Future<?> f, String what) {
        if (!f.awaitUninterruptibly(REGISTER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the " + what + " on " + name + " was not registered on the event loop"
                    + " within " + REGISTER_TIMEOUT_MILLIS + " ms (is the loop blocked?)");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException("the " + what + " on " + name + " could not be registered on the event"
                    + " loop: " + f.cause(), f.cause());
        }
    }

    /** Under the runtime lock: forgets the group and closes the sockets no group needs any more. */
    void detach(NettyBinding binding) {
        GroupEndpoint group = binding.group();
        bindings.remove(binding);
        for (FamilySocket f : families) {
            f.unregister(group);
            boolean anyPin = bindings.stream().anyMatch(b -> pinnedSource(b.group().config().sourceAddress(),
                    f.family) != null);
            if (!anyPin) {
                f.unpin();
            }
            f.updateMembership();
        }
        closeUnused();
    }

    /** Closes the family sockets no registered group needs. */
    private void closeUnused() {
        for (FamilySocket f : families) {
            FamilyTransport unused = f.detachIfUnused();
            if (unused != null) {
                onLoop(unused::close);
            }
        }
    }

    boolean isEmpty() {
        return bindings.isEmpty();
    }

    List<NettyBinding> bindings() {
        return List.copyOf(bindings);
    }

    /** Closes everything; call once no group is attached. */
    void close() {
        List<FamilyTransport> open = new ArrayList<>();
        for (FamilySocket f : families) {
            FamilyTransport t = f.detachAll();
            if (t != null) {
                open.add(t);
            }
        }
        onLoop(() -> {
            open.forEach(FamilyTransport::close);
            protocolLoop.close();
            linkMonitor.close();
            netlink.close();
        });
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the loop is gone: nobody reads the sockets any more
        }
    }

    // ------------------------------------------------------------------------------------------------ on the loop

    /** Sends one advert of a family (see {@link FamilySocket#send}). */
    void send(IpFamily family, ByteBuffer carpHeader, AdvertTargets targets) {
        socket(family).send(carpHeader, targets);
    }

    /** Sends one advert of a family out of a virtual MAC interface stacked on this one. */
    void sendVia(IpFamily family, ByteBuffer carpHeader, AdvertTargets targets, int viaIfindex,
                 FamilySocket.ViaSender via) {
        socket(family).sendVia(carpHeader, targets, viaIfindex, via);
    }

    /** Sends a gratuitous ARP for a virtual address out of a virtual MAC interface, from its MAC. */
    void announceVia(InetAddress address, byte[] viaMac, int viaIfindex) {
        socket(IpFamily.of(address)).announceVia(viaMac, address, viaIfindex);
    }

    /** Sends one VRRP advert of a family out of a virtual MAC interface stacked on this one. */
    void sendVrrpVia(IpFamily family, io.carp.spi.RuntimeBinding.VrrpMessage message, AdvertTargets targets,
                     int viaIfindex, FamilySocket.ViaSender via) {
        socket(family).sendVrrpVia(message, targets, viaIfindex, via);
    }

    /** Sends one VRRP advert of a family (see {@link FamilySocket#sendVrrp}). */
    void sendVrrp(IpFamily family, io.carp.spi.RuntimeBinding.VrrpMessage message, AdvertTargets targets) {
        socket(family).sendVrrp(message, targets);
    }

    /** Sends a gratuitous ARP (IPv4) or an unsolicited neighbour advertisement (IPv6) for a virtual address. */
    void announce(InetAddress address) {
        byte[] hw = mac;
        if (hw.length != 6) {
            LOG.log(Level.DEBUG, "{0}: no Ethernet address; not announcing {1}", name, address.getHostAddress());
            return;
        }
        socket(IpFamily.of(address)).announce(hw, address);
    }

    InetAddress sourceAddress(IpFamily family) {
        return socket(family).sourceAddress();
    }

    boolean linkUp() {
        return linkUp;
    }

    /**
     * On the loop, from the link monitor: the interface was created again under our name (new ifindex). Closes the
     * family sockets bound to the old interface and opens them again on the new one, for the groups still attached.
     * The link monitor then passes the new link's state to {@link #onLink}.
     */
    private void onReplaced(LinkInfo link) {
        ifindex = link.ifindex();
        if (link.hardwareAddress().length > 0) {
            mac = link.hardwareAddress();
        }
        stale = true;
        reopen();
    }

    /** On the loop: (re)opens the family sockets on the current ifindex; clears {@link #stale} on success. */
    private void reopen() {
        synchronized (runtimeLock) {
            for (FamilySocket f : families) {
                FamilyTransport old = f.detachAll();
                if (old != null) {
                    try {
                        old.close();
                    } catch (RuntimeException e) {
                        LOG.log(Level.DEBUG, "{0}: closing the old {1} socket: {2}", name, f.label(), e.toString());
                    }
                }
                f.invalidateSource();
            }
            for (FamilySocket f : families) {
                if (f.router.isEmpty()) {
                    continue;
                }
                boolean join = f.router.hasMulticastGroup();
                f.ensureOpen(pinned -> openTransport(f.family, pinned, join), f.pinnedSource());
            }
            stale = false;
        }
        for (NettyBinding b : bindings) {
            b.addresses().interfaceReplaced(); // its prepared rtnetlink requests named the old ifindex
        }
        LOG.log(Level.INFO, "{0}: CARP sockets opened again on the new interface (ifindex {1})", name, ifindex);
    }

    private void onLink(LinkInfo link) {
        if (link.hardwareAddress().length > 0) {
            mac = link.hardwareAddress();
        }
        if (stale && !link.deleted()) {
            try {
                reopen(); // the first attempt, when the interface appeared, failed: try again on each event
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "{0}: could not open the CARP sockets on the new interface: {1}", name,
                        e.getMessage());
                return;
            }
        }
        boolean up = link.usable();
        if (up == linkUp) {
            return;
        }
        linkUp = up;
        LOG.log(up ? Level.INFO : Level.WARNING, "{0}: link {1} ({2})", name, up ? "up" : "down", link);
        if (up) {
            families.forEach(FamilySocket::invalidateSource);
        }
        for (NettyBinding b : bindings) {
            try {
                b.group().onLinkStateChanged(up);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": a group failed to handle the link change", e);
            }
        }
    }

    private boolean isVirtual(InetAddress a) {
        for (NettyBinding b : bindings) {
            if (b.group().config().virtualAddresses().contains(a)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name + " (ifindex " + ifindex + ")";
    }
}
