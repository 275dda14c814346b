package io.carp.netty;

import io.carp.CarpClock;
import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.netty.linux.Capabilities;
import io.carp.netty.linux.LinkInfo;
import io.carp.netty.linux.NativeException;
import io.carp.netty.linux.NetworkNamespace;
import io.carp.netty.linux.RtNetlink;
import io.carp.spi.CarpRuntime;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Linux runtime: raw protocol-112 sockets on Netty's native epoll loop, one socket per interface and family shared
 * by every vhid on it, rtnetlink for addresses and link state, gratuitous ARP and unsolicited NA.
 *
 * <p>What it does for each group attached to it:
 * <ul>
 *   <li>IPv4: a raw {@code AF_INET} protocol-112 socket bound to the interface, member of 224.0.0.18, multicast TTL
 *       and TTL 255, TOS low-delay, multicast loop off, wrapped in Netty's {@code EpollDatagramChannel}.</li>
 *   <li>IPv6: a raw {@code AF_INET6} protocol-112 socket, member of ff02::12, hop limit 255, read with
 *       {@code recvmsg} on the same loop so that each packet's hop limit is checked.</li>
 *   <li>Unicast peers ({@link CarpConfig#unicastPeers()}, FreeBSD 14 {@code peer}/{@code peer6}), for networks that
 *       carry no multicast (clouds, some hypervisors and switches): decided per family, so a group with only IPv4
 *       peers still advertises IPv6 to ff02::12. In unicast mode each advert goes to every peer of the family (one
 *       {@code sendto}/{@code sendmsg} each on the same shared socket, still with TTL / hop limit 255, from the
 *       pinned source address if there is one); a peer equal to our own source address is skipped, so every node
 *       may be given the same list. Adverts from a peer are accepted whatever their TTL (a peer may be routers
 *       away, as FreeBSD allows); adverts with a TTL other than 255 from any other source are still dropped, and
 *       multicast groups on the same interface keep the TTL-255 check. The socket joins the multicast group only
 *       while some group on the interface uses it. Use {@link io.carp.CarpGroupBuilder#addressManager} where
 *       gratuitous ARP means nothing (a cloud API that moves a floating address).</li>
 *   <li>Addresses ({@link CarpConfig#manageAddresses()}): added with rtnetlink as secondaries of the interface's
 *       subnet that contains them (else /32, /128), with a kernel lifetime of about the master-down interval renewed
 *       on every advert, so that the kernel removes them by itself if the process is killed. Copies left by an
 *       earlier run are removed when a group starts. Announced with gratuitous ARP and unsolicited neighbour
 *       advertisements (also when {@code manageAddresses} is off, as ucarp does).</li>
 *   <li>Link state: rtnetlink link events; down or no carrier sends the group to INIT, up again to BACKUP.</li>
 * </ul>
 *
 * <p>Needs Linux, a 64-bit JVM, and {@code CAP_NET_RAW} (plus {@code CAP_NET_ADMIN} to manage addresses);
 * {@link #attach} says how to grant them when they are missing.
 *
 * <p>Threads: a runtime built without {@link Builder#eventLoopGroup} owns one daemon epoll thread, started with the
 * first group; every group's protocol runs on an event loop, one per interface. The runtime itself is thread-safe.
 */
public final class NettyCarpRuntime implements CarpRuntime, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NettyCarpRuntime.class.getName());
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

    private NettyCarpRuntime(Builder builder) {
        this.sharedGroup = builder.eventLoopGroup;
        this.namespace = builder.namespace;
        if (builder.shutdownHook) {
            shutdownHook = new Thread(this::close, name + "-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    /**
     * A runtime with its own single epoll thread.
     *
     * @return a new runtime
     */
    public static NettyCarpRuntime create() {
        return builder().build();
    }

    /**
     * Configures a runtime.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
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
                    context = InterfaceContext.open(interfaceName, namespace, loopFor(), CarpClock.system());
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
                    + " not be loaded (JNA's libc binding or Netty's epoll transport; Linux x86-64 is required): "
                    + e, e);
        }
        try {
            context.awaitRegistered();
            binding.addresses().removeStale();
        } catch (RuntimeException e) {
            binding.detach();
            throw e instanceof NativeException ne ? translate(interfaceName, ne) : e;
        }
        LOG.log(Level.DEBUG, "{0}: attached vhid {1} on {2}", name, config.vhid(), context);
        return binding;
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
                            + " CARP runtime needs Linux on x86-64): " + Epoll.unavailabilityCause());
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
     * Idempotent. Blocks up to about two seconds per group; do not call it from a group's event loop if other groups
     * run on other loops.
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
        for (NettyBinding b : attached) {
            closeGroup(b);
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
            done.get(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: detaching {1} did not finish: {2}", name, binding, e.toString());
        }
    }

    /** The network namespace the runtime opens its sockets in. */
    NetworkNamespace namespace() {
        return namespace;
    }

    @Override
    public String toString() {
        return name + (namespace.isCurrent() ? "" : " in " + namespace);
    }

    /** Builder of {@link NettyCarpRuntime}. */
    public static final class Builder {
        private EventLoopGroup eventLoopGroup;
        private boolean shutdownHook;
        private NetworkNamespace namespace = NetworkNamespace.current();

        private Builder() {
        }

        /**
         * Runs on an existing epoll {@link EventLoopGroup} (e.g. your Netty server's), so the library adds no thread.
         * The group is not shut down by {@link NettyCarpRuntime#close()}.
         *
         * @param group an epoll event loop group
         * @return this builder
         * @throws IllegalArgumentException if it is not an epoll group (e.g. NIO)
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            Objects.requireNonNull(group, "eventLoopGroup");
            EventLoop next = group.next();
            if (!(next instanceof IoEventLoop io) || !io.isCompatible(LinkMonitor.class)) {
                throw new IllegalArgumentException("eventLoopGroup: " + group.getClass().getName() + " (expected: an"
                        + " epoll group, e.g. new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory()))");
            }
            this.eventLoopGroup = group;
            return this;
        }

        /**
         * Whether a JVM shutdown hook closes the runtime (bow-out, addresses released). Default {@code false}.
         *
         * @param install whether to install the hook
         * @return this builder
         */
        public Builder shutdownHook(boolean install) {
            this.shutdownHook = install;
            return this;
        }

        /**
         * Opens every socket of the runtime in another network namespace: a name listed by {@code ip netns list}
         * (a file in {@code /run/netns}) or the absolute path of a namespace file such as
         * {@code /proc/PID/ns/net}. The calling thread and the event loop stay where they are: sockets are created on
         * a short-lived thread that enters the namespace, and keep working there. Needs {@code CAP_SYS_ADMIN}.
         * Default: the JVM's own namespace. Lets one JVM run several nodes, e.g. in tests.
         *
         * @param nameOrPath the namespace
         * @return this builder
         * @throws IllegalArgumentException if there is no such namespace
         */
        public Builder networkNamespace(String nameOrPath) {
            this.namespace = NetworkNamespace.of(Objects.requireNonNull(nameOrPath, "networkNamespace"));
            return this;
        }

        /**
         * Creates the runtime. Sockets are opened when the first group on an interface starts.
         *
         * @return the runtime
         */
        public NettyCarpRuntime build() {
            return new NettyCarpRuntime(this);
        }
    }
}
