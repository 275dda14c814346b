package io.carp.testkit;

import io.carp.CarpConfig;
import io.carp.CarpGroupBuilder;
import io.carp.CarpState;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A host on a {@link SimulatedNetwork} that runs another CARP implementation, following the rules of its
 * {@link PeerModel}, instead of a carp4j group. Made by {@link SimulatedNetwork#peer(String, PeerModel)}.
 *
 * <pre>{@code
 * SimulatedPeer u = net.peer("U", PeerModel.ucarp());
 * u.start(CarpGroup.builder().vhid(1).password("secret").virtualAddress("198.18.0.100").advskew(100));
 * u.node().kill();                  // faults, partitions, holdsAddress(), state(vhid): through its host node
 * }</pre>
 *
 * <p>A peer runs one vhid, configured with the usual {@link CarpGroupBuilder} (vhid, password, IPv4 virtual
 * addresses, advbase, advskew, preempt, demotion, ucarp's dead ratio; the rest is ignored). Its host
 * {@link #node()} takes every fault a carp4j node takes ({@code kill}, {@code restart}, {@code freeze}/{@code thaw},
 * {@code linkDown}/{@code linkUp}, {@code close} — a clean stop as the implementation does it), is a member of
 * partitions, and reports the peer's state in {@link SimulatedNode#state(int)} and the network's
 * {@link SimulatedNetwork#masters(int)}; {@link SimulatedNode#group(int)} and {@link SimulatedNode#start} are
 * refused on it. Transitions go to the network's timeline. Single-threaded, like the network.
 */
public final class SimulatedPeer {
    private final SimulatedNode node;
    private final PeerModel model;

    SimulatedPeer(SimulatedNode node, PeerModel model) {
        this.node = node;
        this.model = model;
    }

    /** The host the peer runs on: faults, addresses, partitions. */
    public SimulatedNode node() {
        return node;
    }

    /** The rules it follows. */
    public PeerModel model() {
        return model;
    }

    /** The host's name. */
    public String name() {
        return node.name();
    }

    /**
     * Configures and starts the peer's one group (BACKUP, or INIT if the link is down; ucarp: BACKUP). The
     * configuration is kept for {@link SimulatedNode#restart()}.
     *
     * @param builder vhid, password, IPv4 virtual addresses, advbase, advskew, preempt, demotion, dead ratio
     * @return this peer
     * @throws IllegalArgumentException if the configuration is invalid or has an IPv6 virtual address
     * @throws IllegalStateException    if the peer already runs a group, or the node is not running or frozen
     */
    public SimulatedPeer start(CarpGroupBuilder builder) {
        CarpConfig config = Objects.requireNonNull(builder, "builder").buildConfig();
        for (InetAddress a : config.virtualAddresses()) {
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("virtualAddress: " + a.getHostAddress() + " (expected: IPv4 only;"
                        + " the testkit's " + model + " model speaks IPv4)");
            }
        }
        node.startPeer(config);
        return this;
    }

    /** The peer's state: INIT before start, when dead or stopped (and, for the kernels, while the link is down). */
    public CarpState state() {
        return node.peerConfig().map(c -> node.state(c.vhid())).orElse(CarpState.INIT);
    }

    /** The configuration given to {@link #start}, if started. */
    public Optional<CarpConfig> config() {
        return node.peerConfig();
    }

    /**
     * Sets the demotion: FreeBSD's {@code net.inet.carp.demotion} (added to the advertised skew, capped at 240),
     * OpenBSD's demote count (sent in the demote byte). Takes effect with the next advertisement and lasts for the
     * current process only.
     *
     * @param demotion 0-255
     * @throws UnsupportedOperationException for ucarp, which has no demotion
     * @throws IllegalStateException         if the peer is not running
     */
    public void setDemotion(int demotion) {
        if (!model.supportsDemotion()) {
            throw new UnsupportedOperationException("setDemotion(): ucarp has no demotion");
        }
        if (demotion < 0 || demotion > 255) {
            throw new IllegalArgumentException("demotion: " + demotion + " (expected: 0-255)");
        }
        node.peerDaemon().setDemotion(demotion);
    }

    /** Packets the peer dropped (undecodable, bad TTL or checksum, wrong digest, its own OpenBSD cookie). */
    public long dropped() {
        return node.peerDropped();
    }

    @Override
    public String toString() {
        return "SimulatedPeer{" + model + " on " + node + "}";
    }
}
