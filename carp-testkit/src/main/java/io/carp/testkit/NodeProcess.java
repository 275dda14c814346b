package io.carp.testkit;

import io.carp.CarpClock;
import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.CarpStats;
import io.carp.DropReason;
import io.carp.IpFamily;
import io.carp.spi.CarpDispatcher;
import io.carp.spi.ProtocolLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One life of a node's process, from start (or restart) to kill or close: its protocol loop on the network's
 * scheduler, its packet dispatcher and its groups. When it dies its timers and queued work are dropped; while it is
 * frozen they are kept aside and run, in time order, when it thaws.
 */
final class NodeProcess implements ProtocolLoop, EventOwner {
    /** How many received packets a frozen process keeps; later ones are dropped, as a full socket buffer would. */
    static final int MAX_QUEUED_PACKETS = 1024;

    private final SimulatedNetwork network;
    private final String name;
    private final CarpDispatcher dispatcher = new CarpDispatcher();
    private final Map<Integer, CarpGroup> groups = new TreeMap<>();
    private final List<ScheduledEvent> deferred = new ArrayList<>();
    private boolean alive = true;
    private boolean frozen;
    private int queuedPackets;
    private long packetsDroppedWhileFrozen;
    private PeerDaemon peer;
    private boolean thawBacklog;

    NodeProcess(SimulatedNetwork network, String name) {
        this.network = network;
        this.name = name;
    }

    // ------------------------------------------------------------------------------------------------ ProtocolLoop

    @Override
    public CarpClock clock() {
        return network.virtualClock();
    }

    @Override
    public boolean inLoop() {
        return network.isSimulationThread();
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, network.scheduler().now());
    }

    @Override
    public Cancellable schedule(Runnable task, long deadlineNanos) {
        network.checkSimulationThread("ProtocolLoop.schedule()");
        return network.scheduler().schedule(deadlineNanos, task, this);
    }

    @Override
    public boolean admit(ScheduledEvent event) {
        if (!alive) {
            return false;
        }
        if (frozen) {
            deferred.add(event);
            return false;
        }
        return true;
    }

    /** A callback event of this process's callback thread: dropped when dead, kept for the thaw when frozen. */
    boolean admitCallback(ScheduledEvent event) {
        return admit(event);
    }

    // ------------------------------------------------------------------------------------------------ packets

    /** A packet arrived on the wire; run now, queued while frozen, dropped if dead. */
    void receive(IpFamily family, byte[] packet) {
        if (!alive) {
            return;
        }
        if (frozen) {
            if (queuedPackets >= MAX_QUEUED_PACKETS) {
                packetsDroppedWhileFrozen++;
                return;
            }
            queuedPackets++;
            deferred.add(network.scheduler().unqueued(() -> dispatch(family, packet), this));
            return;
        }
        dispatch(family, packet);
    }

    private void dispatch(IpFamily family, byte[] packet) {
        if (!alive) {
            return;
        }
        network.scheduler().enterProtocol();
        try {
            if (peer != null) {
                peer.receive(family, packet);
                return;
            }
            long dropsBefore = drops();
            Map<Integer, CarpState> before = states();
            ByteBuffer buffer = ByteBuffer.wrap(packet.clone());
            if (family == IpFamily.IPV4) {
                dispatcher.receiveIpv4(buffer);
            } else {
                dispatcher.receiveIpv6(buffer);
            }
            if (drops() != dropsBefore) {
                Map<Integer, CarpState> after = states();
                if (!after.equals(before)) {
                    network.droppedPacketChangedState(name + ": a " + family + " packet its group dropped changed"
                            + " the state " + before + " -> " + after);
                }
            }
        } finally {
            network.scheduler().exitProtocol();
        }
    }

    /** Every drop the groups of this process counted (the dispatcher's unmatched drops change no group). */
    private long drops() {
        long n = 0;
        for (CarpGroup g : groups.values()) {
            CarpStats s = g.stats();
            for (DropReason r : DropReason.values()) {
                n += s.dropped(r);
            }
        }
        return n;
    }

    private Map<Integer, CarpState> states() {
        Map<Integer, CarpState> m = new TreeMap<>();
        groups.forEach((vhid, g) -> m.put(vhid, g.state()));
        return m;
    }

    /**
     * Runs work now, or keeps it for the thaw when frozen (a stalled JVM handles nothing). Right after a thaw, while
     * the work that waited has not run yet, it is queued behind that work instead: a link change must not overtake
     * an older one still waiting.
     */
    void runOrDefer(Runnable task) {
        if (!alive) {
            return;
        }
        if (frozen) {
            deferred.add(network.scheduler().unqueued(task, this));
        } else if (thawBacklog) {
            network.scheduler().schedule(network.scheduler().now(), task, this);
        } else {
            task.run();
        }
    }

    // ------------------------------------------------------------------------------------------------ life cycle

    boolean isAlive() {
        return alive;
    }

    boolean isFrozen() {
        return frozen;
    }

    void freeze() {
        frozen = true;
    }

    /**
     * Requeues what waited, in the order it would have run, at the current instant.
     *
     * @return how many packets, and how many other tasks (timers, link events), were waiting
     */
    int[] thaw() {
        frozen = false;
        deferred.sort(ScheduledEvent.ORDER);
        int packets = queuedPackets;
        int others = -packets;
        for (ScheduledEvent e : deferred) {
            if (!e.isCancelled()) {
                network.scheduler().schedule(e.time, e.task, e.owner);
                others++;
            }
        }
        deferred.clear();
        queuedPackets = 0;
        if (others + packets > 0) {
            thawBacklog = true;
            network.scheduler().schedule(network.scheduler().now(), () -> thawBacklog = false, this);
        }
        return new int[] {packets, others};
    }

    void die() {
        alive = false;
        frozen = false;
        deferred.clear();
        queuedPackets = 0;
    }

    long packetsDroppedWhileFrozen() {
        return packetsDroppedWhileFrozen;
    }

    PeerDaemon peer() {
        return peer;
    }

    void peer(PeerDaemon daemon) {
        this.peer = daemon;
    }

    CarpDispatcher dispatcher() {
        return dispatcher;
    }

    Map<Integer, CarpGroup> groups() {
        return groups;
    }
}
