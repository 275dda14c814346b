package io.carp.testkit;

import io.carp.CarpClock;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import io.carp.IpFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A simulated Ethernet segment with CARP nodes on it, run on a virtual clock: real {@link io.carp.CarpGroup} state
 * machines, built with the usual {@code CarpGroup.builder()}, exchange real packets (encoded and decoded by the shared
 * codec, authenticated with HMAC-SHA1) without root, sockets or threads.
 *
 * <pre>{@code
 * try (SimulatedNetwork net = SimulatedNetwork.create(42)) {
 *     SimulatedNode a = net.node("A");
 *     SimulatedNode b = net.node("B");
 *     a.start(CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100").advskew(0));
 *     b.start(CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100").advskew(100));
 *     net.advanceBy(Duration.ofSeconds(5));
 *     CarpAssertions.assertMasterIs(a, 1);
 *     a.kill();
 *     net.advanceBy(Duration.ofSeconds(5));
 *     CarpAssertions.assertMasterIs(b, 1);
 * }
 * }</pre>
 *
 * <p><b>Time.</b> Nothing happens until the test advances time with {@link #advanceBy} or {@link #runUntil}. All
 * times the testkit reports are virtual time since the network was created, with nanosecond precision.
 *
 * <p><b>Determinism.</b> One discrete-event scheduler orders everything by virtual time, then by the order it was
 * scheduled in; all randomness (the groups' counters, the link model) comes from one {@link Random} seeded with
 * {@link #seed()}. The same seed and the same test steps give the same trace, byte for byte.
 *
 * <p><b>Threads.</b> Single-threaded and not thread-safe: use a network and its nodes and groups only from the thread
 * that created it (the test thread). That thread is every group's protocol thread ({@code ProtocolLoop.inLoop()} is
 * true on it), and group callbacks run inline on it while events run (or as events of their own, see
 * {@link #separateCallbackThread(boolean)}).
 *
 * <p><b>Other implementations.</b> {@link #peer(String, PeerModel)} adds a host whose group follows ucarp's,
 * FreeBSD's or OpenBSD's election rules ({@link PeerModel}) next to the carp4j nodes.
 *
 * <p>The segment: packets go to every other node whose link is up and whose process runs, never back to the sender
 * (multicast loop off), after the delay of the {@link LinkModel} (default {@link PerfectLink#DEFAULT}, 100 µs);
 * partitions ({@link #partition}) and {@link LinkFault}s ({@link #inject}) act on top of it.
 */
public final class SimulatedNetwork implements AutoCloseable {
    /** The seed of {@link #create()}. */
    public static final long DEFAULT_SEED = 0x5EED_CA4BL;
    private static final int MAX_AUTO_NODES = 254;

    private final long seed;
    private final Random random;
    private final VirtualClock clock = new VirtualClock();
    private final EventScheduler scheduler = new EventScheduler(clock);
    private final Recorder recorder = new Recorder(scheduler);
    private final Segment segment = new Segment();
    private final List<SimulatedNode> nodes = new ArrayList<>();
    private final Wire wire;
    private final Map<CarpGroupBuilder, SimulatedNode> builders = new IdentityHashMap<>();
    private final Thread owner = Thread.currentThread();
    private final List<SimulatedPeer> peers = new ArrayList<>();
    private final List<String> droppedPacketStateChanges = new ArrayList<>();
    private boolean separateCallbackThread;
    private boolean closed;

    private SimulatedNetwork(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.wire = new Wire(scheduler, recorder, segment, nodes, random);
    }

    /**
     * A new, empty network seeded with {@link #DEFAULT_SEED}.
     *
     * @return the network; its creating thread becomes the simulation thread
     */
    public static SimulatedNetwork create() {
        return create(DEFAULT_SEED);
    }

    /**
     * A new, empty network.
     *
     * @param seed seeds every random choice of the run
     * @return the network; its creating thread becomes the simulation thread
     */
    public static SimulatedNetwork create(long seed) {
        return new SimulatedNetwork(seed);
    }

    /** The seed this network was created with. */
    public long seed() {
        return seed;
    }

    // ------------------------------------------------------------------------------------------------ nodes

    /**
     * Adds a node with automatic addresses: the N-th node gets 198.18.0.N and 2001:db8::N.
     *
     * @param name unique, non-empty; used in the timeline
     * @return the node, running but with no group yet
     */
    public SimulatedNode node(String name) {
        return node(name, null, null);
    }

    /**
     * Adds a node with the given IPv4 address and the automatic IPv6 address 2001:db8::N.
     *
     * @param name unique, non-empty
     * @param ipv4 an IPv4 literal, e.g. {@code "198.18.0.10"}
     * @return the node
     */
    public SimulatedNode node(String name, String ipv4) {
        return node(name, Objects.requireNonNull(ipv4, "ipv4"), null);
    }

    /**
     * Adds a node with the given addresses. A {@code null} address is assigned automatically (198.18.0.N, 2001:db8::N
     * for the N-th node).
     *
     * @param name unique, non-empty
     * @param ipv4 an IPv4 literal, or {@code null}
     * @param ipv6 an IPv6 literal, or {@code null}
     * @return the node
     * @throws IllegalArgumentException if the name or an address is taken or invalid
     */
    public SimulatedNode node(String name, String ipv4, String ipv6) {
        return addNode(name, ipv4, ipv6, null);
    }

    /**
     * Adds a host that runs another CARP implementation, following the rules of the given model, with automatic
     * addresses (as {@link #node(String)}). Start its group with {@link SimulatedPeer#start}.
     *
     * @param name  unique, non-empty
     * @param model e.g. {@link PeerModel#ucarp()}
     * @return the peer; its host is {@link SimulatedPeer#node()}
     */
    public SimulatedPeer peer(String name, PeerModel model) {
        return peer(name, null, model);
    }

    /**
     * Adds a host that runs another CARP implementation with the given IPv4 address (the source of its
     * advertisements, which decides ties) and the automatic IPv6 address.
     *
     * @param name  unique, non-empty
     * @param ipv4  an IPv4 literal, or {@code null} for the automatic one
     * @param model e.g. {@link PeerModel#ucarp()}
     * @return the peer
     * @throws IllegalArgumentException if the name or the address is taken or invalid
     */
    public SimulatedPeer peer(String name, String ipv4, PeerModel model) {
        Objects.requireNonNull(model, "model");
        SimulatedNode host = addNode(name, ipv4, null, model);
        SimulatedPeer peer = new SimulatedPeer(host, model);
        peers.add(peer);
        return peer;
    }

    /** The peers ({@link #peer}), in the order they were added; their hosts are also in {@link #nodes()}. */
    public List<SimulatedPeer> peers() {
        return List.copyOf(peers);
    }

    private SimulatedNode addNode(String name, String ipv4, String ipv6, PeerModel model) {
        checkOpen("node()");
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || nodes.stream().anyMatch(n -> n.name().equals(name))) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a non-empty name no other node has)");
        }
        int n = nodes.size() + 1;
        if ((ipv4 == null || ipv6 == null) && n > MAX_AUTO_NODES) {
            throw new IllegalArgumentException("node " + name + ": more than " + MAX_AUTO_NODES
                    + " nodes (expected: give explicit addresses beyond that)");
        }
        Inet4Address v4 = Addresses.parse("ipv4", ipv4 != null ? ipv4 : "198.18.0." + n, Inet4Address.class);
        Inet6Address v6 = Addresses.parse("ipv6", ipv6 != null ? ipv6 : "2001:db8::" + Integer.toHexString(n),
                Inet6Address.class);
        for (SimulatedNode other : nodes) {
            if (other.ipv4().equals(v4) || other.ipv6().equals(v6)) {
                throw new IllegalArgumentException("node " + name + ": address " + (other.ipv4().equals(v4) ? v4 : v6)
                        .getHostAddress() + " is already used by node " + other.name()
                        + " (expected: a unique address per node)");
            }
        }
        SimulatedNode node = new SimulatedNode(this, name, v4, v6, model);
        nodes.add(node);
        return node;
    }

    /** The nodes, in the order they were added. */
    public List<SimulatedNode> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * The nodes that are MASTER of a vhid now, as {@link SimulatedNode#state(int)} reports (frozen ones included).
     *
     * @param vhid 1-255
     * @return the masters, in the order the nodes were added
     */
    public List<SimulatedNode> masters(int vhid) {
        return nodes.stream().filter(n -> n.state(vhid) == CarpState.MASTER).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------------------------------------ foreign peers

    /**
     * Puts a hand-made advertisement on the segment, as a device that is not a simulated node would (another
     * implementation, a misconfigured box, a replayed capture): every node whose link is up receives it now, at the
     * current virtual time, with no link delay or loss. It is not recorded in {@link #advertisements()}. Run
     * {@link #advanceBy} to let the nodes react.
     *
     * @param advertisement the packet; its source decides IPv4 or IPv6
     * @throws IllegalStateException after {@link #close()}
     */
    public void inject(PeerAdvertisement advertisement) {
        checkOpen("inject()");
        byte[] packet = advertisement.toPacket();
        IpFamily family = advertisement.isIpv6() ? IpFamily.IPV6 : IpFamily.IPV4;
        for (SimulatedNode node : List.copyOf(nodes)) {
            scheduler.schedule(clock.nanoTime(), () -> node.receive(family, packet), null);
        }
    }

    /**
     * Sends a recorded advertisement again, byte for byte, as an attacker on the link who captured it would: every
     * node whose link is up receives it now, with no link delay or loss, from the original sender's address. It is not
     * recorded again. Plain CARP accepts such a copy (its counter is never checked); the replay-protected mode drops it
     * as {@link io.carp.DropReason#REPLAY}. Run {@link #advanceBy} to let the nodes react.
     *
     * @param capture an advertisement from {@link #advertisements()} or {@link #takeAdvertisement()}
     * @throws IllegalStateException after {@link #close()}
     */
    public void replay(RecordedAdvertisement capture) {
        checkOpen("replay()");
        byte[] packet = capture.bytes();
        IpFamily family = capture.family();
        for (SimulatedNode node : List.copyOf(nodes)) {
            scheduler.schedule(clock.nanoTime(), () -> node.receive(family, packet), null);
        }
    }

    // ------------------------------------------------------------------------------------------------ time

    /** The network's clock (virtual time; advance it with {@link #advanceBy} and {@link #runUntil}). */
    public CarpClock clock() {
        return clock;
    }

    /** The current virtual time since the network was created. */
    public Duration now() {
        return clock.elapsed();
    }

    /**
     * Runs every event due within the given time, in order, and leaves the clock exactly that much later.
     *
     * @param duration zero or more; zero runs what is due now
     * @throws IllegalStateException if called from inside a running event (a callback) or after {@link #close()}
     */
    public void advanceBy(Duration duration) {
        checkOpen("advanceBy()");
        checkSimulationThread("advanceBy()");
        long nanos = Times.checkNonNegative("duration", duration);
        scheduler.runTo(Math.addExact(clock.nanoTime(), nanos), "advanceBy()");
    }

    /**
     * Runs events until the condition holds, checking it first and after every event, or until the timeout passes.
     * On success the clock stays at the instant the condition became true.
     *
     * @param condition checked on the simulation thread; must not advance time itself
     * @param timeout   how much virtual time to allow, zero or more
     * @return whether the condition held
     */
    public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        checkOpen("runUntil()");
        checkSimulationThread("runUntil()");
        Objects.requireNonNull(condition, "condition");
        long nanos = Times.checkNonNegative("timeout", timeout);
        return scheduler.runUntil(condition, Math.addExact(clock.nanoTime(), nanos), "runUntil()");
    }

    // ------------------------------------------------------------------------------------------------ link

    /**
     * Replaces the link model for packets sent from now on.
     *
     * @param model e.g. {@code LossyLink.withLoss(0.3)}
     */
    public void linkModel(LinkModel model) {
        segment.linkModel(Objects.requireNonNull(model, "model"));
        recorder.event("network", "link model " + model);
    }

    /** The current link model. */
    public LinkModel linkModel() {
        return segment.linkModel();
    }

    /**
     * Splits the segment: from now on packets flow only between nodes of the same set. Nodes named in no set form one
     * more set together, so {@code partition(Set.of(a))} cuts {@code a} off from everyone else. Replaces any previous
     * partition.
     *
     * @param sides disjoint sets of this network's nodes
     * @throws IllegalArgumentException if a node is in two sets or belongs to another network
     */
    @SafeVarargs
    public final void partition(Set<SimulatedNode>... sides) {
        checkOpen("partition()");
        List<Set<SimulatedNode>> list = new ArrayList<>();
        for (Set<SimulatedNode> side : sides) {
            Set<SimulatedNode> copy = Set.copyOf(side);
            copy.forEach(this::checkOwn);
            list.add(copy);
        }
        segment.partition(list);
        recorder.event("network", "partitioned " + list.stream()
                .map(s -> s.stream().map(SimulatedNode::name).sorted().collect(Collectors.joining(",", "{", "}")))
                .collect(Collectors.joining(" | ")));
    }

    /**
     * Injects a fault into the packets sent by the given nodes, or by every node if none is given, until
     * {@link #heal()}. Faults apply in the order they were injected.
     *
     * @param fault   the fault
     * @param senders whose packets it affects; none means all
     */
    public void inject(LinkFault fault, SimulatedNode... senders) {
        checkOpen("inject()");
        Objects.requireNonNull(fault, "fault");
        Set<SimulatedNode> set = new LinkedHashSet<>(Arrays.asList(senders));
        set.forEach(this::checkOwn);
        segment.inject(fault, set);
        recorder.event("network", "fault " + fault + " on packets from " + (set.isEmpty() ? "every node"
                : set.stream().map(SimulatedNode::name).collect(Collectors.joining(","))));
    }

    /** Removes the partition and every injected fault; the link model stays. */
    public void heal() {
        checkOpen("heal()");
        segment.heal();
        recorder.event("network", "healed");
    }

    // ------------------------------------------------------------------------------------------------ recordings

    /**
     * The oldest recorded advertisement not taken yet; never blocks (the clock does not move by itself).
     *
     * @return the advertisement, or empty if every one sent so far was taken
     */
    public Optional<RecordedAdvertisement> takeAdvertisement() {
        return recorder.take();
    }

    /** How many advertisements were sent so far (taken or not). */
    public int advertisementCount() {
        return recorder.advertisementCount();
    }

    /** Every advertisement sent so far, in send order (a snapshot). Memory grows with the run. */
    public List<RecordedAdvertisement> advertisements() {
        return recorder.advertisements();
    }

    /** Every state transition of every group so far, in order (a snapshot). */
    public List<RecordedTransition> transitions() {
        return recorder.transitions();
    }

    /**
     * The run as readable lines, in order: transitions ({@code t=3.391s C vhid 1: BACKUP -> MASTER (master timed
     * out)}) and what happened to nodes and the segment ({@code t=10.000s A killed}).
     *
     * @return a snapshot of the lines
     */
    public List<String> timeline() {
        return recorder.timeline();
    }

    /**
     * The last lines of the timeline as one string, for messages.
     *
     * @param lines how many lines at most
     * @return the lines, each indented and ending in a newline
     */
    public String timelineTail(int lines) {
        return recorder.tail(lines);
    }

    // ------------------------------------------------------------------------------------------------ checks

    /**
     * Runs the callbacks of the groups started from now on on a "separate thread": each one becomes an event of its
     * own at the same virtual instant, queued after the protocol work that raised it, as the default callback
     * executor of a real runtime runs them off the protocol thread. Off by default: callbacks then run inline on the
     * protocol work (deterministic, and what {@code callbackExecutor(Runnable::run)} gives in production). Either
     * way the simulation stays single-threaded; see {@link #inProtocolEvent()}.
     *
     * @param separate whether callbacks run as events of their own
     */
    public void separateCallbackThread(boolean separate) {
        this.separateCallbackThread = separate;
    }

    /** Whether groups started now get the separate callback thread ({@link #separateCallbackThread(boolean)}). */
    public boolean separateCallbackThread() {
        return separateCallbackThread;
    }

    /**
     * Whether the code calling this runs inside a node's protocol work: one of its timers, a packet being handled,
     * a link change or a group being started. A callback that sees {@code true} runs on the protocol thread, which
     * with {@link #separateCallbackThread(boolean) separate callbacks} must never happen.
     *
     * @return whether protocol work is on the stack
     */
    public boolean inProtocolEvent() {
        return scheduler.inProtocol();
    }

    /**
     * Every packet that a carp4j group dropped (counted in its {@code stats().dropped(...)}) and whose handling
     * nevertheless changed the state of a group of the receiving node, described in one line each. The network
     * checks this on every packet it delivers; the list should stay empty.
     *
     * @return a snapshot, in order
     */
    public List<String> droppedPacketStateChanges() {
        return List.copyOf(droppedPacketStateChanges);
    }

    void droppedPacketChangedState(String description) {
        String line = "t=" + Times.format(clock.nanoTime()) + " " + description;
        droppedPacketStateChanges.add(line);
        recorder.event("network", "VIOLATION " + line);
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Closes every running node gracefully (masters bow out; frozen nodes are killed), then drops every pending event.
     * Recordings stay readable; anything that would run the network afterwards throws. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (SimulatedNode node : nodes) {
            node.shutDownForNetworkClose();
        }
        scheduler.clear();
        closed = true;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "SimulatedNetwork{seed=" + seed + ", t=" + Times.format(clock.nanoTime()) + ", nodes="
                + nodes.stream().map(SimulatedNode::name).collect(Collectors.toList()) + "}";
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** A group on {@code sender} sends the 36 CARP bytes: see {@link Wire#transmit}. */
    void transmit(SimulatedNode sender, IpFamily family, InetAddress source, ByteBuffer carpHeader) {
        wire.transmit(sender, family, source, carpHeader);
    }

    /** A VRRP group on {@code sender} sends an advertisement: see {@link Wire#transmitVrrp}. */
    void transmitVrrp(SimulatedNode sender, IpFamily family, InetAddress source,
                      io.carp.spi.RuntimeBinding.VrrpMessage message) {
        wire.transmitVrrp(sender, family, source, message);
    }

    EventScheduler scheduler() {
        return scheduler;
    }

    VirtualClock virtualClock() {
        return clock;
    }

    Recorder recorder() {
        return recorder;
    }

    Random random() {
        return random;
    }

    boolean isSimulationThread() {
        return Thread.currentThread() == owner;
    }

    void checkSimulationThread(String method) {
        if (!isSimulationThread()) {
            throw new IllegalStateException(method + ": called on thread " + Thread.currentThread().getName()
                    + "; a SimulatedNetwork is single-threaded: use it only from " + owner.getName()
                    + ", the thread that created it");
        }
    }

    void checkOpen(String method) {
        if (closed) {
            throw new IllegalStateException(method + ": the network was closed");
        }
    }

    /** A node keeps its builders for restart(), so two nodes must not share one. */
    void claimBuilder(CarpGroupBuilder builder, SimulatedNode node) {
        SimulatedNode user = builders.putIfAbsent(builder, node);
        if (user != null && user != node) {
            throw new IllegalArgumentException("builder: already used by node " + user.name()
                    + " (expected: a builder of its own for each node; restart() rebuilds from it)");
        }
    }

    private void checkOwn(SimulatedNode node) {
        if (node.network() != this) {
            throw new IllegalArgumentException("node " + node.name() + " belongs to another network");
        }
    }
}
