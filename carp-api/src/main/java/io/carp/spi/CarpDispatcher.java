package io.carp.spi;

import io.carp.internal.util.LogThrottle;

import io.carp.CarpClock;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import io.carp.internal.protocol.IpEnvelope;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Decodes the packets of one receiving socket (one interface and family) and hands each to the group of its vhid, so
 * that one socket serves every vhid on the interface. Used by every runtime, so the simulated and the real network
 * take the same path.
 *
 * <p>Drops that can be attributed to a registered group (by the vhid byte) go to that group; the others (no readable
 * vhid, a vhid nobody here runs, VRRP traffic) are counted here, see {@link #unmatchedDrops(DropReason)}. Never
 * throws on bad bytes. Registration may happen on any thread; {@code receive*} must be called on the groups'
 * protocol loop.
 */
public final class CarpDispatcher {
    private static final System.Logger LOG = System.getLogger(CarpDispatcher.class.getName());
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final boolean checkTtl;
    private final GroupEndpoint[] groups = new GroupEndpoint[256];
    private final AtomicLongArray unmatched = new AtomicLongArray(DropReason.values().length);
    private final LogThrottle log = new LogThrottle(LOG_INTERVAL_NANOS);
    private volatile int registered;

    /** A dispatcher that drops packets whose TTL / hop limit is not 255 (multicast operation). */
    public CarpDispatcher() {
        this(true);
    }

    /**
     * A dispatcher.
     *
     * @param checkTtl whether a TTL other than 255 is a drop; FreeBSD skips the check for unicast peers
     */
    public CarpDispatcher(boolean checkTtl) {
        this.checkTtl = checkTtl;
    }

    /**
     * Registers a group for its vhid. Registering the same group again does nothing.
     *
     * @param group the group
     * @throws IllegalStateException if another group already uses that vhid here
     */
    public synchronized void register(GroupEndpoint group) {
        int vhid = group.config().vhid();
        if (groups[vhid] != null && groups[vhid] != group) {
            throw new IllegalStateException("vhid " + vhid + " is already running on "
                    + group.config().interfaceLabel() + " in this process");
        }
        if (groups[vhid] == null) {
            groups[vhid] = group;
            registered++;
        }
    }

    /**
     * Unregisters a group; idempotent.
     *
     * @param group the group
     */
    public synchronized void unregister(GroupEndpoint group) {
        int vhid = group.config().vhid();
        if (groups[vhid] == group) {
            groups[vhid] = null;
            registered--;
        }
    }

    /** Whether no group is registered. */
    public boolean isEmpty() {
        return registered == 0;
    }

    /**
     * Every registered group, for link events.
     *
     * @param action called for each group
     */
    public void forEachGroup(java.util.function.Consumer<GroupEndpoint> action) {
        GroupEndpoint[] snapshot;
        synchronized (this) {
            snapshot = groups.clone();
        }
        for (GroupEndpoint g : snapshot) {
            if (g != null) {
                action.accept(g);
            }
        }
    }

    /**
     * An IPv4 datagram as a raw socket delivers it, IP header included.
     *
     * @param packet from position to limit
     */
    public void receiveIpv4(ByteBuffer packet) {
        dispatch(CarpCodec.decodeIpv4(packet, checkTtl));
    }

    /**
     * An IPv6 packet with its fixed header.
     *
     * @param packet from position to limit
     */
    public void receiveIpv6(ByteBuffer packet) {
        dispatch(CarpCodec.decodeIpv6(packet, checkTtl));
    }

    /**
     * A CARP payload whose envelope was read separately (IPv6 raw sockets).
     *
     * @param envelope source, destination and hop limit
     * @param payload  from position to limit
     */
    public void receive(IpEnvelope envelope, ByteBuffer payload) {
        dispatch(CarpCodec.decode(envelope, payload, checkTtl));
    }

    private void dispatch(InboundPacket packet) {
        GroupEndpoint group = packet.vhid() >= 0 ? groups[packet.vhid()] : null;
        if (!packet.isDropped()) {
            if (group != null) {
                group.onAdvertisement(packet.envelope(), packet.advertisement());
            } else {
                countUnmatched(DropReason.OTHER_VHID, packet);
            }
        } else if (group != null) {
            group.onDropped(packet.dropReason(), packet.envelope());
        } else {
            countUnmatched(packet.dropReason(), packet);
        }
    }

    private void countUnmatched(DropReason reason, InboundPacket packet) {
        unmatched.incrementAndGet(reason.ordinal());
        long now = CarpClock.system().nanoTime();
        if (LOG.isLoggable(Level.DEBUG)
                && log.tryAcquire(now)) {
            LOG.log(Level.DEBUG, "dropped packet not meant for a group here ({0}): {1} (logged at most once a second)",
                    reason.tag(), packet);
        }
    }

    /**
     * Packets dropped here because no registered group matched them.
     *
     * @param reason the reason
     * @return how many were dropped for it
     */
    public long unmatchedDrops(DropReason reason) {
        return unmatched.get(reason.ordinal());
    }
}
