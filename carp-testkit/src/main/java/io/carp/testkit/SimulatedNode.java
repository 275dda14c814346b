package io.carp.testkit;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.IpFamily;
import io.carp.CarpRuntime;
import io.carp.GroupSpec;
import io.carp.internal.group.DefaultCarpGroup;
import io.carp.spi.GroupEndpoint;
import io.carp.spi.RuntimeBinding;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A host on a {@link SimulatedNetwork}: one process that runs any number of CARP groups (one per vhid), one interface
 * with an IPv4 and an IPv6 address, and a kernel address table. It is the {@link CarpRuntime} of its groups.
 *
 * <p>Faults: {@link #kill()} (the process dies without a word), {@link #restart()}, {@link #freeze()} /
 * {@link #thaw()} (a stalled JVM), {@link #linkDown()} / {@link #linkUp()}, and {@link #close()} (a clean shutdown:
 * masters bow out). Each one is written to the network's timeline.
 *
 * <p>Like the network, a node is single-threaded: call it only from the simulation thread. Methods act at the current
 * virtual time and do not advance it.
 */
public final class SimulatedNode implements CarpRuntime {
    /** Between a close() whose groups drain (releaseDelay) and the end of the drain. */
    private boolean closing;
    private final SimulatedNetwork network;
    private final String name;
    private final Inet4Address ipv4;
    private final Inet6Address ipv6;
    private final AddressTable addressTable = new AddressTable(this);
    private final AddressCounters counters = new AddressCounters();
    private final List<CarpGroupBuilder> builders = new ArrayList<>();
    private final PeerModel peerModel;
    private CarpConfig peerConfig;
    private NodeProcess process;
    private boolean linkUp = true;
    private int ipId;

    SimulatedNode(SimulatedNetwork network, String name, Inet4Address ipv4, Inet6Address ipv6, PeerModel peerModel) {
        this.network = network;
        this.name = name;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.peerModel = peerModel;
        this.process = new NodeProcess(network, name);
    }

    /** The node's name, as used in the timeline. */
    public String name() {
        return name;
    }

    /** The node's IPv4 address: the source of its IPv4 advertisements. */
    public Inet4Address ipv4() {
        return ipv4;
    }

    /** The node's IPv6 address: the source of its IPv6 advertisements. */
    public Inet6Address ipv6() {
        return ipv6;
    }

    /**
     * The node's address in a family.
     *
     * @param family IPv4 or IPv6
     * @return {@link #ipv4()} or {@link #ipv6()}
     */
    public InetAddress address(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4 : ipv6;
    }

    /** The network the node is on. */
    public SimulatedNetwork network() {
        return network;
    }

    // ------------------------------------------------------------------------------------------------ groups

    /**
     * Builds and starts a group on this node. Sets the builder's runtime to this node and its callback executor to a
     * direct one, so callbacks run inline on the simulation thread, in order, at the virtual instant of the
     * transition (deterministic; an exception thrown by a callback, an {@link AssertionError} included, is counted in
     * {@code stats().callbackFailures()} and otherwise ignored by the group). Its health-check executor is direct
     * too: each check runs inline on the simulation thread at the virtual instant it falls due (the default pool
     * would run it on another thread, which a single-threaded simulation cannot take a result from; a check must not
     * block). Both replace any executor set on the builder. The node keeps the builder:
     * {@link #restart()} builds the group again from its settings at that time, so give each node its own builder.
     *
     * @param builder the group's configuration
     * @return the started group (BACKUP, or INIT if the link is down)
     * @throws IllegalStateException    if the node is not running or is frozen, or already runs this vhid
     * @throws IllegalArgumentException if the builder is invalid or used by another node
     */
    public CarpGroup start(CarpGroupBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        requireCarp4j("start()");
        network.checkOpen("start()");
        requireRunning("start()");
        if (process.isFrozen()) {
            throw new IllegalStateException("start(): node " + name + " is frozen; thaw() it first");
        }
        network.claimBuilder(builder, this);
        CarpGroup group = launch(builder);
        builders.add(builder);
        return group;
    }

    /**
     * The group of a vhid in the node's current (or, after a kill, last) process.
     *
     * @param vhid 1-255
     * @return the group; after {@link #kill()} its own {@code state()} still shows what the dead process believed
     * @throws IllegalStateException if the node runs no group with that vhid
     */
    public CarpGroup group(int vhid) {
        requireCarp4j("group()");
        CarpGroup group = process.groups().get(vhid);
        if (group == null) {
            throw new IllegalStateException("group(" + vhid + "): node " + name + " runs no group with vhid " + vhid
                    + " (it runs " + process.groups().keySet() + ")");
        }
        return group;
    }

    /**
     * The state of a vhid on this node as the network sees it: the group's state while the process runs (frozen
     * included: a stalled master still believes it is master), INIT if the process is dead or runs no such group.
     *
     * @param vhid 1-255
     * @return the state
     */
    public CarpState state(int vhid) {
        PeerDaemon peer = process.peer();
        if (peerModel != null) {
            return peer == null || peer.vhid() != vhid || !process.isAlive() ? CarpState.INIT : peer.state();
        }
        CarpGroup group = process.groups().get(vhid);
        return group == null || !process.isAlive() ? CarpState.INIT : group.state();
    }

    /**
     * Whether a virtual address is on this node's interface. Groups add addresses when they become MASTER and remove
     * them when they leave; a killed or frozen master's addresses stay until their kernel lifetime (the group's
     * master-down interval, renewed by each advertisement) runs out.
     *
     * @param address an address
     * @return whether the node holds it
     */
    public boolean holdsAddress(InetAddress address) {
        return addressTable.holds(Objects.requireNonNull(address, "address"));
    }

    /**
     * Whether a virtual address is on this node's interface.
     *
     * @param address an IPv4 or IPv6 literal, e.g. {@code "198.18.0.100"}
     * @return whether the node holds it
     */
    public boolean holdsAddress(String address) {
        return holdsAddress(Addresses.parse("address", address, InetAddress.class));
    }

    /** The virtual addresses on the node's interface now, in the order they were added. */
    public List<InetAddress> heldAddresses() {
        return addressTable.addresses();
    }

    /**
     * How many times a group of this vhid on this node re-announced its addresses (the address manager's
     * {@code announce}: the delayed gratuitous ARP two adverts after a takeover, and on hearing a weaker master), over
     * all the node's lives. Claims, which announce too, are counted by {@link #claims(int)}.
     *
     * @param vhid 1-255
     * @return the count
     */
    public long announcements(int vhid) {
        return counters.announcements(vhid);
    }

    /**
     * How many times a group of this vhid on this node claimed its addresses (became MASTER), over all its lives.
     *
     * @param vhid 1-255
     * @return the count
     */
    public long claims(int vhid) {
        return counters.claims(vhid);
    }

    /** Packets the current process dropped because it was frozen with a full receive queue (1024 packets). */
    public long packetsDroppedWhileFrozen() {
        return process.packetsDroppedWhileFrozen();
    }

    // ------------------------------------------------------------------------------------------------ faults

    /**
     * The process dies at once: no bow-out, no more sends, timers or received packets. Packets already on the wire
     * still arrive elsewhere. Its virtual addresses stay on the interface until their kernel lifetime runs out.
     *
     * @throws IllegalStateException if the node is not running
     */
    public void kill() {
        requireRunning("kill()");
        closing = false;
        process.die();
        network.recorder().event(name, "killed");
    }

    /**
     * Starts a new process that builds and starts every group again from the builders given to {@link #start}
     * (builders are reusable: each {@code build()} makes a new group). The node must have been killed or closed.
     *
     * @throws IllegalStateException if the node is running
     */
    public void restart() {
        network.checkOpen("restart()");
        if (process.isAlive()) {
            throw new IllegalStateException("restart(): node " + name + " is running; kill() or close() it first");
        }
        process = new NodeProcess(network, name);
        network.recorder().event(name, "restarted");
        for (CarpGroupBuilder builder : builders) {
            launch(builder);
        }
        if (peerConfig != null) {
            launchPeer();
        }
    }

    /**
     * Stalls the process, as a long GC pause or a stopped VM would: no timer runs and received packets wait in a
     * queue (at most 1024; later ones are dropped). Time and the rest of the network go on.
     *
     * @throws IllegalStateException if the node is not running or already frozen
     */
    public void freeze() {
        requireRunning("freeze()");
        if (process.isFrozen()) {
            throw new IllegalStateException("freeze(): node " + name + " is already frozen");
        }
        process.freeze();
        network.recorder().event(name, "frozen");
    }

    /**
     * Resumes a frozen process: at this instant, the queued packets and the overdue timers run in the order they fell
     * due (when the test next advances time, even by zero).
     *
     * @throws IllegalStateException if the node is not frozen
     */
    public void thaw() {
        if (!process.isAlive() || !process.isFrozen()) {
            throw new IllegalStateException("thaw(): node " + name + " is not frozen");
        }
        int[] waiting = process.thaw();
        network.recorder().event(name, "thawed (" + waiting[0] + " queued packets, " + waiting[1]
                + " overdue tasks)");
    }

    /**
     * The interface loses carrier: the node sends and receives nothing, and its groups are told (they go to INIT and
     * release their addresses). A frozen process is told when it thaws.
     *
     * @throws IllegalStateException if the link is already down
     */
    public void linkDown() {
        if (!linkUp) {
            throw new IllegalStateException("linkDown(): the link of node " + name + " is already down");
        }
        linkUp = false;
        network.recorder().event(name, "link down");
        notifyLink(false);
    }

    /**
     * The interface has carrier again; its groups rejoin as BACKUP.
     *
     * @throws IllegalStateException if the link is up
     */
    public void linkUp() {
        if (linkUp) {
            throw new IllegalStateException("linkUp(): the link of node " + name + " is already up");
        }
        linkUp = true;
        network.recorder().event(name, "link up");
        notifyLink(true);
    }

    /**
     * Shuts the process down cleanly: every group is closed, so a master sends the bow-out advertisement and releases
     * its addresses, and a backup takes over at once. The node can be {@link #restart()}ed afterwards. A group with a
     * {@link CarpGroupBuilder#releaseDelay} keeps its addresses that long after the bow-out, as on Linux: the process
     * then stays alive (its groups in INIT, {@link #isRunning()} true) until the delay has passed on the virtual
     * clock, and dies then; a {@link #kill()} meanwhile leaves the addresses to their kernel lifetime.
     *
     * @throws IllegalStateException if the node is not running or is frozen
     */
    public void close() {
        requireRunning("close()");
        if (process.isFrozen()) {
            throw new IllegalStateException("close(): node " + name + " is frozen; thaw() or kill() it first");
        }
        if (closing) {
            throw new IllegalStateException("close(): node " + name + " is already closing (its groups keep their"
                    + " addresses for their releaseDelay)");
        }
        long drain = 0;
        for (CarpGroup group : process.groups().values()) {
            group.close();
            if (group.stats().draining()) {
                drain = Math.max(drain, group.config().releaseDelay().toNanos());
            }
        }
        if (process.peer() != null) {
            process.peer().stop();
        }
        if (drain == 0) {
            process.die();
            network.recorder().event(name, "closed");
            return;
        }
        // A MASTER with a releaseDelay bowed out and keeps its addresses: the process lives until the drain has
        // removed them.
        closing = true;
        NodeProcess p = process;
        network.recorder().event(name, "closing (releaseDelay " + drain / 1_000_000 + " ms)");
        network.scheduler().schedule(network.scheduler().now() + drain, () -> dieWhenDrained(p), p);
    }

    /** The end of a close whose groups drain: once no group drains any more (their timers due at this instant). */
    private void dieWhenDrained(NodeProcess p) {
        if (p.groups().values().stream().anyMatch(g -> g.stats().draining())) {
            network.scheduler().schedule(network.scheduler().now(), () -> dieWhenDrained(p), p);
            return;
        }
        closing = false;
        p.die();
        network.recorder().event(name, "closed");
    }

    /** Whether the process runs (started and not killed or closed); a frozen process runs. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Whether the process is frozen. */
    public boolean isFrozen() {
        return process.isAlive() && process.isFrozen();
    }

    /** Whether the interface has carrier. */
    public boolean isLinkUp() {
        return linkUp;
    }

    // ------------------------------------------------------------------------------------------------ runtime SPI

    /**
     * Creates a group on this node; called by {@link CarpGroupBuilder#build()}. Use {@link #start(CarpGroupBuilder)}
     * rather than setting this node as a builder's runtime by hand: it also restarts the group with the node.
     *
     * @param spec what the builder validated
     * @return the group, in INIT
     */
    @Override
    public CarpGroup createGroup(GroupSpec spec) {
        return DefaultCarpGroup.create(spec, this::attach);
    }

    /** Registers a started group with this node's current process; its runtime binding. */
    private RuntimeBinding attach(GroupEndpoint group) {
        requireRunning("attach()");
        process.dispatcher().register(group);
        // As the Linux runtime does on attach: copies of our addresses that an earlier run left (a kill before their
        // lifetime ran out) go, so that a new BACKUP never answers for them.
        if (group.config().manageAddresses()) {
            for (InetAddress a : group.config().virtualAddresses()) {
                if (addressTable.holds(a)) {
                    addressTable.remove(List.of(a));
                    network.recorder().event(name, "removed " + a.getHostAddress() + " left by an earlier run");
                }
            }
        }
        return new SimBinding(this, process, group);
    }

    @Override
    public String toString() {
        return "SimulatedNode{" + name + " " + ipv4.getHostAddress() + " " + ipv6.getHostAddress()
                + (process.isAlive() ? process.isFrozen() ? " frozen" : "" : " dead") + (linkUp ? "" : " link down")
                + "}";
    }

    // ------------------------------------------------------------------------------------------------ internals

    private CarpGroup launch(CarpGroupBuilder builder) {
        Executor callbacks = network.separateCallbackThread()
                ? new CallbackThread(process, network.scheduler()) : Runnable::run;
        CarpGroup group = builder.runtime(this).callbackExecutor(callbacks).healthCheckExecutor(Runnable::run)
                .build();
        int vhid = group.config().vhid();
        if (process.groups().containsKey(vhid)) {
            throw new IllegalStateException("start(): node " + name + " already runs vhid " + vhid);
        }
        NodeProcess owner = process;
        group.addListener(e -> {
            if (owner.isAlive()) { // a dead process's group object may still be closed by hand: not a real event
                network.recorder().transition(name, e);
            }
        });
        network.scheduler().enterProtocol(); // the loop runs the start: an INIT -> BACKUP callback runs inside it
        try {
            group.start();
        } finally {
            network.scheduler().exitProtocol();
        }
        process.groups().put(vhid, group);
        return group;
    }

    private void notifyLink(boolean up) {
        NodeProcess p = process;
        p.runOrDefer(() -> {
            network.scheduler().enterProtocol();
            try {
                p.dispatcher().forEachGroup(g -> g.onLinkStateChanged(up));
                if (p.peer() != null) {
                    p.peer().link(up);
                }
            } finally {
                network.scheduler().exitProtocol();
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ peers

    /** Starts the peer daemon of a peer host ({@link SimulatedPeer#start}). */
    void startPeer(CarpConfig config) {
        network.checkOpen("start()");
        if (peerModel == null) {
            throw new IllegalStateException("start(): node " + name + " runs carp4j groups, not a peer");
        }
        requireRunning("start()");
        if (process.isFrozen()) {
            throw new IllegalStateException("start(): node " + name + " is frozen; thaw() it first");
        }
        if (peerConfig != null) {
            throw new IllegalStateException("start(): peer " + name + " already runs vhid " + peerConfig.vhid()
                    + " (a peer runs one vhid)");
        }
        peerConfig = config;
        launchPeer();
    }

    private void launchPeer() {
        PeerDaemon daemon = new PeerDaemon(this, process, peerModel, peerConfig);
        process.peer(daemon);
        network.scheduler().enterProtocol();
        try {
            daemon.start();
        } finally {
            network.scheduler().exitProtocol();
        }
    }

    Optional<CarpConfig> peerConfig() {
        return Optional.ofNullable(peerConfig);
    }

    PeerDaemon peerDaemon() {
        if (process.peer() == null || !process.isAlive()) {
            throw new IllegalStateException("node " + name + ": the peer is not running");
        }
        return process.peer();
    }

    long peerDropped() {
        return process.peer() == null ? 0 : process.peer().dropped();
    }

    /** The model of a peer host, or empty for a node that runs carp4j groups. */
    public Optional<PeerModel> peerModel() {
        return Optional.ofNullable(peerModel);
    }

    private void requireCarp4j(String method) {
        if (peerModel != null) {
            throw new IllegalStateException(method + ": node " + name + " runs a " + peerModel
                    + " peer, not carp4j groups; use its SimulatedPeer");
        }
    }

    void receive(IpFamily family, byte[] packet) {
        if (linkUp) {
            process.receive(family, packet);
        }
    }

    void shutDownForNetworkClose() {
        if (process.isAlive()) {
            if (process.isFrozen()) {
                kill();
            } else {
                close();
            }
        }
    }

    int nextIpId() {
        return ipId++ & 0xffff;
    }

    AddressTable addressTable() {
        return addressTable;
    }

    AddressCounters counters() {
        return counters;
    }

    private void requireRunning(String method) {
        if (!process.isAlive()) {
            throw new IllegalStateException(method + ": node " + name + " is not running (killed or closed);"
                    + " restart() it first");
        }
    }
}
