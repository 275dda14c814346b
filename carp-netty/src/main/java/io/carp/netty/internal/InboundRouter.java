package io.carp.netty.internal;

import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpConstants;

import io.carp.CarpConfig;
import io.carp.DropReason;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.IpFamily;
import io.carp.spi.CarpDispatcher;
import io.carp.spi.GroupEndpoint;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The receive side of one socket (one interface and family), shared by every group on it, with the TTL rule decided
 * per group:
 * <ul>
 *   <li>a group in multicast mode for the family is registered in a {@link CarpDispatcher} that drops anything whose
 *       TTL / hop limit is not 255 (the link-local guarantee CARP relies on);</li>
 *   <li>a group in unicast mode ({@link AdvertTargets#isUnicast}) is registered in a dispatcher that does not check
 *       it, as FreeBSD 14 does for {@code peer}: a peer may be routers away. Unlike FreeBSD, an advert whose TTL is
 *       not 255 is accepted only from one of the group's configured peers; from any other source it is still dropped
 *       as {@link DropReason#BAD_TTL}.</li>
 * </ul>
 * A packet goes to the dispatcher of the group its vhid byte names; one that names no unicast group (or has no
 * readable vhid) goes to the checking dispatcher, which also counts the packets nobody here runs.
 *
 * <p>Threads: {@link #register} and {@link #unregister} on any thread (under the runtime's lock); {@code receive*} on
 * the interface's event loop.
 */
final class InboundRouter {
    private final IpFamily family;
    private final CarpDispatcher checking = new CarpDispatcher(true);
    private final CarpDispatcher peerTrusting = new CarpDispatcher(false);
    /**
     * {@link #UNICAST} or {@link #MULTICAST} where a group of that mode runs the id, else 0: read on the loop for every
     * packet. Indexes 0-255 are CARP and VRRPv2 ids (version 2 on the wire), 256-511 VRRPv3 VRIDs (see
     * {@link CarpDispatcher#register}).
     */
    private final AtomicIntegerArray unicastVhids = new AtomicIntegerArray(512);
    private static final int UNICAST = 1;
    private static final int MULTICAST = 2;
    private final Map<GroupEndpoint, PeerTtlFilter> unicastGroups = new HashMap<>();
    private final Set<GroupEndpoint> multicastGroups = new HashSet<>();

    InboundRouter(IpFamily family) {
        this.family = family;
    }

    /**
     * Registers a group for its vhid, with the TTL rule of its mode in this family.
     *
     * @param group   the group
     * @param targets its advert targets
     * @throws IllegalStateException if another group here already uses the vhid
     */
    synchronized void register(GroupEndpoint group, AdvertTargets targets) {
        if (unicastGroups.containsKey(group) || multicastGroups.contains(group)) {
            return;
        }
        GroupEndpoint running = inUse(group);
        if (running != null) {
            throw new IllegalStateException(CarpDispatcher.sharedIdMessage(group, running));
        }
        if (targets.isUnicast(family)) {
            PeerTtlFilter filter = new PeerTtlFilter(group, targets, family);
            peerTrusting.register(filter);
            unicastGroups.put(group, filter);
            unicastVhids.set(slot(group), UNICAST);
        } else {
            checking.register(group);
            multicastGroups.add(group);
            unicastVhids.set(slot(group), MULTICAST);
        }
    }

    /**
     * Unregisters a group; idempotent.
     *
     * @param group the group
     */
    synchronized void unregister(GroupEndpoint group) {
        PeerTtlFilter filter = unicastGroups.remove(group);
        if (filter != null) {
            unicastVhids.set(slot(group), 0);
            peerTrusting.unregister(filter);
        }
        if (multicastGroups.remove(group)) {
            unicastVhids.set(slot(group), 0);
            checking.unregister(group);
        }
    }

    /** Whether no group is registered. */
    synchronized boolean isEmpty() {
        return unicastGroups.isEmpty() && multicastGroups.isEmpty();
    }

    /** Whether some registered group uses the multicast group of this family (so the socket must be a member). */
    synchronized boolean hasMulticastGroup() {
        return !multicastGroups.isEmpty();
    }

    private static int slot(GroupEndpoint group) {
        return group.config().vhid() + (group.config().protocol() == io.carp.Protocol.VRRP_V3 ? 256 : 0);
    }

    /** The registered group whose id space and id {@code group} would share, or {@code null}. */
    private GroupEndpoint inUse(GroupEndpoint group) {
        for (GroupEndpoint g : unicastGroups.keySet()) {
            if (CarpDispatcher.shareIdSpace(g.config(), group.config())) {
                return g;
            }
        }
        for (GroupEndpoint g : multicastGroups) {
            if (CarpDispatcher.shareIdSpace(g.config(), group.config())) {
                return g;
            }
        }
        return null;
    }

    /**
     * An IPv4 datagram as a raw socket delivers it, IP header included.
     *
     * @param packet from position to limit
     */
    void receiveIpv4(ByteBuffer packet) {
        receiveIpv4(packet, GroupEndpoint.ARRIVAL_UNKNOWN);
    }

    /**
     * As {@link #receiveIpv4(ByteBuffer)}, with when it arrived (see
     * {@link CarpDispatcher#receiveIpv4(ByteBuffer, long)}).
     */
    void receiveIpv4(ByteBuffer packet, long arrivedNanos) {
        dispatcherFor(ipv4Slot(packet)).receiveIpv4(packet, arrivedNanos);
    }

    /**
     * A CARP payload whose envelope was read separately (IPv6 raw sockets).
     *
     * @param envelope source, destination and hop limit
     * @param payload  from position to limit
     */
    void receive(IpEnvelope envelope, ByteBuffer payload) {
        receive(envelope, payload, GroupEndpoint.ARRIVAL_UNKNOWN);
    }

    /** As {@link #receive(IpEnvelope, ByteBuffer)}, with when it arrived. */
    void receive(IpEnvelope envelope, ByteBuffer payload, long arrivedNanos) {
        dispatcherFor(slot(payload, payload.position())).receive(envelope, payload, arrivedNanos);
    }

    /**
     * Packets dropped because no group here runs their vhid (or they had none).
     *
     * @param reason the reason
     * @return how many
     */
    long unmatchedDrops(DropReason reason) {
        return checking.unmatchedDrops(reason) + peerTrusting.unmatchedDrops(reason);
    }

    /**
     * The unicast dispatcher if a unicast group runs the packet's id (in its id space: version 3 or not), else the
     * checking one. A packet whose kind has no group here goes where its id's group of the other kind is, as
     * {@link CarpDispatcher} routes it.
     */
    private CarpDispatcher dispatcherFor(int slot) {
        if (slot < 0) {
            return checking;
        }
        int mode = unicastVhids.get(slot);
        if (mode == 0) {
            mode = unicastVhids.get(slot < 256 ? slot + 256 : slot - 256);
        }
        return mode == UNICAST ? peerTrusting : checking;
    }

    /**
     * The id slot of an IPv4 datagram's protocol-112 payload (see {@link #unicastVhids}), without validating anything
     * else.
     *
     * @return 0-511, or -1 if the datagram is too short
     */
    static int ipv4Slot(ByteBuffer packet) {
        int p = packet.position();
        if (packet.remaining() < 1) {
            return -1;
        }
        int headerLength = (packet.get(p) & 0x0f) * 4;
        return packet.remaining() < headerLength + 2 ? -1 : slot(packet, p + headerLength);
    }

    private static int slot(ByteBuffer b, int carpOffset) {
        if (carpOffset + 2 > b.limit()) {
            return -1;
        }
        return (b.get(carpOffset + 1) & 0xff) + ((b.get(carpOffset) & 0xf0) == 0x30 ? 256 : 0);
    }

    /**
     * A unicast group as the TTL-blind dispatcher sees it: an advert whose TTL / hop limit is not 255 reaches the group
     * only if it comes from one of its peers.
     */
    private static final class PeerTtlFilter implements GroupEndpoint {
        private final GroupEndpoint group;
        private final AdvertTargets targets;
        private final IpFamily family;

        PeerTtlFilter(GroupEndpoint group, AdvertTargets targets, IpFamily family) {
            this.group = group;
            this.targets = targets;
            this.family = family;
        }

        @Override
        public CarpConfig config() {
            return group.config();
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement) {
            onAdvertisement(envelope, advertisement, ARRIVAL_UNKNOWN);
        }

        @Override
        public void onAdvertisement(IpEnvelope envelope, CarpAdvertisement advertisement, long arrivedNanos) {
            if (envelope.ttl() != CarpConstants.CARP_DFLTTL && !targets.isPeer(family, envelope.source())) {
                group.onDropped(DropReason.BAD_TTL, envelope);
                return;
            }
            group.onAdvertisement(envelope, advertisement, arrivedNanos);
        }

        @Override
        public void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement) {
            onVrrpAdvertisement(envelope, advertisement, ARRIVAL_UNKNOWN);
        }

        @Override
        public void onVrrpAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement, long arrivedNanos) {
            if (envelope.ttl() != VrrpConstants.VRRP_TTL && !targets.isPeer(family, envelope.source())) {
                group.onDropped(DropReason.BAD_TTL, envelope);
                return;
            }
            group.onVrrpAdvertisement(envelope, advertisement, arrivedNanos);
        }

        @Override
        public void onDropped(DropReason reason, IpEnvelope envelope) {
            group.onDropped(reason, envelope);
        }

        @Override
        public void onLinkStateChanged(boolean up) {
            group.onLinkStateChanged(up);
        }
    }
}
