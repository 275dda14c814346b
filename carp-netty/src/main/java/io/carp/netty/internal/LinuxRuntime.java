package io.carp.netty.internal;

import io.carp.CarpClock;
import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.netty.internal.linux.Capabilities;
import io.carp.netty.internal.linux.LinkInfo;
import io.carp.netty.internal.linux.NativeException;
import io.carp.netty.internal.linux.Errno;
import io.carp.netty.internal.linux.VirtualMacInterface;
import io.carp.netty.internal.linux.VirtualMacSockets;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.internal.linux.RtNetlink;
import io.carp.spi.GroupAttacher;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.RuntimeBinding;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine behind {@code io.carp.netty.NettyCarpRuntime}: attaches groups to per-interface sockets and loops,
 * detaches them, and closes everything. See the facade's javadoc for what it does on the wire.
 */
public final class LinuxRuntime implements GroupAttacher, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.carp.netty.NettyCarpRuntime");
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

    private final EventLoopGroup sharedGroup;
    private final NetworkNamespace namespace;
    private final String name = "carp-netty-" + INSTANCES.incrementAndGet();
    private final Thread shutdownHook;

    private final Object lock = new Object();
    private final Map<String, InterfaceContext> interfaces = new HashMap<>();
    private final List<NettyBinding> bindings = new ArrayList<>();
    private MultiThreadIoEventLoopGroup ownedGroup;
    private boolean closed;

    /**
     * A runtime.
     *
     * @param eventLoopGroup the application's epoll group, or {@code null} for one daemon thread of its own
     * @param namespace      where sockets are opened
     * @param installShutdownHook whether a JVM shutdown hook closes the runtime (bow-outs on JVM shutdown)
     */
    public LinuxRuntime(EventLoopGroup eventLoopGroup, NetworkNamespace namespace, boolean installShutdownHook) {
        this.sharedGroup = eventLoopGroup;
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        Thread hook = null;
        if (installShutdownHook) {
            hook = new Thread(this::closeAtShutdown, name + "-shutdown");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException e) {
                hook = null; // the JVM is already shutting down: nothing to hook into
            }
        }
        this.shutdownHook = hook;
    }

    /** The shutdown hook: closes the runtime (bow-outs first) and says so. */
    private void closeAtShutdown() {
        boolean any;
        synchronized (lock) {
            any = !closed && !bindings.isEmpty();
        }
        if (any) {
            LOG.log(Level.INFO, "{0}: the JVM is shutting down; closing the CARP groups (a MASTER bows out)", name);
        }
        close();
    }

    /**
     * Attaches a group: opens (or shares) its interface's sockets and subscribes to its link state. Called by
     * {@link CarpGroup#start()}.
     *
     * @throws IllegalStateException in one sentence: no interface configured, unknown interface, missing
     *                               capability (and how to grant it), vhid already running on the interface in this
     *                               runtime, runtime closed, or a socket that could not be set up
     */
    @Override
    public RuntimeBinding attach(GroupEndpoint group) {
        Objects.requireNonNull(group, "group");
        CarpConfig config = group.config();
        String interfaceName = config.interfaceName().orElseThrow(() -> new IllegalStateException(
                "vhid " + config.vhid() + ": NettyCarpRuntime needs the network interface; set"
                        + " CarpGroupBuilder.interfaceName(...)"));
        requireInterface(interfaceName);
        Privileges.check(Capabilities.effective(), interfaceName, config.manageAddresses());
        NettyBinding binding;
        InterfaceContext context;
        try {
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("vhid " + config.vhid() + " on " + interfaceName
                            + ": the NettyCarpRuntime is closed");
                }
                context = interfaces.get(interfaceName);
                boolean fresh = context == null;
                if (fresh) {
                    context = InterfaceContext.open(interfaceName, namespace, loopFor(), CarpClock.system(), lock);
                    interfaces.put(interfaceName, context);
                }
                try {
                    binding = context.attach(group, this);
                } catch (RuntimeException e) {
                    if (context.isEmpty()) {
                        interfaces.remove(interfaceName);
                        context.close();
                    }
                    throw e;
                }
                bindings.add(binding);
            }
        } catch (NativeException e) {
            throw translate(interfaceName, e);
        } catch (LinkageError e) {
            throw new IllegalStateException("CARP on " + interfaceName + " could not start: a native library could"
                    + " not be loaded (JNA's libc binding or Netty's epoll transport; Linux on x86-64 or aarch64 is"
                    + " required): "
                    + e, e);
        }
        try {
            context.awaitRegistered();
            binding.addresses().removeStale();
            if (config.virtualMac()) {
                createVirtualMac(binding, context, config);
            }
        } catch (RuntimeException e) {
            binding.detach();
            throw e instanceof NativeException ne ? translate(interfaceName, ne) : e;
        }
        LOG.log(Level.DEBUG, "{0}: attached vhid {1} on {2}", name, config.vhid(), context);
        return binding;
    }

    /**
     * {@code CarpConfig.virtualMac()}: the macvlan interface with the group's virtual MAC, created in the runtime's
     * namespace: RFC 9568 section 7.3's {@code 00:00:5e:00:01:<vrid>} for VRRP over IPv4 and
     * {@code 00:00:5e:00:02:<vrid>} over IPv6; for CARP {@code 00:00:5e:00:01:<vhid>} whatever the family, as FreeBSD
     * does ({@code sys/netinet/ip_carp.c}: {@code carp_alloc} sets {@code sc_addr} to it and {@code carp_output}
     * writes it as the source of every advert, IPv4 and IPv6 alike; FreeBSD's VRRPv3 mode uses it over IPv6 too,
     * where this library follows the RFC). An IPv6 group also gets send-only sockets on the macvlan (adverts and
     * unsolicited neighbour advertisements from the virtual MAC, see {@link VirtualMacSockets}).
     */
    private void createVirtualMac(NettyBinding binding, InterfaceContext context, CarpConfig config) {
        boolean ipv4 = config.virtualAddresses().stream().anyMatch(a -> a instanceof java.net.Inet4Address);
        boolean ipv6 = config.virtualAddresses().stream().anyMatch(a -> a instanceof java.net.Inet6Address);
        boolean vrrp = config.protocol() != io.carp.Protocol.CARP;
        // one macvlan per group: a dual-stack CARP group has one for both families (c4j-carp-N); an IPv6-only one
        // is c4j-carp6-N, so that next to an IPv4-only group of the same vhid the kernel refuses the second MAC
        // (EADDRINUSE, reported below) rather than the clean-up of stale interfaces removing the first one's
        String ifname = VirtualMacInterface.interfaceName(vrrp, config.vhid(), ipv6 && !ipv4);
        byte[] mac = vrrp ? VirtualMacInterface.vrrpMac(config.vhid(), ipv6) : VirtualMacInterface.carpMac(config.vhid());
        java.net.InetAddress source6 = config.sourceAddress().filter(a -> a instanceof java.net.Inet6Address)
                .orElse(null);
        // Macvlan mode bridge, not keepalived's private: in private mode the kernel hands a multicast frame whose
        // source is a local macvlan's MAC to that macvlan only (taking it for our own, reflected), so the other
        // node's adverts, which carry the same virtual MAC, would never reach the socket on the interface itself.
        VirtualMacInterface v;
        try {
            v = namespace.call(() -> VirtualMacInterface.create(context.netlink, context.name, ifname, mac, ipv4,
                    ipv6, source6, true));
        } catch (NativeException e) {
            if (e.errno() == Errno.EADDRINUSE) {
                throw new IllegalStateException(binding + ": virtualMac: another macvlan on " + context.name
                        + " already has the MAC " + java.util.HexFormat.ofDelimiter(":").formatHex(mac)
                        + " (a group with the same id in the other address family, or keepalived's use_vmac with"
                        + " the same VRID); turn virtualMac off for one of them", e);
            }
            throw e;
        }
        VirtualMacSockets sockets6 = null;
        if (ipv6) {
            try {
                sockets6 = namespace.call(() -> VirtualMacSockets.open(v.name(), v.ifindex()));
            } catch (RuntimeException e) {
                closeVirtualMac(v, null, binding);
                throw e;
            }
        }
        binding.useVirtualMac(v, sockets6);
        LOG.log(Level.INFO, "{0}: virtual MAC {1} on macvlan {2} (virtualMac; {3})", binding, v.macText(), v.name(),
                ipv4 ? "arp_ignore/arp_filter/arp_announce set on " + context.name
                        : "adverts from " + v.ipv6Source().getHostAddress() + " through it");
    }

    private void closeVirtualMac(NettyBinding binding) {
        VirtualMacInterface v = binding.virtualMac();
        if (v == null) {
            return;
        }
        closeVirtualMac(v, binding.virtualMacSockets(), binding);
    }

    private void closeVirtualMac(VirtualMacInterface v, VirtualMacSockets sockets6, NettyBinding binding) {
        if (sockets6 != null) {
            sockets6.close();
        }
        try {
            namespace.call(() -> {
                v.close();
                return null;
            });
            LOG.log(Level.INFO, "{0}: removed the virtual MAC interface {1}", binding, v.name());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: could not remove the virtual MAC interface {1}: {2}", binding, v.name(),
                    e.getMessage());
        }
    }

    /**
     * Fails if the interface does not exist, before privileges are checked: a typo in the name should not be answered
     * with advice about capabilities. An {@code RTM_GETLINK} request needs no privilege. Checked only in the current
     * namespace (entering another one needs privileges; {@code InterfaceContext.open} checks it there).
     */
    private void requireInterface(String interfaceName) {
        if (!namespace.isCurrent()) {
            return;
        }
        LinkInfo link;
        try (RtNetlink netlink = RtNetlink.open()) {
            link = netlink.link(interfaceName);
        } catch (RuntimeException | LinkageError e) {
            return; // cannot tell here: the privilege check and InterfaceContext.open report what is wrong
        }
        if (link == null) {
            throw new IllegalStateException("network interface '" + interfaceName + "' does not exist (see `ip link`)");
        }
    }

    private static IllegalStateException translate(String interfaceName, NativeException e) {
        if (e.isPermissionDenied()) {
            String missing = e.getMessage().startsWith("RTM_") ? "CAP_NET_ADMIN" : "CAP_NET_RAW";
            return new IllegalStateException(Privileges.message(interfaceName, missing, e.getMessage()), e);
        }
        return new IllegalStateException("CARP on " + interfaceName + " could not start: " + e.getMessage(), e);
    }

    /** Under the lock: the loop for a new interface. */
    private IoEventLoop loopFor() {
        EventLoopGroup group = sharedGroup;
        if (group == null) {
            if (ownedGroup == null) {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("Netty's native epoll transport is not available here (the Linux"
                            + " CARP runtime needs Linux on x86-64 or aarch64): " + Epoll.unavailabilityCause());
                }
                ownedGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                        EpollIoHandler.newFactory());
            }
            group = ownedGroup;
        }
        return (IoEventLoop) group.next();
    }

    /** Called by {@link NettyBinding#detach()}, normally on the group's loop after its bow-out. */
    void detach(NettyBinding binding) {
        try {
            binding.addresses().releaseAll();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: could not remove the addresses of {1}: {2}", name, binding, e.getMessage());
        }
        closeVirtualMac(binding);
        synchronized (lock) {
            bindings.remove(binding);
            InterfaceContext context = binding.context();
            context.detach(binding);
            if (context.isEmpty() && interfaces.get(context.name) == context) {
                interfaces.remove(context.name);
                context.close();
            }
        }
    }

    /**
     * Closes every group still attached (bow-out, addresses released), the sockets, and the loop if it owns it.
     * Idempotent. Blocks up to about two seconds per group, plus the longest {@code releaseDelay} (groups with one
     * close side by side); do not call it from a group's event loop if other groups run on other loops.
     */
    @Override
    public void close() {
        List<NettyBinding> attached;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            attached = new ArrayList<>(bindings);
        }
        // Groups with a release delay drain side by side, so that closing N of them takes one delay, not N.
        List<Thread> drains = new ArrayList<>();
        for (NettyBinding b : attached) {
            if (!b.group().config().releaseDelay().isZero() && attached.size() > 1) {
                Thread t = new Thread(() -> closeGroup(b), name + "-close-" + b.group().config().vhid());
                t.setDaemon(true);
                t.start();
                drains.add(t);
            } else {
                closeGroup(b);
            }
        }
        for (Thread t : drains) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        MultiThreadIoEventLoopGroup owned;
        synchronized (lock) {
            for (InterfaceContext c : interfaces.values()) {
                c.close();
            }
            interfaces.clear();
            owned = ownedGroup;
        }
        if (owned != null) {
            io.netty.util.concurrent.Future<?> f = owned.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (!owned.next().inEventLoop()) {
                f.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
            }
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    private void closeGroup(NettyBinding binding) {
        GroupEndpoint group = binding.group();
        try {
            if (group instanceof CarpGroup carpGroup) {
                carpGroup.close(); // bow-out, release, then NettyBinding.detach() on the loop
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: closing {1} failed: {2}", name, binding, e.toString());
        }
        if (binding.isDetached()) {
            return;
        }
        EventLoop loop = binding.context().protocolLoop.eventLoop();
        if (loop.inEventLoop()) {
            group.onLinkStateChanged(false);
            binding.detach();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    group.onLinkStateChanged(false); // not a CarpGroup: at least release through INIT
                    binding.detach();
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            // The event loop was shut down first (an application's EventLoopGroup): no thread runs the group any
            // more, so this one may. Its sockets are closed: no bow-out can be sent, but the addresses go.
            LOG.log(Level.WARNING, "{0}: the event loop of {1} was shut down before the runtime was closed; closing"
                    + " it without a bow-out", name, binding);
            try {
                group.onLinkStateChanged(false);
            } catch (RuntimeException ex) {
                LOG.log(Level.DEBUG, "{0}: {1}: {2}", name, binding, ex.toString());
            }
            binding.detach();
            return;
        }
        try {
            done.get(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: detaching {1} did not finish: {2}", name, binding, e.toString());
        }
    }

    /** The network namespace the runtime opens its sockets in. */
    public NetworkNamespace namespace() {
        return namespace;
    }

    @Override
    public String toString() {
        return name + (namespace.isCurrent() ? "" : " in " + namespace);
    }

    /**
     * Checks that an application's event loop group is an epoll group.
     *
     * @throws IllegalArgumentException if it is not (e.g. NIO)
     */
    public static void checkEpollGroup(EventLoopGroup group) {
        Objects.requireNonNull(group, "eventLoopGroup");
        EventLoop next = group.next();
        if (!(next instanceof IoEventLoop io) || !io.isCompatible(LinkMonitor.class)) {
            throw new IllegalArgumentException("eventLoopGroup: " + group.getClass().getName() + " (expected: an"
                    + " epoll group, e.g. new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory()))");
        }
    }
}
