package io.carp.netty;

import io.carp.CarpClock;
import io.carp.CarpConfig;
import io.carp.netty.linux.AddressInfo;
import io.carp.netty.linux.CarpSockets;
import io.carp.netty.linux.LinkInfo;
import io.carp.netty.linux.NetworkNamespace;
import io.carp.netty.linux.RtNetlink;
import io.carp.protocol.IpFamily;
import io.carp.spi.CarpDispatcher;
import io.carp.spi.GroupEndpoint;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Everything a runtime holds for one interface: the rtnetlink socket, the link monitor, and one receiving socket per
 * family shared by every group (vhid) on the interface, each with its {@link CarpDispatcher}. Sockets for a family
 * are opened when the first group needing it attaches and closed when the last one detaches.
 *
 * <p>Threads: {@link #attach} and {@link #detach} run under the runtime's lock; packets, link events, sends and
 * address changes run on the event loop.
 */
final class InterfaceContext {
    private static final System.Logger LOG = System.getLogger(InterfaceContext.class.getName());
    /** How long an interface's own source address is cached. */
    private static final long SOURCE_REFRESH_NANOS = 10_000_000_000L;
    /** How soon to look again when the interface had no usable address (e.g. IPv6 link-local still tentative). */
    private static final long SOURCE_RETRY_NANOS = 1_000_000_000L;
    private static final long REGISTER_TIMEOUT_MILLIS = 5_000;

    final String name;
    final int ifindex;
    final RtNetlink netlink;
    final NettyProtocolLoop protocolLoop;
    private final NetworkNamespace namespace;
    private final IoEventLoop loop;
    private final LinkMonitor linkMonitor;
    private final CarpDispatcher ipv4Dispatcher = new CarpDispatcher();
    private final CarpDispatcher ipv6Dispatcher = new CarpDispatcher();
    private final List<NettyBinding> bindings = new CopyOnWriteArrayList<>();
    private volatile Ipv4Transport ipv4;
    private volatile Ipv6Transport ipv6;
    private volatile boolean linkUp;
    private volatile byte[] mac;
    private final SourceCache ipv4Source = new SourceCache(IpFamily.IPV4);
    private final SourceCache ipv6Source = new SourceCache(IpFamily.IPV6);

    private InterfaceContext(String name, LinkInfo link, RtNetlink netlink, NetworkNamespace namespace,
                             IoEventLoop loop, CarpClock clock) {
        this.name = name;
        this.ifindex = link.ifindex();
        this.mac = link.hardwareAddress();
        this.netlink = netlink;
        this.namespace = namespace;
        this.loop = loop;
        this.protocolLoop = new NettyProtocolLoop(loop, clock);
        this.linkMonitor = namespace.call(() -> LinkMonitor.open(name, ifindex, netlink, this::onLink, loop));
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
     * @throws IllegalStateException if there is no such interface
     */
    static InterfaceContext open(String name, NetworkNamespace namespace, IoEventLoop loop, CarpClock clock) {
        RtNetlink netlink = namespace.call(RtNetlink::open);
        try {
            LinkInfo link = netlink.link(name);
            if (link == null) {
                throw new IllegalStateException("network interface '" + name + "' does not exist"
                        + (namespace.isCurrent() ? "" : " in " + namespace) + " (see `ip link`)");
            }
            return new InterfaceContext(name, link, netlink, namespace, loop, clock);
        } catch (RuntimeException e) {
            netlink.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------ attach/detach

    /** Under the runtime lock: registers the group and opens the sockets its families need. */
    NettyBinding attach(GroupEndpoint group, NettyCarpRuntime runtime) {
        CarpConfig config = group.config();
        for (NettyBinding b : bindings) {
            if (b.group().config().vhid() == config.vhid()) {
                throw new IllegalStateException("vhid " + config.vhid() + " is already running on " + name
                        + " in this runtime");
            }
        }
        boolean v4 = config.virtualAddresses().stream().anyMatch(a -> a instanceof Inet4Address);
        boolean v6 = config.virtualAddresses().stream().anyMatch(a -> a instanceof Inet6Address);
        Optional<InetAddress> source = config.sourceAddress();
        checkSource(source, IpFamily.IPV4, ipv4Source);
        checkSource(source, IpFamily.IPV6, ipv6Source);
        try {
            if (v4 && ipv4 == null) {
                Inet4Address pinned = (Inet4Address) source.filter(a -> a instanceof Inet4Address).orElse(null);
                ipv4 = namespace.call(() -> Ipv4Transport.open(name, ifindex, pinned, ipv4Dispatcher, loop));
            }
            if (v6 && ipv6 == null) {
                ipv6 = namespace.call(() -> Ipv6Transport.open(name, ifindex, ipv6Dispatcher, loop));
            }
            source.ifPresent(this::pin);
        } catch (RuntimeException e) {
            closeUnused();
            throw e;
        }
        if (v4) {
            ipv4Dispatcher.register(group);
        }
        if (v6) {
            ipv6Dispatcher.register(group);
        }
        NettyBinding binding = new NettyBinding(group, this, runtime);
        bindings.add(binding);
        return binding;
    }

    private void checkSource(Optional<InetAddress> source, IpFamily family, SourceCache cache) {
        InetAddress wanted = source.filter(a -> IpFamily.of(a) == family).orElse(null);
        InetAddress pinned = cache.pinned;
        if (wanted != null && pinned != null && !pinned.equals(wanted)) {
            throw new IllegalStateException("sourceAddress " + wanted.getHostAddress() + " differs from "
                    + pinned.getHostAddress() + ", which another group on " + name + " already sends from; every"
                    + " group on an interface shares its CARP socket and so its source address");
        }
    }

    private void pin(InetAddress source) {
        if (source instanceof Inet4Address a4) {
            if (!a4.equals(ipv4Source.pinned) && ipv4 != null) {
                CarpSockets.setIpv4Source(ipv4.fd(), ifindex, a4);
            }
            ipv4Source.pinned = a4;
        } else {
            ipv6Source.pinned = source;
        }
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
        Ipv4Transport v4 = ipv4;
        if (v4 != null) {
            await(v4.registration(), "IPv4 CARP socket");
        }
        Ipv6Transport v6 = ipv6;
        if (v6 != null) {
            await(v6.registration(), "IPv6 CARP socket");
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
        ipv4Dispatcher.unregister(group);
        ipv6Dispatcher.unregister(group);
        boolean anyV4Pin = false;
        boolean anyV6Pin = false;
        for (NettyBinding b : bindings) {
            Optional<InetAddress> s = b.group().config().sourceAddress();
            anyV4Pin |= s.filter(a -> a instanceof Inet4Address).isPresent();
            anyV6Pin |= s.filter(a -> a instanceof Inet6Address).isPresent();
        }
        if (!anyV6Pin) {
            ipv6Source.pinned = null;
        }
        if (!anyV4Pin && ipv4 == null) {
            ipv4Source.pinned = null;
        }
        Ipv4Transport v4 = ipv4;
        if (v4 != null && !ipv4Dispatcher.isEmpty() && !anyV4Pin && ipv4Source.pinned != null) {
            ipv4Source.pinned = null;
            CarpSockets.setIpv4Source(v4.fd(), ifindex, null);
        }
        closeUnused();
    }

    /** Closes the family sockets no registered group needs. */
    private void closeUnused() {
        Ipv4Transport v4 = ipv4;
        if (v4 != null && ipv4Dispatcher.isEmpty()) {
            ipv4 = null;
            ipv4Source.pinned = null;
            onLoop(v4::close);
        }
        Ipv6Transport v6 = ipv6;
        if (v6 != null && ipv6Dispatcher.isEmpty()) {
            ipv6 = null;
            ipv6Source.pinned = null;
            onLoop(v6::close);
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
        Ipv4Transport v4 = ipv4;
        Ipv6Transport v6 = ipv6;
        ipv4 = null;
        ipv6 = null;
        onLoop(() -> {
            if (v4 != null) {
                v4.close();
            }
            if (v6 != null) {
                v6.close();
            }
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

    void send(IpFamily family, ByteBuffer carpHeader) {
        if (family == IpFamily.IPV4) {
            Ipv4Transport t = ipv4;
            if (t == null) {
                throw new IllegalStateException("no IPv4 CARP socket is open on " + name);
            }
            t.send(carpHeader);
        } else {
            Ipv6Transport t = ipv6;
            if (t == null) {
                throw new IllegalStateException("no IPv6 CARP socket is open on " + name);
            }
            t.send(carpHeader, (Inet6Address) ipv6Source.pinned);
        }
    }

    /** Sends a gratuitous ARP (IPv4) or an unsolicited neighbour advertisement (IPv6) for a virtual address. */
    void announce(InetAddress address) {
        byte[] hw = mac;
        if (hw.length != 6) {
            LOG.log(Level.DEBUG, "{0}: no Ethernet address; not announcing {1}", name, address.getHostAddress());
            return;
        }
        if (address instanceof Inet4Address a4) {
            Ipv4Transport t = ipv4;
            if (t != null) {
                t.announce(hw, a4);
            }
        } else if (address instanceof Inet6Address a6) {
            Ipv6Transport t = ipv6;
            if (t != null) {
                t.announce(hw, a6);
            }
        }
    }

    InetAddress sourceAddress(IpFamily family) {
        return (family == IpFamily.IPV4 ? ipv4Source : ipv6Source).get();
    }

    boolean linkUp() {
        return linkUp;
    }

    private void onLink(LinkInfo link) {
        if (link.hardwareAddress().length > 0) {
            mac = link.hardwareAddress();
        }
        boolean up = link.usable();
        if (up == linkUp) {
            return;
        }
        linkUp = up;
        LOG.log(up ? Level.INFO : Level.WARNING, "{0}: link {1} ({2})", name, up ? "up" : "down", link);
        if (up) {
            ipv4Source.invalidate();
            ipv6Source.invalidate();
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

    /** The source address of one family: pinned by a group's configuration, else the interface's own. */
    private final class SourceCache {
        private final IpFamily family;
        volatile InetAddress pinned;
        private volatile InetAddress resolved;
        private volatile long resolvedAt;
        private volatile boolean valid;

        SourceCache(IpFamily family) {
            this.family = family;
        }

        InetAddress get() {
            InetAddress p = pinned;
            if (p != null) {
                return p;
            }
            long now = System.nanoTime();
            long maxAge = resolved == null ? SOURCE_RETRY_NANOS : SOURCE_REFRESH_NANOS;
            if (!valid || now - resolvedAt >= maxAge) {
                try {
                    resolved = resolve();
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "{0}: reading the interface addresses: {1}", name, e.getMessage());
                }
                resolvedAt = now;
                valid = true;
            }
            return resolved;
        }

        void invalidate() {
            valid = false;
        }

        /** IPv4: the first primary address, as the kernel picks; IPv6: the usable link-local address. */
        private InetAddress resolve() {
            InetAddress fallback = null;
            for (AddressInfo a : netlink.addresses(ifindex)) {
                InetAddress address = a.address();
                if (IpFamily.of(address) != family || isVirtual(address) || !a.usable()) {
                    continue;
                }
                boolean preferred = family == IpFamily.IPV4 ? !a.secondary() : address.isLinkLocalAddress();
                if (preferred) {
                    return address;
                }
                if (fallback == null) {
                    fallback = address;
                }
            }
            return fallback;
        }
    }

    @Override
    public String toString() {
        return name + " (ifindex " + ifindex + ")";
    }
}
