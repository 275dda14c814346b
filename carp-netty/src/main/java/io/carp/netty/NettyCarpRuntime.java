package io.carp.netty;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.internal.group.DefaultCarpGroup;
import io.carp.netty.internal.LinuxRuntime;
import io.carp.netty.internal.linux.NetworkNamespace;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;

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
 *       earlier run (they carry the group's lifetime) are removed when a group starts. An address the group does
 *       not own is never touched: if a virtual address is already one of the interface's own addresses (permanent,
 *       or with a longer lifetime), {@link CarpGroup#start()} refuses to start the group with one line naming the
 *       address and the interface, and a claim leaves such an address alone (it fails, and the group demotes
 *       itself). Announced with gratuitous ARP and unsolicited neighbour advertisements (also when
 *       {@code manageAddresses} is off, as ucarp does).</li>
 *   <li>Link state: rtnetlink link events; down or no carrier sends the group to INIT, up again to BACKUP. An
 *       interface deleted and created again under the same name (new ifindex) is followed: its sockets are opened
 *       again on the new interface, and the group goes back to BACKUP and the normal election.</li>
 * </ul>
 *
 * <p>Needs Linux on x86-64 or aarch64 (checked when the runtime is built), and {@code CAP_NET_RAW} (plus
 * {@code CAP_NET_ADMIN} to manage addresses);
 * {@link io.carp.CarpGroup#start()} says how to grant them when they are missing.
 *
 * <p>Threads: a runtime built without {@link Builder#eventLoopGroup} owns one daemon epoll thread, started with the
 * first group; every group's protocol runs on an event loop, one per interface. The runtime itself is thread-safe.
 *
 * <h2>JVM shutdown</h2>
 * By default ({@link Builder#bowOutOnShutdown}) the runtime registers one JVM shutdown hook that {@link #close()}s it
 * when the JVM stops (SIGTERM, SIGINT, {@code System.exit}): every group still running that is MASTER sends its
 * bow-out advertisement, so a backup takes over at once instead of after the master-down interval, and removes its
 * addresses; then the groups' {@code onBackup} callbacks run. The hook is removed by {@link #close()}. The order with
 * the application's own shutdown:
 * <ul>
 *   <li>The bow-out is sent before any {@code onBackup} callback runs: an application that stops its listeners (an
 *       HTTP server, say) in {@code onBackup} stops them after the backup was told to take over.</li>
 *   <li>The JVM runs all shutdown hooks at once, in no order: an application that stops its listeners in a shutdown
 *       hook of its own (as Spring Boot does) races with this one. Where that matters, turn this hook off with
 *       {@code bowOutOnShutdown(false)} and call {@link #close()} first in the application's own shutdown sequence
 *       (e.g. in a {@code SmartLifecycle} that stops before the web server), then stop the listeners.</li>
 *   <li>SIGKILL, a crash or a frozen JVM run no hook: the backups take over after the master-down interval, and the
 *       kernel removes the addresses when their lifetime ends.</li>
 * </ul>
 *
 * <p>{@link #close()} also works when the application shut its own {@link Builder#eventLoopGroup} down first: the
 * groups then close on the calling thread, without a bow-out (their sockets are gone), and remove their addresses.
 */
public final class NettyCarpRuntime implements CarpRuntime, AutoCloseable {
    private final LinuxRuntime runtime;

    private NettyCarpRuntime(Builder builder) {
        this.runtime = new LinuxRuntime(builder.eventLoopGroup, builder.namespace, builder.bowOutOnShutdown);
    }

    /**
     * A runtime with its own single epoll thread.
     *
     * @return a new runtime
     * @throws UnsupportedOperationException in one line, if this is not Linux on x86-64 or aarch64 or Netty's native
     *                                       epoll library cannot be loaded
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
     * Creates a group carried by this runtime; called by {@link io.carp.CarpGroupBuilder#build()}. Sockets are opened
     * when the group starts: {@link CarpGroup#start()} throws {@link IllegalStateException} in one sentence if the
     * group cannot run here (no interface configured, unknown interface, missing capability and how to grant it, vhid
     * already running on the interface in this runtime, runtime closed, a socket that could not be set up, or a
     * virtual address that is already one of the interface's own addresses).
     */
    @Override
    public CarpGroup createGroup(GroupSpec spec) {
        return DefaultCarpGroup.create(Objects.requireNonNull(spec, "spec"), runtime);
    }

    /**
     * Closes every group still attached (bow-out, addresses released), the sockets, and the loop if it owns it.
     * Idempotent. Blocks up to about two seconds per group; do not call it from a group's event loop if other groups
     * run on other loops.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return runtime.toString();
    }

    /** Builder of {@link NettyCarpRuntime}. Not thread-safe. */
    public static final class Builder {
        private EventLoopGroup eventLoopGroup;
        private boolean bowOutOnShutdown = true;
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
            LinuxRuntime.checkEpollGroup(group);
            this.eventLoopGroup = group;
            return this;
        }

        /**
         * Whether a JVM shutdown hook closes the runtime, so that every MASTER group bows out (a backup takes over at
         * once) and removes its addresses when the JVM stops. Default {@code true}. See "JVM shutdown" in
         * {@link NettyCarpRuntime} for the order with the application's own shutdown; turn it off to close the
         * runtime yourself at the right point of that sequence.
         *
         * @param bowOut whether to install the hook
         * @return this builder
         */
        public Builder bowOutOnShutdown(boolean bowOut) {
            this.bowOutOnShutdown = bowOut;
            return this;
        }

        /**
         * The former name of {@link #bowOutOnShutdown(boolean)}.
         *
         * @param install whether to install the hook
         * @return this builder
         * @deprecated use {@link #bowOutOnShutdown(boolean)}; the hook is now installed by default
         */
        @Deprecated
        public Builder shutdownHook(boolean install) {
            return bowOutOnShutdown(install);
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
         * @throws UnsupportedOperationException in one line, if this is not Linux on x86-64 or aarch64 or Netty's
         *                                       native epoll library cannot be loaded
         */
        public NettyCarpRuntime build() {
            Platform.requireSupported();
            return new NettyCarpRuntime(this);
        }
    }
}
