package io.carp.spi;

import io.carp.internal.util.LogThrottle;

import io.carp.CarpClock;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpDecoder;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.vrrp.VrrpDecoder;
import io.carp.internal.vrrp.VrrpPacket;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Decodes the packets of one receiving socket (one interface and family) and hands each to the group of its vhid, so
 * that one socket serves every vhid on the interface. Used by every runtime, so the simulated and the real network
 * take the same path.
 *
 * <p>CARP and VRRP groups share the socket (protocol 112, 224.0.0.18 / ff02::12) and one id space per interface: the
 * id byte (CARP's vhid, VRRP's VRID, both at offset 1) names the group, whose protocol chooses the decoder; a packet
 * of the other protocol is dropped as {@link DropReason#FOREIGN}.
 *
 * <p>Drops that can be attributed to a registered group (by the id byte) go to that group; the others (no readable
 * id, an id nobody here runs) are counted here, see {@link #unmatchedDrops(DropReason)}. Never
 * throws on bad bytes. Registration may happen on any thread; {@code receive*} must be called on the groups'
 * protocol loop.
 */
public final class CarpDispatcher {
    private static final System.Logger LOG = System.getLogger(CarpDispatcher.class.getName());
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final boolean checkTtl;
    /** Decodes on the protocol loop (the only thread that calls {@code receive*}); reused for every packet. */
    private final CarpDecoder decoder = new CarpDecoder();
    /** The VRRP decoder, likewise (allocates nothing while a sender repeats its advert, see {@link VrrpDecoder}). */
    private final VrrpDecoder vrrpDecoder = new VrrpDecoder();
    /**
     * CARP and VRRPv2 groups by id: both send version 2 in the first nibble (the first byte is 0x21 for both), so they
     * share one id space here.
     */
    private final GroupEndpoint[] groups = new GroupEndpoint[256];
    /** VRRPv3 groups by VRID: version 3 on the wire, so a CARP vhid and a VRRPv3 VRID of the same value coexist. */
    private final GroupEndpoint[] v3 = new GroupEndpoint[256];
    /** The group the packet being dispatched belongs to (set by {@link #isVrrp}; the loop's thread only). */
    private GroupEndpoint routed;
    private final AtomicLongArray unmatched = new AtomicLongArray(DropReason.values().length);
    private final LogThrottle log = new LogThrottle(LOG_INTERVAL_NANOS);
    private volatile int registered;
    /** The arrival time of the packet being dispatched (protocol loop only). */
    private long arrived = GroupEndpoint.ARRIVAL_UNKNOWN;

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
     * Registers a group for its vhid. Registering the same group again does nothing. CARP and VRRPv2 share one id space
     * (both are version 2 on the wire); VRRPv3 groups have their own, told apart by the version nibble.
     *
     * @param group the group
     * @throws IllegalStateException if another group of the same id space already uses that id here
     */
    public synchronized void register(GroupEndpoint group) {
        int vhid = group.config().vhid();
        GroupEndpoint[] slots = slots(group);
        if (slots[vhid] != null && slots[vhid] != group) {
            throw new IllegalStateException(sharedIdMessage(group, slots[vhid]));
        }
        if (slots[vhid] == null) {
            slots[vhid] = group;
            registered++;
        }
    }

    /**
     * Whether {@code a} and {@code b} would need the same id slot: the same id, and both VRRPv3 or both not (CARP and
     * VRRPv2 are both version 2 on the wire).
     *
     * @param a a group's configuration
     * @param b another one
     * @return whether they cannot run side by side on one interface and family
     */
    public static boolean shareIdSpace(io.carp.CarpConfig a, io.carp.CarpConfig b) {
        return a.vhid() == b.vhid()
                && (a.protocol() == io.carp.Protocol.VRRP_V3) == (b.protocol() == io.carp.Protocol.VRRP_V3);
    }

    /**
     * The one-line refusal of a group whose id is taken.
     *
     * @param group   the group refused
     * @param running the group that has the id
     * @return the message
     */
    public static String sharedIdMessage(GroupEndpoint group, GroupEndpoint running) {
        return "vhid " + group.config().vhid() + " is already running on " + group.config().interfaceLabel()
                + " in this process (" + running.config().protocol() + "; CARP vhids and VRRPv2 VRIDs share one id"
                + " space per interface and family, as both are version 2 on the wire; VRRPv3 VRIDs have their own)";
    }

    private GroupEndpoint[] slots(GroupEndpoint group) {
        return group.config().protocol() == io.carp.Protocol.VRRP_V3 ? v3 : groups;
    }

    /**
     * Unregisters a group; idempotent.
     *
     * @param group the group
     */
    public synchronized void unregister(GroupEndpoint group) {
        int vhid = group.config().vhid();
        GroupEndpoint[] slots = slots(group);
        if (slots[vhid] == group) {
            slots[vhid] = null;
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
        GroupEndpoint[] snapshot = new GroupEndpoint[512];
        synchronized (this) {
            System.arraycopy(groups, 0, snapshot, 0, 256);
            System.arraycopy(v3, 0, snapshot, 256, 256);
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
        receiveIpv4(packet, GroupEndpoint.ARRIVAL_UNKNOWN);
    }

    /**
     * An IPv4 datagram as a raw socket delivers it, with the time it arrived (see
     * {@link GroupEndpoint#onAdvertisement(IpEnvelope, io.carp.internal.protocol.CarpAdvertisement, long)}).
     *
     * @param packet       from position to limit
     * @param arrivedNanos when it arrived, on the groups' loop clock, or {@link GroupEndpoint#ARRIVAL_UNKNOWN}
     */
    public void receiveIpv4(ByteBuffer packet, long arrivedNanos) {
        arrived = arrivedNanos;
        routed = null;
        int p = packet.position();
        int length = packet.remaining();
        int ihl = length > 0 ? (packet.get(p) & 0x0f) * 4 : 0;
        int total = length >= 4 ? packet.getShort(p + 2) & 0xffff : 0;
        if (length >= 20 && ihl >= 20 && ihl <= length
                && isVrrp(packet, p + ihl, Math.min(length, Math.max(total, ihl)) - ihl)) {
            dispatch(vrrpDecoder.decodeIpv4(packet, checkTtl));
        } else {
            decoder.decodeIpv4(packet, checkTtl);
            dispatch();
        }
    }

    /**
     * An IPv6 packet with its fixed header.
     *
     * @param packet from position to limit
     */
    public void receiveIpv6(ByteBuffer packet) {
        arrived = GroupEndpoint.ARRIVAL_UNKNOWN;
        routed = null;
        int p = packet.position();
        int length = packet.remaining();
        if (length >= 40 && isVrrp(packet, p + 40, Math.min(length - 40, packet.getShort(p + 4) & 0xffff))) {
            dispatch(vrrpDecoder.decodeIpv6(packet, checkTtl));
        } else {
            decoder.decodeIpv6(packet, checkTtl);
            dispatch();
        }
    }

    /**
     * A CARP payload whose envelope was read separately (IPv6 raw sockets).
     *
     * @param envelope source, destination and hop limit
     * @param payload  from position to limit
     */
    public void receive(IpEnvelope envelope, ByteBuffer payload) {
        receive(envelope, payload, GroupEndpoint.ARRIVAL_UNKNOWN);
    }

    /**
     * A CARP payload whose envelope was read separately, with the time it arrived.
     *
     * @param envelope     source, destination and hop limit
     * @param payload      from position to limit
     * @param arrivedNanos when it arrived, on the groups' loop clock, or {@link GroupEndpoint#ARRIVAL_UNKNOWN}
     */
    public void receive(IpEnvelope envelope, ByteBuffer payload, long arrivedNanos) {
        arrived = arrivedNanos;
        routed = null;
        if (isVrrp(payload, payload.position(), payload.remaining())) {
            dispatch(vrrpDecoder.decode(envelope, payload, checkTtl));
        } else {
            decoder.decode(envelope, payload, checkTtl);
            dispatch();
        }
    }

    /**
     * Which decoder reads a protocol-112 payload, and for which group ({@link #routed}): a version-3 payload goes to
     * the VRRPv3 group of its id byte, any other to the CARP or VRRPv2 group of that id; if the id has no group of that
     * kind, to the group of the other kind (which drops it as {@link DropReason#FOREIGN} or
     * {@link DropReason#BAD_VERSION}, as before the two had id spaces of their own). The group's protocol picks the
     * decoder; with no group at all, CARP's, as before VRRP groups existed: VRRP traffic for an id nobody here runs is
     * counted as unmatched {@link DropReason#FOREIGN}.
     */
    private boolean isVrrp(ByteBuffer b, int off, int len) {
        GroupEndpoint group = null;
        if (len >= 2) {
            int id = b.get(off + 1) & 0xff;
            boolean version3 = (b.get(off) & 0xf0) == 0x30;
            group = version3 ? v3[id] : groups[id];
            if (group == null) {
                group = version3 ? groups[id] : v3[id];
            }
        }
        routed = group;
        return group != null && group.config().protocol().isVrrp();
    }

    private void dispatch(VrrpPacket packet) {
        GroupEndpoint group = packet.vrid() >= 0 ? routed : null;
        if (!packet.isDropped()) {
            if (group != null) {
                group.onVrrpAdvertisement(packet.envelope(), packet.advertisement(), arrived);
            } else {
                countUnmatched(DropReason.OTHER_VHID, packet);
            }
        } else if (group != null) {
            group.onDropped(packet.dropReason(), packet.envelope());
        } else {
            countUnmatched(packet.dropReason(), packet);
        }
    }

    /** Hands the decoder's result to the group of its vhid; allocates nothing (see {@link CarpDecoder}). */
    private void dispatch() {
        int vhid = decoder.vhid();
        GroupEndpoint group = vhid < 0 ? null : routed != null ? routed : groups[vhid];
        DropReason reason = decoder.dropReason();
        if (reason == null) {
            if (group != null) {
                group.onAdvertisement(decoder.envelope(), decoder.advertisement(), arrived);
            } else {
                countUnmatched(DropReason.OTHER_VHID, decoder);
            }
        } else if (group != null) {
            group.onDropped(reason, decoder.envelope());
        } else {
            countUnmatched(reason, decoder);
        }
    }

    private void countUnmatched(DropReason reason, Object packet) {
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
