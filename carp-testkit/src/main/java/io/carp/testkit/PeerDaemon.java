package io.carp.testkit;

import io.carp.internal.crypto.Secrets;

import io.carp.CarpConfig;
import io.carp.CarpState;
import io.carp.CarpStateEvent;
import io.carp.IpFamily;
import io.carp.StateChangeCause;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.internal.time.CarpTiming;
import io.carp.spi.ProtocolLoop;
import io.carp.testkit.internal.PeerRules;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * One life of a {@link SimulatedPeer}'s daemon: drives its {@link PeerRules} with the node's process (timers stop while
 * frozen and die with it), decodes and authenticates what arrives with the shared codec, and encodes what it sends.
 * Counters as the model does: ucarp and FreeBSD draw a random counter until they hear a valid advertisement, then
 * continue from the last one heard; OpenBSD sends a constant random cookie and drops adverts that carry its own.
 */
final class PeerDaemon implements PeerRules.Effects {
    private final SimulatedNode node;
    private final NodeProcess process;
    private final PeerModel model;
    private final CarpConfig config;
    private final PeerRules rules;
    private final CarpAuthenticator auth;
    private final List<InetAddress> addresses;
    private final long lifetimeNanos;
    private long counter;
    private boolean counterInitialized;
    private long armedAt = PeerRules.NONE;
    private ProtocolLoop.Cancellable timer;
    private long dropped;

    PeerDaemon(SimulatedNode node, NodeProcess process, PeerModel model, CarpConfig config) {
        this.node = node;
        this.process = process;
        this.model = model;
        this.config = config;
        this.addresses = config.virtualAddresses();
        this.auth = new CarpAuthenticator(Secrets.password(config), config.vhid(), addresses);
        this.rules = new PeerRules(model.kind(), config.advbase(), config.advskew(), config.deadRatio(),
                config.preempt(), config.demotion(), node.ipv4().getAddress(), this);
        long masterDown = CarpTiming.ticksToNanos(CarpTiming.masterDownTicks(config.advbase(), config.advskew(),
                model.kind() == PeerRules.Kind.UCARP ? config.deadRatio() : 3));
        long slowest = CarpTiming.ticksToNanos(CarpTiming.intervalTicks(config.advbase(), 240));
        this.lifetimeNanos = Math.max(masterDown, slowest + CarpTiming.NANOS_PER_TICK);
        if (model.kind() == PeerRules.Kind.OPENBSD) {
            counter = node.network().random().nextLong(); // the vhost's replay cookie, constant
            counterInitialized = true;
        }
    }

    int vhid() {
        return config.vhid();
    }

    CarpConfig config() {
        return config;
    }

    CarpState state() {
        return rules.state();
    }

    long dropped() {
        return dropped;
    }

    void start() {
        // A stale copy from a previous life goes: ucarp runs its down-script on INIT -> BACKUP (unless --neutral),
        // and a kernel implementation starts with a fresh boot.
        if (addresses.stream().anyMatch(node.addressTable()::holds)) {
            release();
            node.network().recorder().event(node.name(), "removed the addresses left by an earlier run");
        }
        rules.start(now(), node.isLinkUp());
        rearm();
    }

    void stop() {
        rules.stop(now());
        rearm();
    }

    void link(boolean up) {
        rules.onLink(now(), up);
        rearm();
    }

    void setDemotion(int demotion) {
        rules.setDemotion(demotion);
    }

    /** A packet arrived (the node's link is up and the process runs and is not frozen). */
    void receive(IpFamily family, byte[] packet) {
        if (family == IpFamily.IPV4) {
            handle(CarpCodec.decodeIpv4(ByteBuffer.wrap(packet), true));
        }
        rules.onWake(now()); // ucarp's poll loop woke up, whatever the packet was
        rearm();
    }

    private void handle(InboundPacket p) {
        if (p.isDropped()) {
            dropped++;
            return;
        }
        CarpAdvertisement ad = p.advertisement();
        if (ad.vhid() != config.vhid()) {
            return; // another vhid: ignored, not an error
        }
        if (!auth.verify(ad)) {
            dropped++;
            return;
        }
        if (model.kind() == PeerRules.Kind.OPENBSD) {
            if (ad.counter() == counter) {
                dropped++; // "replay or network loop detected"
                return;
            }
        } else {
            counter = ad.counter(); // carp_input_c / packethandler: sc_counter = received counter
            counterInitialized = true;
        }
        rules.onAdvertisement(now(), ad.advbase(), ad.advskew(), ad.demote(),
                p.envelope().source().getAddress());
    }

    private void fire() {
        timer = null;
        armedAt = PeerRules.NONE;
        rules.onTimer(now());
        if (rules.nextDeadline() <= now()) {
            throw new IllegalStateException("peer " + node.name() + " (" + model + "): a timer fell due in "
                    + rules.state() + " and the rules did not move it (a bug in the model)");
        }
        rearm();
    }

    private void rearm() {
        long next = rules.nextDeadline();
        if (next == armedAt) {
            return;
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        armedAt = next;
        if (next != PeerRules.NONE) {
            timer = process.schedule(this::fire, next);
        }
    }

    // ------------------------------------------------------------------------------------------------ effects

    @Override
    public void send(int advbase, int advskew, int demote) {
        if (model.kind() != PeerRules.Kind.OPENBSD) {
            counter = counterInitialized ? counter + 1 : node.network().random().nextLong();
        }
        byte[] header = CarpCodec.encode(config.vhid(), advskew, demote, advbase, counter, auth.digest(counter));
        try {
            node.network().transmit(node, IpFamily.IPV4, node.ipv4(), ByteBuffer.wrap(header));
        } catch (UncheckedIOException e) {
            // link down: the kernel refuses the send; the models count nothing
        }
        if (rules.state() == CarpState.MASTER) {
            node.addressTable().put(addresses, lifetimeNanos); // the advert renews the addresses' lifetime
        }
    }

    @Override
    public void claim() {
        node.counters().claimed(config.vhid());
        node.addressTable().put(addresses, lifetimeNanos);
    }

    @Override
    public void release() {
        node.addressTable().remove(addresses);
    }

    @Override
    public void announce() {
        node.counters().announced(config.vhid());
    }

    @Override
    public void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason) {
        node.network().recorder().transition(node.name(), new CarpStateEvent(config.vhid(), model.name(), from, to,
                cause, model.name() + ": " + reason, now(), Instant.EPOCH));
    }

    private long now() {
        return node.network().scheduler().now();
    }
}
